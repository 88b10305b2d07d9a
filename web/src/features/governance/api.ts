import { buildUrl, request, type QueryValue } from '../../api/client';

export interface BreakGlass {
  id: string;
  userId: string;
  username: string;
  reason: string;
  startedAt: number;
  expiresAt: number;
  active: boolean;
  reviewStatus: 'pending' | 'approved' | 'flagged';
  reviewedBy: string | null;
  reviewedAt: number | null;
  reviewNote: string | null;
}

export interface AuditRecord {
  seq: number;
  at: number;
  actorName: string;
  action: string;
  targetType: string | null;
  targetId: string | null;
  cameraIds: string[];
  purpose: string | null;
  caseRef: string | null;
  outcome: string;
  details: Record<string, unknown>;
  hash: string;
}

export interface Flag {
  kind: 'no_case' | 'break_glass' | 'unusual_hours' | 'bulk_exports' | 'plate_many_users';
  user: string | null;
  at: number;
  records: number[];
  summary: string;
}

export interface ReviewFilter {
  from?: number;
  to?: number;
  user?: string;
  cameraId?: string;
  caseRef?: string;
  action?: string;
}

export interface TransparencyReport {
  site: string;
  fromMs: number;
  toMs: number;
  generatedAt: number;
  suppressBelow: number;
  cameras: { total: number; byOwner: Array<{ owner: string; ownerName: string | null; cameras: number }>; byDistrict: Array<{ district: string; cameras: number }> };
  hoursRecorded: number;
  liveViews: number;
  playbacks: number;
  searches: { total: number; byKind: Array<{ kind: string; count: number | null }> };
  exports: number;
  casesAssisted: number;
  hotlistHits: number;
  retention: { deletedSegments: number; deletedBytes: number; certificates: Array<{ fromMs: number; toMs: number; count: number; bytes: number; listSha256: string }> };
}

export interface RegisterEntry {
  cameraId: string;
  name: string;
  owner: string;
  ownerName: string | null;
  district: string;
  purpose: string | null;
  legalBasis: string | null;
  signage: boolean | null;
  residentialFacing: boolean | null;
  notes: string | null;
  retentionDays: number | null;
  masks: number;
  analyticsEnabled: boolean;
  updatedBy: string | null;
  updatedAt: number | null;
}

export interface RegisterInput {
  purpose: string;
  legalBasis: string;
  signage: boolean;
  residentialFacing: boolean;
  notes: string;
}

export interface UserGrant {
  role: string;
  organisations: string[] | null;
  districts: string[] | null;
  expiresAt?: number | null;
}

export interface UserView {
  id: string;
  username: string;
  displayName: string;
  grants: UserGrant[];
}

const q = (f: object) => f as Record<string, QueryValue>;

/** The governance and access endpoints (src/api/routes/access.routes.ts, governance.routes.ts). */
export const governanceApi = {
  startBreakGlass: (reason: string) => request<BreakGlass>('/api/access/break-glass', { method: 'POST', json: { reason } }),
  myBreakGlass: (signal?: AbortSignal) => request<{ item: BreakGlass | null }>('/api/access/break-glass/mine', { signal }),
  breakGlassQueue: (status: string, signal?: AbortSignal) => request<{ items: BreakGlass[] }>('/api/access/break-glass', { query: { status: status || undefined }, signal }),
  reviewBreakGlass: (id: string, decision: 'approved' | 'flagged', note: string) =>
    request<BreakGlass>(`/api/access/break-glass/${encodeURIComponent(id)}/review`, { method: 'POST', json: { decision, note } }),
  users: (signal?: AbortSignal) => request<{ items: UserView[] }>('/api/users', { signal }),
  setGrants: (id: string, grants: UserGrant[]) => request<UserView>(`/api/users/${encodeURIComponent(id)}/grants`, { method: 'PUT', json: { grants } }),
  audit: (f: ReviewFilter, cursor: string | undefined, signal?: AbortSignal) =>
    request<{ items: AuditRecord[]; nextCursor: string | null }>('/api/governance/audit', { query: { ...q(f), limit: 100, cursor }, signal }),
  flags: (from: number, to: number, signal?: AbortSignal) => request<{ records: number; truncated: boolean; flags: Flag[] }>('/api/governance/audit/flags', { query: { from, to }, signal }),
  auditCsvUrl: (f: ReviewFilter) => buildUrl('/api/governance/audit/export.csv', q(f)),
  report: (from: number, to: number, signal?: AbortSignal) => request<TransparencyReport>('/api/governance/report', { query: { from, to }, signal }),
  reportUrl: (format: 'csv' | 'pdf', from: number, to: number) => buildUrl(`/api/governance/report.${format}`, { from, to }),
  register: (signal?: AbortSignal) => request<{ items: RegisterEntry[] }>('/api/governance/register', { signal }),
  setRegister: (cameraId: string, input: RegisterInput) => request<RegisterEntry>(`/api/governance/register/${encodeURIComponent(cameraId)}`, { method: 'PUT', json: input }),
  registerCsvUrl: () => '/api/governance/register.csv',
};
