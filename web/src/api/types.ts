/** Shapes of the SmartView HTTP API (see GET /api/openapi.json). Times are integer UTC ms. */

export interface Grant {
  role: string;
  organisations: string[] | null;
  districts: string[] | null;
}

export interface Me {
  id: string;
  username: string;
  displayName: string;
  permissions: string[];
  grants: Grant[];
  passwordExpiresAt: number | null;
}

export interface SiteInfo {
  siteId: string;
  siteName: string;
  version: string;
  map: {
    center: [number, number];
    zoom: number;
    tileUrl?: string;
    attribution?: string;
  };
}

export type Transport = 'tcp' | 'udp' | 'auto';
export type CameraStatus = 'unknown' | 'online' | 'offline';

export interface Camera {
  id: string;
  name: string;
  location: { lat: number; lon: number; district: string; address: string };
  owner: string;
  source: { url: string; subUrl: string | null; transport: Transport; hasCredentials: boolean };
  bearingDeg: number | null;
  fovDeg: number | null;
  tags: string[];
  sharing: { liveAllowed: boolean; playbackAllowed: boolean; retentionDays: number | null };
  status: CameraStatus;
  statusChangedAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** [minLon, minLat, maxLon, maxLat] */
export type BBox = [number, number, number, number];

export interface CameraQuery {
  q?: string;
  owner?: string;
  district?: string;
  tag?: string;
  bbox?: BBox;
  limit?: number;
  cursor?: string;
}

export interface Organisation {
  id: string;
  name: string;
  kind: string;
  policy: { liveAllowed: boolean; playbackAllowed: boolean; retentionDaysCap: number | null };
}

export type ImportFormat = 'csv' | 'geojson';

export interface ImportResult {
  imported: number;
}

export interface RejectedRow {
  row: number;
  id: string | null;
  errors: string[];
}

export interface ImportRejection {
  total: number;
  rejected: RejectedRow[];
}

export interface AuditRecord {
  seq: number;
  chain: string;
  chainSeq: number;
  at: number;
  actorId: string | null;
  actorName: string;
  action: string;
  targetType: string | null;
  targetId: string | null;
  cameraIds: string[];
  purpose: string | null;
  caseRef: string | null;
  ip: string | null;
  outcome: string;
  details: Record<string, unknown>;
}

export interface AuditQuery {
  from?: number;
  to?: number;
  actorId?: string;
  action?: string;
  cameraId?: string;
  caseRef?: string;
  limit?: number;
  cursor?: string;
}

export interface VerifyProblem {
  chain: string;
  chainSeq?: number;
  kind: string;
  message: string;
}

export interface VerifyResult {
  ok: boolean;
  recordsChecked: number;
  problems: VerifyProblem[];
}

/** A message on the live event socket. */
export interface LiveEvent {
  name: string;
  data: Record<string, unknown>;
  at: number;
}
