/** Shapes of the plates, hotlists and cases API, from the generated OpenAPI types (never hand-written). */
import type { paths } from '../../api/generated/openapi';

type Json<P extends keyof paths, M extends 'get' | 'post' | 'patch', S extends 200 | 201> = paths[P][M] extends { responses: { [K in S]: { content: { 'application/json': infer T } } } } ? T : never;
type Body<P extends keyof paths, M extends 'post' | 'patch'> = paths[P][M] extends { requestBody?: { content: { 'application/json': infer T } } } ? T : never;

export type Sighting = Json<'/api/plates/sightings/{id}', 'get', 200>;
export type PlateSearchResult = Json<'/api/plates/search', 'get', 200>;
export type SearchMode = PlateSearchResult['mode'];
export type Hotlist = Json<'/api/plates/hotlists/{id}', 'get', 200>;
export type HotlistEntry = Json<'/api/plates/hotlists/{id}/entries', 'post', 201>;
export type EntryInput = Body<'/api/plates/hotlists/{id}/entries', 'post'>;
export type EntryPatch = Body<'/api/plates/hotlists/{id}/entries/{entryId}', 'patch'>;
export type HotlistCreate = Body<'/api/plates/hotlists', 'post'>;
export type Priority = HotlistEntry['priority'];
export type ImportResult = Json<'/api/plates/hotlists/{id}/import', 'post', 200>;
export type Case = Json<'/api/cases/{ref}', 'get', 200>;

export const SEARCH_MODES: readonly SearchMode[] = ['exact', 'prefix', 'wildcard', 'fuzzy'];
export const PRIORITIES: readonly Priority[] = ['low', 'medium', 'high', 'critical'];

/** The case a search or prediction runs in: the reference (X-Case-Ref) and the purpose (X-Purpose). */
export interface CaseContext {
  caseRef: string;
  purpose: string;
}
