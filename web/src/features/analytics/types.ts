/** Shapes of the rules, per-camera analytics and analysis-job API, from the generated OpenAPI types (never hand-written). */
import type { paths } from '../../api/generated/openapi';

type Json200<P extends keyof paths, M extends 'get' | 'post' | 'put' | 'patch'> = paths[P][M] extends { responses: { 200: { content: { 'application/json': infer T } } } } ? T : never;
type Body<P extends keyof paths, M extends 'post' | 'put' | 'patch'> = paths[P][M] extends { requestBody: { content: { 'application/json': infer T } } } ? T : paths[P][M] extends { requestBody?: { content: { 'application/json': infer T } } } ? T : never;

export type AnalyticsView = Json200<'/api/cameras/{id}/analytics', 'get'>;
export type AnalyticsSettings = AnalyticsView['settings'];
export type SettingsInput = Body<'/api/cameras/{id}/analytics', 'put'>;
export type Rule = Json200<'/api/rules/{ruleId}', 'get'>;
export type RuleKind = Rule['kind'];
export type RuleInput = Body<'/api/cameras/{id}/rules', 'post'>;
export type RulePatch = Body<'/api/rules/{ruleId}', 'patch'>;
export type ScheduleWindow = Rule['schedule'][number];
export type Severity = Rule['severity'];
export type Job = Json200<'/api/analysis/jobs/{id}', 'get'>;
export type JobState = Job['state'];
export type JobInput = Body<'/api/analysis/jobs', 'post'>;

/** A point on the image, normalised 0..1 (x right, y down). */
export type Pt = [number, number];

export const RULE_KINDS: readonly RuleKind[] = ['zone', 'line', 'loitering', 'wrong_way', 'running', 'left_behind'];
export const SEVERITIES: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];
