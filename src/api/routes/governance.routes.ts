import { z } from 'zod';
import { FLAG_KINDS } from '../../governance/flags';
import { registerEntrySchema, registerInputSchema } from '../../governance/register.model';
import { transparencyReportSchema } from '../../governance/report.model';
import type { Governance } from '../../governance/wiring';
import { auditRecordSchema } from './audit.routes';
import { commonErrors, type ZApp } from '../types';

const epochMs = z.coerce.number().int().min(0);
const reviewFilter = {
  from: epochMs.optional().describe('UTC ms, inclusive'),
  to: epochMs.optional().describe('UTC ms, exclusive'),
  cameraId: z.string().max(64).optional(),
  user: z.string().max(100).optional().describe('Username of the actor'),
  caseRef: z.string().max(100).optional(),
  action: z.string().max(100).optional().describe('Action or prefix, e.g. playback. or plate.search'),
};
const period = z.strictObject({ from: epochMs.describe('UTC ms, inclusive'), to: epochMs.describe('UTC ms, exclusive') });
const flagSchema = z.object({
  kind: z.enum(FLAG_KINDS), user: z.string().nullable(), at: z.number(), records: z.array(z.number()), summary: z.string(), details: z.record(z.string(), z.unknown()),
});
const stamp = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Governance (src/governance): audit review, transparency report, camera register. */
export function registerGovernanceRoutes(app: ZApp, deps: { governance: Governance }): void {
  const g = deps.governance;
  app.get('/api/governance/audit', {
    config: { permission: 'audit.read' },
    schema: {
      tags: ['governance'], summary: 'Audit review: records by camera, user, case, action and time, newest first, with their hashes (audited)',
      querystring: z.strictObject({ ...reviewFilter, limit: z.coerce.number().int().min(1).max(500).default(100), cursor: z.string().max(200).optional() }),
      response: { 200: z.object({ items: z.array(auditRecordSchema.extend({ hash: z.string() })), nextCursor: z.string().nullable() }), ...commonErrors },
    },
  }, async (req) => {
    const { limit, cursor, ...f } = req.query;
    return g.review.query(req.actx, f, limit, cursor);
  });

  app.get('/api/governance/audit/flags', {
    config: { permission: 'audit.read' },
    schema: {
      tags: ['governance'], summary: 'Patterns worth a look in a period (at most 93 days): access without a case, break-glass, unusual hours, bulk exports, one plate by many users',
      querystring: period, response: { 200: z.object({ from: z.number(), to: z.number(), records: z.number(), truncated: z.boolean(), flags: z.array(flagSchema) }), ...commonErrors },
    },
  }, async (req) => g.review.flags(req.actx, req.query.from, req.query.to));

  app.get('/api/governance/audit/export.csv', {
    config: { permission: 'audit.read' },
    schema: {
      tags: ['governance'], summary: 'The matching records as CSV (oldest first, with hashes), led by the chain verification result (audited)',
      querystring: z.strictObject(reviewFilter), response: { 200: z.string().describe('text/csv'), ...commonErrors },
    },
  }, async (req, reply) => {
    const csv = await g.review.csv(req.actx, req.query);
    return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="audit-review.csv"').send(csv);
  });

  app.get('/api/governance/report', {
    config: { permission: 'report.read' },
    schema: { tags: ['governance'], summary: 'Transparency report for a period (aggregate figures, no personal data; audited)', querystring: period, response: { 200: transparencyReportSchema, ...commonErrors } },
  }, async (req) => g.report.report(req.actx, req.query.from, req.query.to));

  app.get('/api/governance/report.csv', {
    config: { permission: 'report.read' },
    schema: { tags: ['governance'], summary: 'Transparency report as CSV', querystring: period, response: { 200: z.string().describe('text/csv'), ...commonErrors } },
  }, async (req, reply) => {
    const csv = await g.report.csv(req.actx, req.query.from, req.query.to);
    return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="transparency-${stamp(req.query.from)}-${stamp(req.query.to)}.csv"`).send(csv);
  });

  app.get('/api/governance/report.pdf', {
    config: { permission: 'report.read' },
    schema: { tags: ['governance'], summary: 'Transparency report as PDF', querystring: period, response: { 200: z.any().describe('application/pdf'), ...commonErrors } },
  }, async (req, reply) => {
    const pdf = await g.report.pdf(req.actx, req.query.from, req.query.to);
    return reply.header('content-type', 'application/pdf').header('content-disposition', `attachment; filename="transparency-${stamp(req.query.from)}-${stamp(req.query.to)}.pdf"`).send(Buffer.from(pdf));
  });

  app.get('/api/governance/register', {
    config: { permission: 'register.read' },
    schema: { tags: ['governance'], summary: 'Camera register for the Privacy Impact Assessment (cameras in your scope)', response: { 200: z.object({ items: z.array(registerEntrySchema) }), ...commonErrors } },
  }, async (req) => ({ items: await g.register.list(req.actx) }));

  app.get('/api/governance/register.csv', {
    config: { permission: 'register.read' },
    schema: { tags: ['governance'], summary: 'Camera register as CSV', response: { 200: z.string().describe('text/csv'), ...commonErrors } },
  }, async (req, reply) => {
    const csv = await g.register.csv(req.actx);
    return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="camera-register.csv"').send(csv);
  });

  app.put('/api/governance/register/:cameraId', {
    config: { permission: 'camera.write' },
    schema: {
      tags: ['governance'], summary: 'Set a camera\'s register entry: purpose, legal basis, signage, residential-facing (audited)',
      params: z.object({ cameraId: z.string().max(64) }), body: registerInputSchema, response: { 200: registerEntrySchema, ...commonErrors },
    },
  }, async (req) => g.register.update(req.actx, req.params.cameraId, req.body));
}
