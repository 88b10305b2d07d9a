/** Calls of the plates pages (through the app's one fetch client). */
import { buildUrl, request } from '../../api/client';
import type { Page } from '../../api/types';
import type { Case, CaseContext, EntryInput, EntryPatch, Hotlist, HotlistCreate, HotlistEntry, ImportResult, PlateSearchResult, SearchMode, Sighting } from './types';

export interface SearchParams {
  plate: string;
  mode: SearchMode | '';
  fromMs: number | null;
  toMs: number | null;
  cameras: string;
}

const listPath = (id: string, rest = '') => `/api/plates/hotlists/${encodeURIComponent(id)}${rest}`;

export const platesApi = {
  feed: (limit: number, cursor: string | undefined, signal?: AbortSignal) =>
    request<Page<Sighting>>('/api/plates/sightings', { signal, query: { limit, cursor } }),
  /** The newest sightings of one plate (exact). */
  feedOf: (plate: string, signal?: AbortSignal) => request<Page<Sighting>>('/api/plates/sightings', { signal, query: { plate, limit: 1 } }),
  sighting: (id: string, signal?: AbortSignal) => request<Sighting>(`/api/plates/sightings/${encodeURIComponent(id)}`, { signal }),
  /** The purpose may hold any language, so it rides in the query (headers are Latin-1 only). */
  search: (p: SearchParams, c: CaseContext, limit: number, cursor: string | undefined, signal?: AbortSignal) =>
    request<PlateSearchResult>('/api/plates/search', {
      signal,
      query: {
        plate: p.plate.trim(),
        mode: p.mode || undefined,
        from: p.fromMs ?? undefined,
        to: p.toMs ?? undefined,
        cameras: p.cameras.split(',').map((s) => s.trim()).filter(Boolean).join(',') || undefined,
        purpose: c.purpose.trim(),
        caseRef: c.caseRef.trim(),
        limit,
        cursor,
      },
    }),
  /** My cases ('case.manage'); the case field offers them. */
  cases: (signal?: AbortSignal) => request<{ items: Case[] }>('/api/cases', { signal, query: { limit: 50 } }),

  hotlists: (signal?: AbortSignal) => request<{ items: Hotlist[] }>('/api/plates/hotlists', { signal }),
  createHotlist: (body: HotlistCreate) => request<Hotlist>('/api/plates/hotlists', { method: 'POST', json: body }),
  removeHotlist: (id: string) => request<void>(listPath(id), { method: 'DELETE' }),
  entries: (id: string, after: string | undefined, signal?: AbortSignal) =>
    request<{ items: HotlistEntry[]; nextAfter: string | null }>(listPath(id, '/entries'), { signal, query: { limit: 200, after } }),
  addEntry: (id: string, body: EntryInput) => request<HotlistEntry>(listPath(id, '/entries'), { method: 'POST', json: body }),
  updateEntry: (id: string, entryId: string, body: EntryPatch) =>
    request<HotlistEntry>(listPath(id, `/entries/${encodeURIComponent(entryId)}`), { method: 'PATCH', json: body }),
  removeEntry: (id: string, entryId: string) => request<void>(listPath(id, `/entries/${encodeURIComponent(entryId)}`), { method: 'DELETE' }),
  importCsv: (id: string, csv: string, replace: boolean) =>
    request<ImportResult>(listPath(id, '/import'), { method: 'POST', query: { replace: String(replace) }, body: csv, contentType: 'text/csv' }),
  exportUrl: (id: string) => buildUrl(listPath(id, '/export')),
};

/** The plate or vehicle crop of a sighting, for <img>. */
export const cropUrl = (id: string, kind: 'plate' | 'vehicle' = 'plate') => buildUrl(`/api/plates/sightings/${encodeURIComponent(id)}/crop`, { kind });
