import { z } from 'zod';
import type { ActionContext } from '../../core/context';
import { authErrors, errorBodySchema, type ZApp } from '../types';

export const auditRecordSchema = z.object({
  seq: z.number(),
  chain: z.string(),
  chainSeq: z.number(),
  at: z.number(),
  actorId: z.string().nullable(),
  actorName: z.string(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  cameraIds: z.array(z.string()),
  purpose: z.string().nullable(),
  caseRef: z.string().nullable(),
  ip: z.string().nullable(),
  outcome: z.string(),
  details: z.record(z.string(), z.unknown()),
});
export type AuditRecordView = z.infer<typeof auditRecordSchema>;

export const auditQuerySchema = z.strictObject({
  from: z.coerce.number().int().optional().describe('UTC ms, inclusive'),
  to: z.coerce.number().int().optional().describe('UTC ms, exclusive'),
  actorId: z.string().max(64).optional(),
  action: z.string().max(100).optional().describe('Action or prefix, e.g. camera. or auth.login'),
  cameraId: z.string().max(64).optional(),
  caseRef: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(200).optional(),
});
export type AuditQuery = z.output<typeof auditQuerySchema>;

export const verifyResultSchema = z.object({
  ok: z.boolean(),
  recordsChecked: z.number(),
  chains: z.array(z.object({ chain: z.string(), records: z.number(), ok: z.boolean() })).optional(),
  problems: z.array(z.object({ chain: z.string(), chainSeq: z.number().optional(), kind: z.string(), message: z.string() })),
});
export type VerifyResultView = z.infer<typeof verifyResultSchema>;

/** What the audit routes need (the audit service implements it; queries are themselves audited). */
export interface AuditReader {
  query(ctx: ActionContext, q: AuditQuery): Promise<{ items: AuditRecordView[]; nextCursor: string | null }>;
  verify(ctx: ActionContext): Promise<VerifyResultView>;
}

export function registerAuditRoutes(app: ZApp, deps: { audit: AuditReader }): void {
  app.get('/api/audit', {
    config: { permission: 'audit.read' },
    schema: { tags: ['audit'], summary: 'Query the audit trail (newest first)', querystring: auditQuerySchema, response: { 200: z.object({ items: z.array(auditRecordSchema), nextCursor: z.string().nullable() }), 400: errorBodySchema, ...authErrors } },
  }, async (req) => deps.audit.query(req.actx, req.query));

  app.get('/api/audit/verify', {
    config: { permission: 'audit.verify' },
    schema: { tags: ['audit'], summary: 'Verify the hash chains and signed checkpoints', response: { 200: verifyResultSchema, ...authErrors } },
  }, async (req) => deps.audit.verify(req.actx));
}
