/** Evidence export endpoints (POST /api/exports, GET /api/exports/:id, …/download). Types come from generated/openapi.ts. */
import { request } from '../../api/client';
import type { paths } from '../../api/generated/openapi';

export type EvidenceExport = paths['/api/exports/{id}']['get']['responses'][200]['content']['application/json'];
export type NewExport = paths['/api/exports']['post']['requestBody']['content']['application/json'];

export const evidenceApi = {
  create: (body: NewExport) => request<EvidenceExport>('/api/exports', { method: 'POST', json: body }),
  get: (id: string, signal?: AbortSignal) => request<EvidenceExport>(`/api/exports/${encodeURIComponent(id)}`, { signal }),
  /** Same-origin link: the session cookie authorises it; the server audits the download. */
  downloadUrl: (id: string) => `/api/exports/${encodeURIComponent(id)}/download`,
};
