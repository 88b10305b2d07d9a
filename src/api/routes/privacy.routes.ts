import { createReadStream } from 'node:fs';
import { z } from 'zod';
import { masksInputSchema, polygonSchema } from '../../privacy/privacy.model';
import type { PrivacyRuntime } from '../../privacy/wiring';
import { commonErrors, errorBodySchema, type ZApp } from '../types';

const cameraParams = z.object({ id: z.string().max(64) });
const idParams = z.object({ id: z.string().max(64) });

const masksSchema = z.object({
  cameraId: z.string(),
  polygons: z.array(polygonSchema),
  version: z.number().describe('Increases at every change'),
  updatedBy: z.string().nullable(),
  updatedAt: z.number().nullable(),
});

const trackSchema = z.object({
  id: z.number(),
  kind: z.enum(['face', 'plate']),
  firstFrame: z.number(),
  lastFrame: z.number(),
  firstS: z.number().describe('Seconds from the clip start'),
  lastS: z.number(),
  detections: z.number(),
  box: z.tuple([z.number(), z.number(), z.number(), z.number()]).describe('Representative box, normalised [x, y, w, h]'),
});

const statusEnum = z.enum(['running', 'pending_review', 'approved', 'rejected', 'ready', 'failed']);
const releaseSchema = z.object({
  id: z.string(),
  exportId: z.string(),
  cameraId: z.string(),
  kind: z.enum(['masked', 'redacted']),
  caseRef: z.string(),
  requestRef: z.string().nullable().describe('Subject-access request reference'),
  status: statusEnum.describe('masked: running → ready; redacted: running → pending_review → approved | rejected'),
  error: z.string().nullable(),
  keepTracks: z.array(z.number()).describe('Tracks NOT blurred'),
  tracks: z.array(trackSchema).describe('Faces and plates found (redacted copies)'),
  originalManifestSha256: z.string().describe('SHA-256 of the original export\'s manifest.json'),
  manifestSha256: z.string().nullable().describe('SHA-256 of this copy\'s signed manifest.json'),
  createdBy: z.string(),
  createdAt: z.number(),
  reviewedBy: z.string().nullable(),
  reviewedAt: z.number().nullable(),
  reviewNote: z.string().nullable(),
});

const createBody = z.strictObject({
  cameraId: z.string().min(1).max(64),
  kind: z.enum(['masked', 'redacted']).describe('masked: privacy masks burned in; redacted: faces and plates blurred except kept tracks (reviewed before release)'),
  requestRef: z.string().trim().max(100).optional().describe('Subject-access request reference (a person asking for footage of themselves)'),
  keepTracks: z.array(z.number().int().positive()).max(1000).optional(),
});

const tarReply = { 200: z.any().describe('application/x-tar'), 409: errorBodySchema, ...commonErrors };

/** Privacy masks, masked playback segments, and masked / redacted copies of exports for release. */
export function registerPrivacyRoutes(app: ZApp, deps: { privacy: PrivacyRuntime }): void {
  const { masks, segments, releases } = deps.privacy;

  app.get('/api/cameras/:id/privacy-masks', {
    config: { permission: 'privacy.manage' },
    schema: { tags: ['privacy'], summary: 'The privacy-mask polygons of a camera (normalised 0..1)', params: cameraParams, response: { 200: masksSchema, ...commonErrors } },
  }, async (req) => masks.get(req.actx, req.params.id));

  app.put('/api/cameras/:id/privacy-masks', {
    config: { permission: 'privacy.manage' },
    schema: { tags: ['privacy'], summary: 'Replace the privacy masks of a camera (audited); an empty list removes them', params: cameraParams, body: masksInputSchema, response: { 200: masksSchema, ...commonErrors } },
  }, async (req) => masks.put(req.actx, req.params.id, req.body.polygons));

  app.get('/api/privacy/segments/:id', {
    config: { permission: 'playback.view' },
    schema: {
      tags: ['privacy'],
      summary: 'One recorded segment with the camera\'s privacy masks burned in (transcoded on demand, cached)',
      params: z.object({ id: z.string().regex(/^[1-9]\d{0,14}$/, 'a segment id (positive integer)').transform(Number) }),
      querystring: z.object({ v: z.string().max(20).optional().describe('Mask version (cache buster)') }),
      response: { 200: z.any().describe('video/mp2t'), ...commonErrors },
    },
  }, async (req, reply) => {
    const s = await segments.get(req.actx, req.params.id);
    void reply.header('content-type', 'video/mp2t').header('content-length', String(s.size)).header('cache-control', 'private, no-store').header('x-privacy', s.masked ? 'masked' : 'none');
    return reply.send(createReadStream(s.path));
  });

  app.post('/api/exports/:id/releases', {
    config: { permission: 'export.create' },
    schema: { tags: ['privacy'], summary: 'Make a masked or redacted copy of one camera of an export (a signed derived bundle; runs as a job; audited)', params: idParams, body: createBody, response: { 202: releaseSchema, 409: errorBodySchema, ...commonErrors } },
  }, async (req, reply) => reply.status(202).send(await releases.create(req.actx, req.params.id, req.body)));

  app.get('/api/exports/:id/releases', {
    config: { permission: 'export.create' },
    schema: { tags: ['privacy'], summary: 'The masked and redacted copies of an export', params: idParams, response: { 200: z.object({ items: z.array(releaseSchema) }), ...commonErrors } },
  }, async (req) => ({ items: await releases.ofExport(req.actx, req.params.id) }));

  app.get('/api/privacy/releases', {
    config: { permission: 'release.review' },
    schema: { tags: ['privacy'], summary: 'Copies for review (release.review), newest first', querystring: z.object({ status: statusEnum.optional() }), response: { 200: z.object({ items: z.array(releaseSchema) }), ...commonErrors } },
  }, async (req) => ({ items: await releases.list(req.actx, req.query.status ?? null) }));

  app.get('/api/privacy/releases/:id', {
    config: { permission: 'export.create' },
    schema: { tags: ['privacy'], summary: 'One masked or redacted copy with its tracks', params: idParams, response: { 200: releaseSchema, ...commonErrors } },
  }, async (req) => releases.get(req.actx, req.params.id));

  app.post('/api/privacy/releases/:id/keep', {
    config: { permission: 'export.create' },
    schema: {
      tags: ['privacy'],
      summary: 'Choose the tracks NOT to blur (e.g. the requester) and render the redacted copy again (audited; review starts over)',
      params: idParams,
      body: z.strictObject({ trackIds: z.array(z.number().int().positive()).max(1000) }),
      response: { 202: releaseSchema, 409: errorBodySchema, ...commonErrors },
    },
  }, async (req, reply) => reply.status(202).send(await releases.keep(req.actx, req.params.id, req.body.trackIds)));

  app.post('/api/privacy/releases/:id/review', {
    config: { permission: 'release.review' },
    schema: {
      tags: ['privacy'],
      summary: 'Approve or reject a redacted copy for release, with a note (audited; not your own copy)',
      params: idParams,
      body: z.strictObject({ decision: z.enum(['approve', 'reject']), note: z.string().trim().min(1).max(2000) }),
      response: { 200: releaseSchema, 409: errorBodySchema, ...commonErrors },
    },
  }, async (req) => releases.review(req.actx, req.params.id, req.body.decision, req.body.note));

  app.get('/api/privacy/releases/:id/download', {
    config: { permission: 'export.create' },
    schema: { tags: ['privacy'], summary: 'The copy as one .tar (masked: when ready; redacted: only after approval). Audited', params: idParams, response: tarReply },
  }, async (req, reply) => {
    const d = await releases.download(req.actx, req.params.id);
    void reply.header('content-type', 'application/x-tar').header('content-length', String(d.size)).header('content-disposition', `attachment; filename="${d.filename}"`).header('x-manifest-sha256', d.manifestSha256);
    return reply.send(d.stream);
  });
}
