import { z } from 'zod';
import type { AnalyticsEventService } from '../../alerts/events.service';
import { playbackUrl } from '../../alerts/links';
import { EVENT_KINDS, SEVERITIES, type AnalyticsEvent } from '../../alerts/types';
import { commonErrors, cursorQuery, type ZApp } from '../types';

const epochMs = z.string().regex(/^\d{1,15}$/, 'integer UTC milliseconds').transform(Number);
const token = z.string().min(1).max(64).regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits, . _ : -');
const idParam = z.object({ id: z.string().min(1).max(64).regex(/^[A-Za-z0-9-]+$/, 'an event id') });

export const analyticsEventSchema = z.object({
  id: z.string(),
  cameraId: z.string(),
  owner: z.string(),
  district: z.string(),
  kind: z.enum(EVENT_KINDS).describe('track = a track appeared (endedAt when it was lost); rule = a rule hit'),
  type: z.string().describe('appeared | zone_enter | line_cross | loitering | …'),
  label: z.string(),
  trackId: z.number().nullable(),
  ruleId: z.string().nullable(),
  ruleName: z.string().nullable(),
  severity: z.enum(SEVERITIES),
  startedAt: z.number().describe('UTC ms'),
  endedAt: z.number().nullable(),
  score: z.number().nullable(),
  box: z.array(z.number()).nullable().describe('[x, y, w, h] in source pixels'),
  detail: z.record(z.string(), z.unknown()),
  jobId: z.string().nullable().describe('The recorded-footage analysis job that found it (null = live)'),
  createdAt: z.number(),
  snapshotUrl: z.string().nullable().describe('GET this for the JPEG (null = none kept)'),
  playbackUrl: z.string().describe('Web app link to the recordings around the event'),
});

export function presentEvent(e: AnalyticsEvent): z.infer<typeof analyticsEventSchema> {
  const { hasSnapshot, ...rest } = e;
  return { ...rest, snapshotUrl: hasSnapshot ? `/api/analytics/events/${e.id}/snapshot` : null, playbackUrl: playbackUrl(e.cameraId, e.startedAt, e.endedAt) };
}

const listQuery = z.strictObject({
  camera: token.optional().describe('Camera id'),
  from: epochMs.optional().describe('Started at or after, integer UTC ms'),
  to: epochMs.optional().describe('Started before, integer UTC ms'),
  kind: z.enum(EVENT_KINDS).optional(),
  type: token.optional(),
  label: token.optional(),
  ruleId: token.optional(),
  jobId: token.optional(),
  ...cursorQuery,
});

export function registerAnalyticsEventRoutes(app: ZApp, deps: { events: AnalyticsEventService }): void {
  app.get('/api/analytics/events', {
    config: { permission: 'analytics.read' },
    schema: { tags: ['analytics'], summary: 'Analytics events in your scope, newest first', querystring: listQuery, response: { 200: z.object({ items: z.array(analyticsEventSchema), nextCursor: z.string().nullable() }), ...commonErrors } },
  }, async (req) => {
    const { limit, cursor, camera, from, to, ...f } = req.query;
    const page = await deps.events.list(req.actx, { ...f, cameraId: camera, fromMs: from, toMs: to }, limit, cursor);
    return { items: page.items.map(presentEvent), nextCursor: page.nextCursor };
  });

  app.get('/api/analytics/events/:id', {
    config: { permission: 'analytics.read' },
    schema: { tags: ['analytics'], summary: 'One analytics event', params: idParam, response: { 200: analyticsEventSchema, ...commonErrors } },
  }, async (req) => presentEvent(await deps.events.get(req.actx, req.params.id)));

  app.get('/api/analytics/events/:id/snapshot', {
    config: { permission: 'analytics.read' },
    schema: { tags: ['analytics'], summary: 'The JPEG snapshot of an event', params: idParam, response: { 200: z.any().describe('image/jpeg'), ...commonErrors } },
  }, async (req, reply) => {
    const jpeg = await deps.events.snapshot(req.actx, req.params.id);
    return reply.header('content-type', 'image/jpeg').header('cache-control', 'private, max-age=3600').send(jpeg);
  });

  app.get('/api/cameras/:id/analytics/events', {
    config: { permission: 'analytics.read' },
    schema: {
      tags: ['analytics'],
      summary: 'Events of a camera in a window (at most 7 days, at most 2,000, newest first) for the playback timeline',
      params: z.object({ id: z.string().max(64) }),
      querystring: z.strictObject({ from: epochMs.describe('Start, integer UTC ms'), to: epochMs.describe('End (exclusive), integer UTC ms') }),
      response: { 200: z.object({ items: z.array(analyticsEventSchema), truncated: z.boolean().describe('More events than returned: narrow the window') }), ...commonErrors },
    },
  }, async (req) => {
    const r = await deps.events.forCamera(req.actx, req.params.id, req.query.from, req.query.to);
    return { items: r.items.map(presentEvent), truncated: r.truncated };
  });
}
