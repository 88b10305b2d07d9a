/** The playback endpoints the web app uses (types generated from the server's OpenAPI document). */
import { buildUrl, request } from '../../api/client';
import type { paths } from '../../api/generated/openapi';

export type Timeline = paths['/api/cameras/{id}/timeline']['get']['responses'][200]['content']['application/json'];

export function fetchTimeline(cameraId: string, fromMs: number, toMs: number, signal?: AbortSignal): Promise<Timeline> {
  return request<Timeline>(`/api/cameras/${encodeURIComponent(cameraId)}/timeline`, { query: { from: fromMs, to: toMs }, signal });
}

/** The HLS playlist URL (hls.js fetches it with the session cookie; the purpose and the case go in the query). */
export function playlistUrl(cameraId: string, fromMs: number, toMs: number, purpose: string, caseRef = ''): string {
  return buildUrl(`/api/cameras/${encodeURIComponent(cameraId)}/playback.m3u8`, { from: fromMs, to: toMs, purpose: purpose || undefined, caseRef: caseRef || undefined });
}

export function snapshotUrl(cameraId: string, atMs: number): string {
  return buildUrl(`/api/cameras/${encodeURIComponent(cameraId)}/snapshot`, { at: Math.round(atMs) });
}
