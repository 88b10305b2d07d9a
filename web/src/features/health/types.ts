/** Shapes of the health API, from the generated OpenAPI types (never hand-written). */
import type { paths } from '../../api/generated/openapi';

type Json200<P extends keyof paths, M extends 'get' | 'post'> = paths[P][M] extends { responses: { 200: { content: { 'application/json': infer T } } } } ? T : never;

export type CameraHealth = Json200<'/api/cameras/{id}/health', 'get'>;
export type HealthSummary = Json200<'/api/health/summary', 'get'>;
export type HealthCounts = HealthSummary['total'];
export type TamperFlag = CameraHealth['tamper']['flags'][number];

export const HEALTH_STATES = ['online', 'starting', 'offline', 'failed', 'unknown'] as const;
export const TAMPER_FLAGS: readonly TamperFlag[] = ['covered', 'dark', 'defocused', 'moved'];

/** The list's filters as the page holds them. */
export interface HealthFilterValues {
  q: string;
  state: string;
  tampered: '' | 'true' | 'false';
  owner: string;
  district: string;
}

export const NO_FILTERS: HealthFilterValues = { q: '', state: '', tampered: '', owner: '', district: '' };
