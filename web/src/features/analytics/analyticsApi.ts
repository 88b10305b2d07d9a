/** Calls of the analytics pages (through the app's one fetch client). */
import { buildUrl, request } from '../../api/client';
import type { AnalyticsView, Job, JobInput, Rule, RuleInput, RulePatch, SettingsInput } from './types';

const cam = (id: string, rest: string) => `/api/cameras/${encodeURIComponent(id)}${rest}`;
const rule = (id: string) => `/api/rules/${encodeURIComponent(id)}`;
const job = (id: string, rest = '') => `/api/analysis/jobs/${encodeURIComponent(id)}${rest}`;

export const analyticsApi = {
  settings: (cameraId: string, signal?: AbortSignal) => request<AnalyticsView>(cam(cameraId, '/analytics'), { signal }),
  putSettings: (cameraId: string, body: SettingsInput) => request<AnalyticsView>(cam(cameraId, '/analytics'), { method: 'PUT', json: body }),
  rules: (cameraId: string, signal?: AbortSignal) => request<{ items: Rule[] }>(cam(cameraId, '/rules'), { signal }),
  createRule: (cameraId: string, body: RuleInput) => request<Rule>(cam(cameraId, '/rules'), { method: 'POST', json: body }),
  updateRule: (ruleId: string, body: RulePatch) => request<Rule>(rule(ruleId), { method: 'PATCH', json: body }),
  deleteRule: (ruleId: string) => request<void>(rule(ruleId), { method: 'DELETE' }),

  jobs: (cameraId: string | undefined, signal?: AbortSignal) => request<{ items: Job[] }>('/api/analysis/jobs', { signal, query: { cameraId, limit: 50 } }),
  job: (id: string, signal?: AbortSignal) => request<Job>(job(id), { signal }),
  createJob: (body: JobInput) => request<Job>('/api/analysis/jobs', { method: 'POST', json: body }),
  cancelJob: (id: string) => request<Job>(job(id, '/cancel'), { method: 'POST', json: {} }),
};

/** The camera's current picture (JPEG, never cached by the server's headers) to draw on. */
export function cameraPictureUrl(cameraId: string): string {
  return buildUrl(cam(cameraId, '/snapshot'));
}
