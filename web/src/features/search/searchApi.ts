/** Calls of the Search page. Forensic calls carry the open case as X-Case-Ref; without it the server refuses (and audits the refusal). */
import { ApiError, request } from '../../api/client';
import type { Case, CaseCreate, Coverage, JourneyExportStarted, JourneyStep, Proposals, SimilarQuery, SimilarResult, TrackPage, TrackSearch } from './types';
import type { Job } from '../analytics/types';

/** No header without a case: under an active break-glass the server lets person search through (audited with its id). */
const caseHeaders = (caseRef: string): Record<string, string> => (caseRef ? { 'X-Case-Ref': caseRef } : {});
const enc = encodeURIComponent;

export const searchApi = {
  cases: (signal?: AbortSignal) => request<{ items: Case[] }>('/api/cases', { signal, query: { limit: 200 } }),
  createCase: (body: CaseCreate) => request<Case>('/api/cases', { method: 'POST', json: body }),
  closeCase: (ref: string, reason: string) => request<Case>(`/api/cases/${enc(ref)}/close`, { method: 'POST', json: { reason } }),

  tracks: (caseRef: string, body: TrackSearch, signal?: AbortSignal) => request<TrackPage>('/api/search/tracks', { method: 'POST', json: body, headers: caseHeaders(caseRef), signal }),
  track: (caseRef: string, id: string, signal?: AbortSignal) => request<TrackPage['items'][number]>(`/api/search/tracks/${enc(id)}`, { headers: caseHeaders(caseRef), signal }),
  similar: (caseRef: string, body: SimilarQuery, signal?: AbortSignal) => request<SimilarResult>('/api/search/similar', { method: 'POST', json: body, headers: caseHeaders(caseRef), signal }),
  coverage: (caseRef: string, cameraIds: string[], fromMs: number, toMs: number, signal?: AbortSignal) =>
    request<Coverage>('/api/search/coverage', { headers: caseHeaders(caseRef), signal, query: { cameraIds: cameraIds.join(','), fromMs, toMs } }),
  analyse: (caseRef: string, cameraId: string, fromMs: number, toMs: number) =>
    request<Job>('/api/analysis/jobs', { method: 'POST', json: { cameraId, from: fromMs, to: toMs }, headers: caseHeaders(caseRef) }),
  job: (id: string, signal?: AbortSignal) => request<Job>(`/api/analysis/jobs/${enc(id)}`, { signal }),

  propose: (caseRef: string, trackId: string, horizonMs: number, signal?: AbortSignal) =>
    request<Proposals>('/api/search/journeys/proposals', { method: 'POST', json: { trackId, horizonMs, limit: 20 }, headers: caseHeaders(caseRef), signal }),
  decide: (caseRef: string, fromTrackId: string, toTrackId: string, decision: 'confirmed' | 'rejected') =>
    request<JourneyStep>('/api/search/journeys/steps', { method: 'POST', json: { fromTrackId, toTrackId, decision }, headers: caseHeaders(caseRef) }),
  steps: (caseRef: string, signal?: AbortSignal) => request<{ items: JourneyStep[] }>('/api/search/journeys/steps', { headers: caseHeaders(caseRef), signal }),
  exportJourney: (caseRef: string, anchorTrackId: string, padMs: number) =>
    request<JourneyExportStarted>('/api/search/journeys/export', { method: 'POST', json: { anchorTrackId, padMs }, headers: caseHeaders(caseRef) }),

  /** The best crop of a track as a Blob: fetched (not an <img src>) so the case travels in the header, not the address. */
  async crop(caseRef: string, id: string, signal?: AbortSignal): Promise<Blob> {
    const res = await fetch(`/api/search/tracks/${enc(id)}/crop`, { headers: caseHeaders(caseRef), credentials: 'same-origin', signal });
    if (!res.ok) throw new ApiError(res.status, `http_${res.status}`, `The crop of track ${id} could not be read (HTTP ${res.status})`);
    return res.blob();
  },
};

/** A picked file as base64 (no data: prefix), for POST /api/search/similar. */
export function fileToBase64(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result).replace(/^data:[^,]*,/, ''));
    r.onerror = () => reject(r.error ?? new Error('the file could not be read'));
    r.readAsDataURL(file);
  });
}
