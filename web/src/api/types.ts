/**
 * Shapes of the SmartView HTTP API. Response and request types come from generated/openapi.ts, which is
 * generated from the server's route schemas (`npm run sdk:generate`); never hand-write them here.
 * Times are integer UTC ms.
 */
import type { paths } from './generated/openapi';

type Json200<P extends keyof paths, M extends 'get' | 'post' | 'put' | 'patch'> = paths[P][M] extends { responses: { 200: { content: { 'application/json': infer T } } } } ? T : never;
type Json201<P extends keyof paths, M extends 'post'> = paths[P][M] extends { responses: { 201: { content: { 'application/json': infer T } } } } ? T : never;
type Query<P extends keyof paths, M extends 'get'> = paths[P][M] extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

export type Me = Json200<'/api/auth/me', 'get'>;
export type Grant = Me['grants'][number];
export type SiteInfo = Json200<'/api/site', 'get'>;
export type Camera = Json200<'/api/cameras/{id}', 'get'>;
export type Transport = Camera['source']['transport'];
export type CameraStatus = Camera['status'];
export type Organisation = Json200<'/api/organisations', 'get'>['items'][number];
export type ImportResult = Json200<'/api/cameras/import', 'post'>;
export type AuditRecord = Json200<'/api/audit', 'get'>['items'][number];
export type AuditQuery = Query<'/api/audit', 'get'>;
export type VerifyResult = Json200<'/api/audit/verify', 'get'>;
export type VerifyProblem = VerifyResult['problems'][number];
export type CreatedToken = Json201<'/api/tokens', 'post'>;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** [minLon, minLat, maxLon, maxLat] */
export type BBox = [number, number, number, number];

/** The camera list's query as the app builds it (bbox as a tuple; the wire form is a string). */
export interface CameraQuery {
  q?: string;
  owner?: string;
  district?: string;
  tag?: string;
  bbox?: BBox;
  limit?: number;
  cursor?: string;
}

export type ImportFormat = 'csv' | 'geojson';

/** details of an HTTP 422 `import_rejected` answer (see CameraService.import). */
export interface RejectedRow {
  row: number;
  id: string | null;
  errors: string[];
}

export interface ImportRejection {
  total: number;
  rejected: RejectedRow[];
}

/** A message on the live event socket. */
export interface LiveEvent {
  name: string;
  data: Record<string, unknown>;
  at: number;
}
