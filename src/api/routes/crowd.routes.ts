import { z } from 'zod';
import type { CrowdService } from '../../crowd/crowd.service';
import type { CrowdEventService } from '../../crowd/events/events.service';
import type { CrowdFootageService } from '../../crowd/footage/footage.service';
import { countCalibrationSchema, crowdEventSchema, crowdSettingsInputSchema, crowdSettingsSchema, eventInputSchema, eventPatchSchema, LEVELS, sampleSchema } from '../../crowd/model';
import { commonErrors, errorBodySchema, type ZApp } from '../types';

const cameraParams = z.object({ id: z.string().max(64) });
const idParams = z.object({ id: z.string().max(64) });
const epochMs = z.coerce.number().int().nonnegative();
const latLon = z.tuple([z.number(), z.number()]);
const level = z.enum(LEVELS);

const liveCameraSchema = z.object({
  cameraId: z.string(),
  name: z.string(),
  lat: z.number(),
  lon: z.number(),
  at: z.number().describe('Time of the sample (0: never sampled)'),
  count: z.number().describe('Raw count (fractional for density models)'),
  corrected: z.number().nullable().describe('Count after the camera\'s count calibration (null: not calibrated)'),
  level,
  zones: z.array(z.object({
    id: z.string(), name: z.string(), count: z.number(), areaM2: z.number().nullable(), densityPerM2: z.number().nullable(), level,
    dominantDirection: z.object({ dx: z.number(), dy: z.number(), speedMps: z.number().nullable() }).nullable(),
    groundPolygon: z.array(latLon).nullable(),
  })),
  lines: z.array(z.object({ id: z.string(), name: z.string(), inPerMin: z.number(), outPerMin: z.number() })),
  heat: z.object({ cols: z.number(), rows: z.number(), values: z.array(z.number()), perM2: z.boolean() }).nullable(),
  footprint: z.array(latLon).nullable(),
  stale: z.boolean(),
});

const footageRunSchema = z.object({
  id: z.string(), cameraId: z.string(), fromMs: z.number(), toMs: z.number(), state: z.enum(['queued', 'running', 'done', 'failed']), progress: z.number(), frames: z.number(),
  peakCount: z.number(), error: z.string().nullable(), createdBy: z.string(), createdAt: z.number(), finishedAt: z.number().nullable(),
});

/** Crowd analytics (#6): per-camera settings and calibration, count-calibration samples, live state, series, events and reports. */
export function registerCrowdRoutes(app: ZApp, deps: { crowd: CrowdService; events: CrowdEventService; footage: CrowdFootageService }): void {
  const s = deps.crowd;
  app.get('/api/crowd/cameras/:id/settings', {
    config: { permission: 'crowd.read' },
    schema: { tags: ['crowd'], summary: "A camera's crowd settings: zones, lines, thresholds, ground calibration (with its error report) and count calibration", params: cameraParams, response: { 200: crowdSettingsSchema, ...commonErrors } },
  }, async (req) => s.getSettings(req.actx, req.params.id));

  app.put('/api/crowd/cameras/:id/settings', {
    config: { permission: 'crowd.manage' },
    schema: { tags: ['crowd'], summary: "Replace a camera's crowd settings; bad calibration → 400 with the problem and the error per point in details", params: cameraParams, body: crowdSettingsInputSchema, response: { 200: crowdSettingsSchema, ...commonErrors } },
  }, async (req) => s.putSettings(req.actx, req.params.id, req.body));

  app.post('/api/crowd/cameras/:id/samples', {
    config: { permission: 'crowd.manage' },
    schema: {
      tags: ['crowd'], summary: 'Grab a frame (live, or from the recording at `at`), count it and store it for count calibration', params: cameraParams,
      body: z.strictObject({ at: z.number().int().nonnegative().optional() }).prefault({}), response: { 201: sampleSchema, ...commonErrors, 503: errorBodySchema },
    },
  }, async (req, reply) => reply.status(201).send(await s.takeSample(req.actx, req.params.id, req.body.at)));

  app.get('/api/crowd/cameras/:id/samples', {
    config: { permission: 'crowd.read' },
    schema: { tags: ['crowd'], summary: "A camera's count-calibration samples, newest first", params: cameraParams, response: { 200: z.object({ items: z.array(sampleSchema) }), ...commonErrors } },
  }, async (req) => ({ items: await s.listSamples(req.actx, req.params.id) }));

  app.get('/api/crowd/samples/:id/image', {
    config: { permission: 'crowd.read' },
    schema: { tags: ['crowd'], summary: "A sample's picture (JPEG; audited)", params: idParams, response: { 200: z.any().describe('image/jpeg'), ...commonErrors } },
  }, async (req, reply) => {
    const jpeg = await s.sampleImage(req.actx, req.params.id);
    return reply.header('content-type', 'image/jpeg').header('cache-control', 'private, no-store').send(jpeg);
  });

  app.put('/api/crowd/samples/:id/heads', {
    config: { permission: 'crowd.manage' },
    schema: {
      tags: ['crowd'], summary: "The operator's head marks on a sample (normalised [x, y])", params: idParams,
      body: z.strictObject({ heads: z.array(z.tuple([z.number().min(0).max(1), z.number().min(0).max(1)])).max(20_000) }), response: { 200: sampleSchema, ...commonErrors },
    },
  }, async (req) => s.markHeads(req.actx, req.params.id, req.body.heads));

  app.post('/api/crowd/cameras/:id/count-calibration', {
    config: { permission: 'crowd.manage' },
    schema: { tags: ['crowd'], summary: "Fit the camera's count correction (true = a·raw + b) from its marked samples (at least 3)", params: cameraParams, response: { 200: countCalibrationSchema, ...commonErrors } },
  }, async (req) => s.fitCountCalibration(req.actx, req.params.id));

  app.get('/api/crowd/live', {
    config: { permission: 'crowd.read' },
    schema: {
      tags: ['crowd'], summary: 'Latest crowd state per camera (default: every camera in scope with crowd analytics on); poll every 1–2 s',
      querystring: z.strictObject({ cameraIds: z.string().max(20_000).optional().describe('Comma-separated camera ids') }),
      response: { 200: z.object({ at: z.number(), cameras: z.array(liveCameraSchema) }), ...commonErrors },
    },
  }, async (req) => s.live(req.actx, req.query.cameraIds?.split(',').map((x) => x.trim()).filter(Boolean)));

  app.get('/api/crowd/cameras/:id/series', {
    config: { permission: 'crowd.read' },
    schema: {
      tags: ['crowd'], summary: 'Crowd time series in buckets: count = the largest count in the bucket, densityPerM2 = the densest zone\'s largest density, in/outPerMin = line crossings in the bucket per minute',
      params: cameraParams,
      querystring: z.strictObject({ fromMs: epochMs, toMs: epochMs, bucketMs: z.coerce.number().int().min(1000).default(60_000) }),
      response: { 200: z.object({ points: z.array(z.object({ at: z.number(), count: z.number(), densityPerM2: z.number().nullable(), inPerMin: z.number(), outPerMin: z.number() })) }), ...commonErrors },
    },
  }, async (req) => s.series(req.actx, req.params.id, req.query.fromMs, req.query.toMs, req.query.bucketMs));

  app.post('/api/crowd/cameras/:id/footage', {
    config: { permission: 'crowd.manage' },
    schema: {
      tags: ['crowd'], summary: 'Count crowds over a range of the camera\'s recordings (series rows for event reports; no alerts); runs in the background', params: cameraParams,
      body: z.strictObject({ fromMs: z.number().int().nonnegative(), toMs: z.number().int().positive() }), response: { 202: footageRunSchema, 422: errorBodySchema, ...commonErrors },
    },
  }, async (req, reply) => reply.status(202).send(await deps.footage.start(req.actx, req.params.id, req.body.fromMs, req.body.toMs)));

  app.get('/api/crowd/footage/:id', {
    config: { permission: 'crowd.read' },
    schema: { tags: ['crowd'], summary: 'A recorded-footage crowd run (kept in memory on the node that ran it)', params: idParams, response: { 200: footageRunSchema, ...commonErrors } },
  }, async (req) => deps.footage.get(req.actx, req.params.id));

  app.post('/api/crowd/events', {
    config: { permission: 'crowd.manage' },
    schema: { tags: ['crowd'], summary: 'Create an event (public event: cameras and a time window)', body: eventInputSchema, response: { 201: crowdEventSchema, ...commonErrors } },
  }, async (req, reply) => reply.status(201).send(await deps.events.create(req.actx, req.body)));

  app.get('/api/crowd/events', {
    config: { permission: 'crowd.read' },
    schema: { tags: ['crowd'], summary: 'Events with at least one camera in scope, newest first', response: { 200: z.object({ items: z.array(crowdEventSchema) }), ...commonErrors } },
  }, async (req) => ({ items: await deps.events.list(req.actx) }));

  app.get('/api/crowd/events/:id', {
    config: { permission: 'crowd.read' },
    schema: { tags: ['crowd'], summary: 'One event', params: idParams, response: { 200: crowdEventSchema, ...commonErrors } },
  }, async (req) => deps.events.get(req.actx, req.params.id));

  app.patch('/api/crowd/events/:id', {
    config: { permission: 'crowd.manage' },
    schema: { tags: ['crowd'], summary: 'Change an event', params: idParams, body: eventPatchSchema, response: { 200: crowdEventSchema, ...commonErrors } },
  }, async (req) => deps.events.update(req.actx, req.params.id, req.body));

  app.get('/api/crowd/events/:id/report', {
    config: { permission: 'crowd.read' },
    schema: {
      tags: ['crowd'], summary: 'The event report: peak counts and densities per camera and zone, alerts raised, series summary (json, csv or pdf; audited)', params: idParams,
      querystring: z.strictObject({ format: z.enum(['json', 'csv', 'pdf']).default('json') }), response: { 200: z.any(), ...commonErrors },
    },
  }, async (req, reply) => {
    const r = await deps.events.report(req.actx, req.params.id, req.query.format);
    if (r.json) return reply.header('content-type', r.contentType).send(r.json);
    const name = `crowd-event-${req.params.id}.${req.query.format}`;
    return reply.header('content-type', r.contentType).header('content-disposition', `attachment; filename="${name}"`).send(Buffer.from(r.body!));
  });
}
