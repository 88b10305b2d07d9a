/** Calls of the planner page (through the app's one fetch client). */
import { request } from '../../api/client';
import type { PlanRequest, PlanResult } from './types';

export const planApi = {
  run: (body: PlanRequest, signal?: AbortSignal) => request<PlanResult>('/api/plan/sites', { method: 'POST', json: body, signal }),
  report: (body: PlanRequest) => request<string>('/api/plan/report', { method: 'POST', json: { ...body, includeMap: false } }),
};
