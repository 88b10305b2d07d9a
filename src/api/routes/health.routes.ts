import { z } from 'zod';
import { cameraHealthSchema, HEALTH_STATES, healthSummarySchema } from '../../health/health.model';
import type { HealthMetrics } from '../../health/metrics';
import type { HealthService } from '../../health/health.service';
import { authErrors, commonErrors, cursorQuery, errorBodySchema, type ZApp } from '../types';

const csvList = z.string().max(2000).transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean));
const cameraParams = z.object({ id: z.string().max(64) });

const listQuery = z.strictObject({
  q: z.string().max(200).optional().describe('Text in id, name, address, district or tags'),
  state: z
    .string()
    .max(200)
    .transform((s, ctx) => {
      const v = s.split(',').map((x) => x.trim()).filter(Boolean);
      const bad = v.filter((x) => !(HEALTH_STATES as readonly string[]).includes(x));
      if (bad.length) {
        ctx.addIssue({ code: 'custom', message: `unknown state ${bad.join(', ')} (expected ${HEALTH_STATES.join(', ')})` });
        return z.NEVER;
      }
      return v;
    })
    .optional()
    .describe(`Recorder states, comma-separated: ${HEALTH_STATES.join(', ')}`),
  tampered: z.enum(['true', 'false']).transform((v) => v === 'true').optional().describe('Only cameras with (true) or without (false) a tamper flag raised'),
  owner: csvList.optional().describe('Owner organisation ids, comma-separated'),
  district: csvList.optional().describe('Districts, comma-separated'),
  ...cursorQuery,
});

export function registerHealthRoutes(app: ZApp, deps: { health: HealthService; metrics: HealthMetrics }): void {
  app.get('/api/health/cameras', {
    config: { permission: 'camera.read' },
    schema: {
      tags: ['health'],
      summary: 'Health of the cameras in your scope: recorder state, fps, bitrate, reconnects, storage, tamper flags',
      querystring: listQuery,
      response: { 200: z.object({ items: z.array(cameraHealthSchema), nextCursor: z.string().nullable() }), 400: errorBodySchema, ...authErrors },
    },
  }, async (req) => {
    const { limit, cursor, ...f } = req.query;
    return deps.health.list(req.actx, f, limit, cursor);
  });

  app.get('/api/health/summary', {
    config: { permission: 'camera.read' },
    schema: {
      tags: ['health'],
      summary: 'Camera counts in your scope by state and tampered, in total, per owner and per district',
      querystring: z.strictObject({ owner: csvList.optional(), district: csvList.optional() }),
      response: { 200: healthSummarySchema, 400: errorBodySchema, ...authErrors },
    },
  }, async (req) => deps.health.summary(req.actx, req.query));

  app.get('/api/cameras/:id/health', {
    config: { permission: 'camera.read' },
    schema: { tags: ['health'], summary: 'Health of one camera (bitrate and storage measured now)', params: cameraParams, response: { 200: cameraHealthSchema, ...commonErrors } },
  }, async (req) => deps.health.get(req.actx, req.params.id));

  app.post('/api/cameras/:id/health/reference', {
    config: { permission: 'camera.write' },
    schema: {
      tags: ['health'],
      summary: 'Reset the tamper reference view (after re-aiming the camera): moved/defocused clear, the next clean frame becomes the reference. Audited.',
      params: cameraParams,
      response: { 200: cameraHealthSchema, ...commonErrors },
    },
  }, async (req) => deps.health.resetReference(req.actx, req.params.id));

  app.get('/metrics', {
    config: { permission: 'metrics.read' },
    schema: {
      tags: ['health'],
      summary: 'Prometheus metrics (text exposition format). Scrape with an API token of a user holding metrics.read (bearer_token).',
      produces: ['text/plain'],
      // Sent as text/plain (a string with a non-JSON content type is never serialised).
      response: { 200: z.string().describe('Prometheus text exposition format 0.0.4'), ...authErrors },
    },
  }, async (_req, reply) => {
    const m = await deps.metrics.render();
    return reply.header('content-type', m.contentType).header('cache-control', 'no-store').send(m.body);
  });
}
