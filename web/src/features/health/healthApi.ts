/** Calls of the health page (through the app's one fetch client). */
import { request } from '../../api/client';
import type { Page } from '../../api/types';
import type { CameraHealth, HealthFilterValues, HealthSummary } from './types';

export const healthApi = {
  cameras: (f: HealthFilterValues, limit: number, cursor: string | undefined, signal?: AbortSignal) =>
    request<Page<CameraHealth>>('/api/health/cameras', {
      signal,
      query: { q: f.q.trim(), state: f.state, tampered: f.tampered, owner: f.owner, district: f.district.trim(), limit, cursor },
    }),
  summary: (f: Pick<HealthFilterValues, 'owner' | 'district'>, signal?: AbortSignal) =>
    request<HealthSummary>('/api/health/summary', { signal, query: { owner: f.owner, district: f.district.trim() } }),
  resetReference: (cameraId: string) => request<CameraHealth>(`/api/cameras/${encodeURIComponent(cameraId)}/health/reference`, { method: 'POST' }),
};
