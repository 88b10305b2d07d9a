import { z } from 'zod';
import { holdCoverageSchema, holdInputSchema, holdReleaseSchema, holdSchema } from '../../retention/hold.model';
import type { HoldService } from '../../retention/hold.service';
import type { RetentionService } from '../../retention/retention.service';
import { authErrors, commonErrors, errorBodySchema, type ZApp } from '../types';

const idParams = z.object({ id: z.coerce.number().int().positive() });
const ms = z.coerce.number().int().nonnegative();
const counts = z.object({ count: z.number(), bytes: z.number() });

const storageStateSchema = z.object({
  storage: z.string(), paused: z.boolean(), reason: z.enum(['storage_full_held', 'storage_full']).nullable(), since: z.number().nullable(),
  freeBytes: z.number().nullable(), usedBytes: z.number(), heldBytes: z.number(), quotaBytes: z.number().nullable(), minFreeBytes: z.number(), checkedAt: z.number(),
});

/** Legal holds, deletion certificates and storage state. Holds are bound to a case (X-Case-Ref or caseRef). */
export function registerRetentionRoutes(app: ZApp, deps: { holds: HoldService; retention: RetentionService }): void {
  app.post('/api/holds', {
    config: { permission: 'hold.manage' },
    schema: {
      tags: ['holds'],
      summary: 'Place a legal hold on a camera\'s footage over a time range (bound to a case: X-Case-Ref or caseRef); held footage is never deleted',
      body: holdInputSchema,
      response: { 201: holdSchema.extend({ coverage: holdCoverageSchema }), ...commonErrors },
    },
  }, async (req, reply) => reply.status(201).send(await deps.holds.place(req.actx, req.body)));

  app.get('/api/holds', {
    config: { permission: 'hold.read' },
    schema: {
      tags: ['holds'],
      summary: 'Legal holds on cameras in your scope, newest first',
      querystring: z.strictObject({
        cameraId: z.string().max(64).optional(),
        active: z.enum(['true', 'false']).optional().describe('true: only active holds; false: only released ones'),
        limit: z.coerce.number().int().min(1).max(1000).default(100),
        cursor: z.string().regex(/^\d+$/).max(20).optional().describe('nextCursor of the previous page'),
      }),
      response: { 200: z.object({ items: z.array(holdSchema), nextCursor: z.string().nullable() }), 400: errorBodySchema, ...authErrors },
    },
  }, async (req) => {
    const q = req.query;
    return deps.holds.list(req.actx, { cameraId: q.cameraId, active: q.active === undefined ? undefined : q.active === 'true' }, q.limit, q.cursor ? Number(q.cursor) : undefined);
  });

  app.get('/api/holds/:id', {
    config: { permission: 'hold.read' },
    schema: { tags: ['holds'], summary: 'One legal hold', params: idParams, response: { 200: holdSchema, ...commonErrors } },
  }, async (req) => deps.holds.get(req.actx, req.params.id));

  app.post('/api/holds/:id/release', {
    config: { permission: 'hold.manage' },
    schema: { tags: ['holds'], summary: 'Release a legal hold (audited with its reason); retention may then delete the footage', params: idParams, body: holdReleaseSchema, response: { 200: holdSchema, 409: errorBodySchema, ...commonErrors } },
  }, async (req) => deps.holds.release(req.actx, req.params.id, req.body.reason));

  app.get('/api/retention/certificate', {
    config: { permission: 'audit.read' },
    schema: {
      tags: ['retention'],
      summary: 'Deletion certificate: what retention deleted in [from, to) — count, bytes, by rule, by camera, and a digest of the list',
      querystring: z.strictObject({ from: ms.describe('UTC ms'), to: ms.describe('UTC ms') }),
      response: {
        200: z.object({ fromMs: z.number(), toMs: z.number(), generatedAt: z.number(), count: z.number(), bytes: z.number(), byRule: z.record(z.string(), counts), byCamera: z.array(counts.extend({ cameraId: z.string() })), listSha256: z.string() }),
        400: errorBodySchema,
        ...authErrors,
      },
    },
  }, async (req) => deps.retention.certificate(req.actx, req.query.from, req.query.to));

  app.get('/api/retention/storages', {
    config: { permission: 'site.read' },
    schema: { tags: ['retention'], summary: 'Storages of this node: paused by retention or not, free/used/held bytes', response: { 200: z.object({ items: z.array(storageStateSchema) }), ...authErrors } },
  }, async (req) => ({ items: deps.retention.storages(req.actx) }));
}
