import { z } from 'zod';
import type { ExportService } from '../../evidence/export.service';
import { MAX_EXPORT_CAMERAS } from '../../evidence/export.service';
import { commonErrors, errorBodySchema, type ZApp } from '../types';

const exportSchema = z.object({
  id: z.string(),
  status: z.enum(['running', 'done', 'failed']),
  progress: z.number().describe('0–1'),
  error: z.string().nullable(),
  cameraIds: z.array(z.string()),
  fromMs: z.number(),
  toMs: z.number(),
  caseRef: z.string(),
  purpose: z.string(),
  createdBy: z.string(),
  createdAt: z.number(),
  manifestSha256: z.string().nullable().describe('SHA-256 of the signed manifest.json, once done'),
});

const createBody = z.strictObject({
  cameraIds: z.array(z.string().min(1).max(64)).min(1).max(MAX_EXPORT_CAMERAS),
  fromMs: z.number().int().nonnegative().describe('Start, UTC ms'),
  toMs: z.number().int().nonnegative().describe('End (exclusive), UTC ms'),
  purpose: z.string().trim().min(1).max(500),
  caseRef: z.string().trim().max(100).optional().describe('Case reference; or the X-Case-Ref header. Required: an export without one is refused (and audited)'),
});

const idParams = z.object({ id: z.string().max(64) });

export function registerEvidenceRoutes(app: ZApp, deps: { evidence: ExportService }): void {
  app.post('/api/exports', {
    config: { permission: 'export.create' },
    schema: {
      tags: ['evidence'],
      summary: 'Start an evidence export: the original recordings of cameras over a range, as a signed bundle (runs as a job)',
      body: createBody,
      response: { 202: exportSchema, 422: errorBodySchema, ...commonErrors },
    },
  }, async (req, reply) => reply.status(202).send(await deps.evidence.create(req.actx, req.body)));

  app.get('/api/exports/:id', {
    config: { permission: 'export.create' },
    schema: { tags: ['evidence'], summary: 'An export\'s status and progress', params: idParams, response: { 200: exportSchema, ...commonErrors } },
  }, async (req) => deps.evidence.get(req.actx, req.params.id));

  app.get('/api/exports/:id/download', {
    config: { permission: 'export.create' },
    schema: {
      tags: ['evidence'],
      summary: 'The finished bundle as one .tar (audited)',
      params: idParams,
      response: { 200: z.any().describe('application/x-tar'), 409: errorBodySchema, ...commonErrors },
    },
  }, async (req, reply) => {
    const d = await deps.evidence.download(req.actx, req.params.id);
    void reply
      .header('content-type', 'application/x-tar')
      .header('content-length', String(d.size))
      .header('content-disposition', `attachment; filename="${d.filename}"`)
      .header('x-manifest-sha256', d.manifestSha256);
    return reply.send(d.stream);
  });
}
