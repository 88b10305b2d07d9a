import { z } from 'zod';

export const CASE_REF = z.string().trim().min(3).max(100).regex(/^[A-Za-z0-9][A-Za-z0-9._\/-]*$/, 'letters, digits and . _ / - (e.g. HKP-2026-00123)');

export const caseCreateSchema = z.object({
  ref: CASE_REF.describe('The case reference (from the case management system), e.g. HKP-2026-00123'),
  purpose: z.string().trim().min(5).max(500).describe('Why searching is necessary: the offence or incident, as it will read in the audit trail'),
  authorisedUsers: z.array(z.string().min(1).max(100)).max(50).default([]).describe('Usernames who may work in the case (the creator always may)'),
  expiresAt: z.number().int().positive().describe('UTC ms after which the case no longer authorises searches'),
});
export type CaseCreate = z.infer<typeof caseCreateSchema>;

export const caseSchema = z.object({
  ref: z.string(),
  purpose: z.string(),
  authorisedUsers: z.array(z.object({ id: z.string(), username: z.string() })),
  expiresAt: z.number(),
  status: z.enum(['open', 'closed']),
  createdBy: z.string().describe('Username of the creator'),
  createdAt: z.number(),
  closedAt: z.number().nullable(),
  closedBy: z.string().nullable(),
  closeReason: z.string().nullable(),
});
export type Case = z.infer<typeof caseSchema>;

export const caseCloseSchema = z.object({ reason: z.string().trim().min(3).max(500).describe('Why the case is closed') });
