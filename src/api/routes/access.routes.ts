import { z } from 'zod';
import { BREAK_GLASS_STATUSES, breakGlassReviewSchema, breakGlassSchema, breakGlassStartSchema } from '../../access/model';
import type { Governance } from '../../governance/wiring';
import { commonErrors, errorBodySchema, type ZApp } from '../types';

const policyRow = z.object({ purpose: z.boolean(), case: z.enum(['never', 'sensitive', 'always']) });

/** Purpose-bound access (src/access): the policy table, break-glass and its review queue. */
export function registerAccessRoutes(app: ZApp, deps: { governance: Governance }): void {
  const g = deps.governance;
  app.get('/api/access/policy', {
    config: { permission: 'site.read' },
    schema: {
      tags: ['access'], summary: 'The access policy table: which uses need a purpose (X-Purpose) and a case (X-Case-Ref)',
      response: { 200: z.object({ policy: z.record(z.string(), policyRow), breakGlassMs: z.number() }), ...commonErrors },
    },
  }, async () => ({ policy: g.policy.config.policy, breakGlassMs: g.policy.config.breakGlass.durationMs }));

  app.post('/api/access/break-glass', {
    config: { permission: 'breakglass.use' },
    schema: {
      tags: ['access'], summary: 'Break-glass: state an emergency and pass the case requirement for a short time (audited; reviewed by a supervisor)',
      body: breakGlassStartSchema, response: { 201: breakGlassSchema, 409: errorBodySchema, ...commonErrors },
    },
  }, async (req, reply) => reply.status(201).send(await g.breakGlass.start(req.actx, req.body.reason)));

  app.get('/api/access/break-glass/mine', {
    config: { permission: 'breakglass.use' },
    schema: { tags: ['access'], summary: 'Your running break-glass, if any', response: { 200: z.object({ item: breakGlassSchema.nullable() }), ...commonErrors } },
  }, async (req) => ({ item: await g.breakGlass.mine(req.actx) }));

  app.get('/api/access/break-glass', {
    config: { permission: 'access.review' },
    schema: {
      tags: ['access'], summary: 'The break-glass review queue, newest first (audited)',
      querystring: z.strictObject({ status: z.enum(BREAK_GLASS_STATUSES).optional(), limit: z.coerce.number().int().min(1).max(1000).default(200) }),
      response: { 200: z.object({ items: z.array(breakGlassSchema) }), ...commonErrors },
    },
  }, async (req) => ({ items: await g.breakGlass.list(req.actx, req.query.status, req.query.limit) }));

  app.post('/api/access/break-glass/:id/review', {
    config: { permission: 'access.review' },
    schema: {
      tags: ['access'], summary: 'Approve or flag a break-glass use with a note (audited; not your own)',
      params: z.object({ id: z.string().max(64) }), body: breakGlassReviewSchema, response: { 200: breakGlassSchema, 409: errorBodySchema, ...commonErrors },
    },
  }, async (req) => g.breakGlass.review(req.actx, req.params.id, req.body.decision, req.body.note));
}
