import { z } from 'zod';
import { planRequestSchema, planResultSchema } from '../../plan/plan.model';
import type { PlanService } from '../../plan/plan.service';
import { authErrors, errorBodySchema, type ZApp } from '../types';

const errors = { 400: errorBodySchema, 422: errorBodySchema.describe('Rows or files rejected: details.rejected lists each (source, row, id, errors); nothing was loaded'), ...authErrors };

export function registerPlanRoutes(app: ZApp, deps: { plan: PlanService; bodyLimitBytes: number }): void {
  app.post('/api/plan/sites', {
    config: { permission: 'plan.run', rateLimit: { max: 30, timeWindow: 60_000 } },
    bodyLimit: deps.bodyLimitBytes,
    schema: {
      tags: ['plan'],
      summary: 'Choose camera sites (K or within a budget) that cover the most demand weight; greedy or exact (HiGHS) with its optimality gap',
      body: planRequestSchema,
      response: { 200: planResultSchema, ...errors },
    },
  }, async (req) => deps.plan.run(req.actx, req.body));

  app.post('/api/plan/report', {
    config: { permission: 'plan.run', rateLimit: { max: 30, timeWindow: 60_000 } },
    bodyLimit: deps.bodyLimitBytes,
    schema: {
      tags: ['plan'],
      summary: 'The same plan as a printable HTML report (sites with marginal gains, coverage before/after per layer and district)',
      body: planRequestSchema,
      produces: ['text/html'],
      response: { 200: z.string().describe('HTML document'), ...errors },
    },
  }, async (req, reply) => {
    const html = await deps.plan.report(req.actx, req.body, Date.now());
    return reply.header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
  });
}
