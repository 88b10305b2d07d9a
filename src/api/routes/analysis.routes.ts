import type { Readable } from 'node:stream';
import { z } from 'zod';
import type { AnalysisJobService } from '../../analytics/jobs.service';
import { JOB_STATES } from '../../analytics/jobs.repository';
import { commonErrors, errorBodySchema, type ZApp } from '../types';

const jobSchema = z.object({
  id: z.string(),
  cameraId: z.string().nullable().describe('The camera whose recordings are analysed (null: an uploaded file)'),
  fileName: z.string().nullable(),
  fromMs: z.number().nullable(),
  toMs: z.number().nullable(),
  state: z.enum(JOB_STATES),
  progress: z.number().describe('0–1'),
  frames: z.number(),
  events: z.number().describe('Events stored (tracks appeared/lost, rule hits)'),
  tracks: z.number(),
  mediaMs: z.number().describe('Footage analysed so far, ms'),
  fps: z.number(),
  error: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.number(),
  startedAt: z.number().nullable(),
  finishedAt: z.number().nullable(),
});

/** UTC ms, or an ISO 8601 time with its zone. */
const time = z.union([
  z.number().int().nonnegative(),
  z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/, 'expected an ISO 8601 time with its zone, e.g. 2026-03-02T09:00:00+08:00').transform((s) => Date.parse(s)),
]);

const classes = z.array(z.string().trim().min(1).max(64)).max(100).optional().describe('Labels to detect (default: the camera\'s, else the configuration\'s)');
const fps = z.number().positive().max(30).optional().describe('Frames analysed per second of footage (default analytics.jobs.fps)');

const createBody = z.strictObject({
  cameraId: z.string().min(1).max(64),
  from: time.describe('Start: UTC ms or ISO 8601 with zone'),
  to: time.describe('End (exclusive): UTC ms or ISO 8601 with zone'),
  fps,
  classes,
});

const uploadQuery = z.strictObject({
  name: z.string().trim().min(1).max(200).describe('The file name (its extension tells the container: .mp4, .mkv, .ts, …)'),
  fps: z.coerce.number().positive().max(30).optional(),
  classes: z.string().max(2000).transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean)).optional().describe('Comma-separated labels'),
});

const listQuery = z.strictObject({
  cameraId: z.string().max(64).optional(),
  state: z.enum(JOB_STATES).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  before: z.coerce.number().int().nonnegative().optional().describe('createdAt of the last job of the previous page'),
});

const idParams = z.object({ id: z.string().max(64) });

/** Video bodies are streamed to the service (which enforces analytics.jobs.uploadLimitBytes), never buffered. */
const VIDEO_TYPES = /^(video\/[a-z0-9.+-]+|application\/x-matroska)$/i;

export function registerAnalysisRoutes(app: ZApp, deps: { jobs: AnalysisJobService }): void {
  app.addContentTypeParser(VIDEO_TYPES, (_req, payload, done) => done(null, payload));

  app.post('/api/analysis/jobs', {
    config: { permission: 'analytics.run' },
    schema: {
      tags: ['analytics'],
      summary: 'Analyse a camera\'s recordings over a time range (runs as a job, faster than real time; audited with X-Purpose/X-Case-Ref)',
      body: createBody,
      response: { 202: jobSchema, 422: errorBodySchema, ...commonErrors },
    },
  }, async (req, reply) => reply.status(202).send(await deps.jobs.createForCamera(req.actx, { cameraId: req.body.cameraId, fromMs: req.body.from, toMs: req.body.to, fps: req.body.fps, classes: req.body.classes })));

  app.post('/api/analysis/jobs/upload', {
    config: { permission: 'analytics.run' },
    schema: {
      tags: ['analytics'],
      summary: 'Analyse an uploaded video file: the body is the file (Content-Type video/mp4, video/mp2t, video/x-matroska, …)',
      querystring: uploadQuery,
      body: z.any().describe('The video file'),
      response: { 202: jobSchema, 413: errorBodySchema, 415: errorBodySchema, ...commonErrors },
    },
  }, async (req, reply) => {
    const body = req.body as Readable | undefined;
    if (!body || typeof (body as { pipe?: unknown }).pipe !== 'function') {
      return reply.status(415).send({ error: { code: 'unsupported_media_type', message: 'Send the video file as the body with a video Content-Type (video/mp4, video/mp2t, video/x-matroska, …)', requestId: String(req.id) } });
    }
    return reply.status(202).send(await deps.jobs.createForUpload(req.actx, { body, fileName: req.query.name, fps: req.query.fps, classes: req.query.classes }));
  });

  app.get('/api/analysis/jobs', {
    config: { permission: 'analytics.read' },
    schema: { tags: ['analytics'], summary: 'Analysis jobs in your scope, newest first', querystring: listQuery, response: { 200: z.object({ items: z.array(jobSchema) }), ...commonErrors } },
  }, async (req) => deps.jobs.list(req.actx, req.query));

  app.get('/api/analysis/jobs/:id', {
    config: { permission: 'analytics.read' },
    schema: { tags: ['analytics'], summary: 'One analysis job: state and progress', params: idParams, response: { 200: jobSchema, ...commonErrors } },
  }, async (req) => deps.jobs.get(req.actx, req.params.id));

  app.post('/api/analysis/jobs/:id/cancel', {
    config: { permission: 'analytics.run' },
    schema: { tags: ['analytics'], summary: 'Cancel a queued or running job (its decoder is stopped; events found so far stay)', params: idParams, response: { 200: jobSchema, 409: errorBodySchema, ...commonErrors } },
  }, async (req) => deps.jobs.cancel(req.actx, req.params.id));
}
