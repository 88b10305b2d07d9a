/** Calls of the crowd pages (through the app's one fetch client). */
import { ApiError, buildUrl, request } from '../../api/client';
import type { CountCalibration, CrowdEvent, CrowdLive, CrowdSample, CrowdSettings, EventInput, EventPatch, Pt, SeriesPoint, SettingsInput } from './types';

const cam = (id: string, rest: string) => `/api/crowd/cameras/${encodeURIComponent(id)}${rest}`;
const ev = (id: string, rest = '') => `/api/crowd/events/${encodeURIComponent(id)}${rest}`;

export type ReportFormat = 'json' | 'csv' | 'pdf';

export const crowdApi = {
  settings: (cameraId: string, signal?: AbortSignal) => request<CrowdSettings>(cam(cameraId, '/settings'), { signal }),
  putSettings: (cameraId: string, body: SettingsInput) => request<CrowdSettings>(cam(cameraId, '/settings'), { method: 'PUT', json: body }),

  samples: (cameraId: string, signal?: AbortSignal) => request<{ items: CrowdSample[] }>(cam(cameraId, '/samples'), { signal }),
  /** Grabs a frame (live, or from the recording at `at`): footage, so it carries the viewer's purpose (X-Purpose). */
  takeSample: (cameraId: string, purpose: string, at?: number) =>
    request<CrowdSample>(cam(cameraId, '/samples'), { method: 'POST', json: at === undefined ? {} : { at }, headers: { 'X-Purpose': purpose.trim() } }),
  putHeads: (sampleId: string, heads: Pt[]) => request<CrowdSample>(`/api/crowd/samples/${encodeURIComponent(sampleId)}/heads`, { method: 'PUT', json: { heads } }),
  fitCount: (cameraId: string) => request<CountCalibration>(cam(cameraId, '/count-calibration'), { method: 'POST', json: {} }),

  live: (cameraIds: readonly string[], signal?: AbortSignal) => request<CrowdLive>('/api/crowd/live', { signal, query: { cameraIds: cameraIds.join(',') } }),
  series: (cameraId: string, fromMs: number, toMs: number, bucketMs: number, signal?: AbortSignal) =>
    request<{ points: SeriesPoint[] }>(cam(cameraId, '/series'), { signal, query: { fromMs, toMs, bucketMs } }),

  events: (signal?: AbortSignal) => request<{ items: CrowdEvent[] }>('/api/crowd/events', { signal }),
  event: (id: string, signal?: AbortSignal) => request<CrowdEvent>(ev(id), { signal }),
  createEvent: (body: EventInput) => request<CrowdEvent>('/api/crowd/events', { method: 'POST', json: body }),
  updateEvent: (id: string, body: EventPatch) => request<CrowdEvent>(ev(id), { method: 'PATCH', json: body }),
};

/** The event's report for download (the browser sends the session cookie). */
export const reportUrl = (eventId: string, format: ReportFormat) => buildUrl(ev(eventId, '/report'), { format });


/**
 * The camera's current picture to draw on, fetched with the viewer's purpose (X-Purpose: live footage
 * is purpose-bound, and an <img> cannot send headers); the caller makes an object URL of it.
 */
export async function cameraPicture(cameraId: string, purpose: string, signal?: AbortSignal): Promise<Blob> {
  const res = await fetch(`/api/cameras/${encodeURIComponent(cameraId)}/snapshot`, { headers: { 'X-Purpose': purpose.trim() }, credentials: 'same-origin', signal });
  if (res.ok) return res.blob();
  let body: { error?: { code?: string; message?: string; requestId?: string } } = {};
  try {
    body = (await res.json()) as typeof body;
  } catch (err) {
    console.warn('Snapshot error without a JSON body', res.status, err);
  }
  throw new ApiError(res.status, body.error?.code ?? `http_${res.status}`, body.error?.message ?? `${res.status} ${res.statusText}`, undefined, body.error?.requestId);
}
