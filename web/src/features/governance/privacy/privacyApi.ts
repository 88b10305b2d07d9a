/** Calls of the privacy tab (through the app's one fetch client). */
import { request } from '../../../api/client';

export type Pt = [number, number];
export interface MaskPolygon {
  label: string;
  points: Pt[];
}
export interface CameraMasks {
  cameraId: string;
  polygons: MaskPolygon[];
  version: number;
  updatedBy: string | null;
  updatedAt: number | null;
}
export interface Release {
  id: string;
  exportId: string;
  cameraId: string;
  kind: 'masked' | 'redacted';
  caseRef: string;
  requestRef: string | null;
  status: 'running' | 'pending_review' | 'approved' | 'rejected' | 'ready' | 'failed';
  error: string | null;
  tracks: Array<{ id: number; kind: 'face' | 'plate'; firstS: number; lastS: number; detections: number; box: [number, number, number, number] }>;
  keepTracks: number[];
  createdBy: string;
  createdAt: number;
  reviewedBy: string | null;
  reviewNote: string | null;
}

const masksPath = (id: string) => `/api/cameras/${encodeURIComponent(id)}/privacy-masks`;

export const privacyApi = {
  masks: (cameraId: string, signal?: AbortSignal) => request<CameraMasks>(masksPath(cameraId), { signal }),
  putMasks: (cameraId: string, polygons: MaskPolygon[]) => request<CameraMasks>(masksPath(cameraId), { method: 'PUT', json: { polygons } }),
  reviewQueue: (signal?: AbortSignal) => request<{ items: Release[] }>('/api/privacy/releases', { signal, query: { status: 'pending_review' } }),
  releasesOf: (exportId: string, signal?: AbortSignal) => request<{ items: Release[] }>(`/api/exports/${encodeURIComponent(exportId)}/releases`, { signal }),
  createRelease: (exportId: string, body: { cameraId: string; kind: 'masked' | 'redacted'; requestRef?: string }) =>
    request<Release>(`/api/exports/${encodeURIComponent(exportId)}/releases`, { method: 'POST', json: body }),
  keep: (id: string, trackIds: number[]) => request<Release>(`/api/privacy/releases/${encodeURIComponent(id)}/keep`, { method: 'POST', json: { trackIds } }),
  /** Same-origin link: the session cookie authorises it; the server audits the download (only after approval for redacted copies). */
  downloadUrl: (id: string) => `/api/privacy/releases/${encodeURIComponent(id)}/download`,
  review: (id: string, decision: 'approve' | 'reject', note: string) => request<Release>(`/api/privacy/releases/${encodeURIComponent(id)}/review`, { method: 'POST', json: { decision, note } }),
};
