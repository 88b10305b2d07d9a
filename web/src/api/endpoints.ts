/** Typed calls for each endpoint the web app uses. */
import { buildUrl, request } from './client';
import type {
  AuditQuery,
  AuditRecord,
  Camera,
  CameraQuery,
  ImportFormat,
  ImportResult,
  Me,
  Organisation,
  Page,
  SiteInfo,
  VerifyResult,
} from './types';

export const api = {
  me: (signal?: AbortSignal) => request<Me>('/api/auth/me', { signal }),
  login: (username: string, password: string, code?: string) =>
    request<{ user: Me }>('/api/auth/login', { method: 'POST', json: { username, password, ...(code ? { code } : {}) } }),
  logout: () => request<void>('/api/auth/logout', { method: 'POST' }),
  changePassword: (currentPassword: string, newPassword: string) =>
    request<void>('/api/auth/password', { method: 'POST', json: { currentPassword, newPassword } }),

  site: (signal?: AbortSignal) => request<SiteInfo>('/api/site', { signal }),
  organisations: (signal?: AbortSignal) => request<{ items: Organisation[] }>('/api/organisations', { signal }),

  cameras: (query: CameraQuery, signal?: AbortSignal) =>
    request<Page<Camera>>('/api/cameras', {
      signal,
      query: {
        q: query.q?.trim(),
        owner: query.owner,
        district: query.district?.trim(),
        tag: query.tag?.trim(),
        bbox: query.bbox?.map((n) => n.toFixed(6)).join(','),
        limit: query.limit,
        cursor: query.cursor,
      },
    }),
  camera: (id: string, signal?: AbortSignal) =>
    request<Camera>(`/api/cameras/${encodeURIComponent(id)}`, { signal }),
  importCameras: (file: Blob, format: ImportFormat) =>
    request<ImportResult>('/api/cameras/import', {
      method: 'POST',
      query: { format },
      body: file,
      contentType: format === 'csv' ? 'text/csv' : 'application/geo+json',
    }),
  exportUrl: (format: ImportFormat) => buildUrl('/api/cameras/export', { format }),

  audit: (query: AuditQuery, signal?: AbortSignal) =>
    request<Page<AuditRecord>>('/api/audit', { signal, query: { ...query } }),
  verifyAudit: () => request<VerifyResult>('/api/audit/verify'),
};
