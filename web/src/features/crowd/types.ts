/** Shapes of the crowd API, from the generated OpenAPI types (never hand-written; docs/design/crowd.md). */
import type { paths } from '../../api/generated/openapi';

type Json<T> = T extends { content: { 'application/json': infer J } } ? J : never;
type Res<P extends keyof paths, M extends 'get' | 'post' | 'put' | 'patch', S extends 200 | 201> = paths[P][M] extends { responses: { [K in S]: infer R } } ? Json<R> : never;
type Body<P extends keyof paths, M extends 'post' | 'put' | 'patch'> = paths[P][M] extends { requestBody: infer B } ? Json<NonNullable<B>> : never;

export type CrowdSettings = Res<'/api/crowd/cameras/{id}/settings', 'get', 200>;
export type SettingsInput = Body<'/api/crowd/cameras/{id}/settings', 'put'>;
export type CrowdZone = CrowdSettings['zones'][number];
export type CrowdLine = CrowdSettings['lines'][number];
export type Calibration = NonNullable<CrowdSettings['calibration']>;
export type CameraCalibration = Extract<Calibration, { method: 'camera' }>;
export type CalibrationReport = NonNullable<CrowdSettings['calibrationReport']>;
export type CountCalibration = Res<'/api/crowd/cameras/{id}/count-calibration', 'post', 200>;
export type CrowdKind = CrowdSettings['kind'];
export type CrowdSample = Res<'/api/crowd/cameras/{id}/samples', 'post', 201>;
export type CrowdLive = Res<'/api/crowd/live', 'get', 200>;
export type LiveCamera = CrowdLive['cameras'][number];
export type LiveZone = LiveCamera['zones'][number];
export type Level = LiveCamera['level'];
export type SeriesPoint = Res<'/api/crowd/cameras/{id}/series', 'get', 200>['points'][number];
export type CrowdEvent = Res<'/api/crowd/events/{id}', 'get', 200>;
export type EventInput = Body<'/api/crowd/events', 'post'>;
export type EventPatch = Body<'/api/crowd/events/{id}', 'patch'>;

/** Normalised image position [x, y] (0..1, y down) and map position [lat, lon]. */
export type Pt = [number, number];
export type LatLon = [number, number];

export const LEVELS: readonly Level[] = ['normal', 'advisory', 'warning', 'critical'];
export const CROWD_KINDS: readonly CrowdKind[] = ['detector', 'density', 'auto'];
