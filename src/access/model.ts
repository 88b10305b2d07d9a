import { z } from 'zod';

export const BREAK_GLASS_STATUSES = ['pending', 'approved', 'flagged'] as const;
export type BreakGlassStatus = (typeof BREAK_GLASS_STATUSES)[number];

export const breakGlassSchema = z.object({
  id: z.string(),
  userId: z.string(),
  username: z.string(),
  reason: z.string(),
  startedAt: z.number(),
  expiresAt: z.number(),
  active: z.boolean().describe('Still lifting the case requirement now'),
  reviewStatus: z.enum(BREAK_GLASS_STATUSES),
  reviewedBy: z.string().nullable(),
  reviewedAt: z.number().nullable(),
  reviewNote: z.string().nullable(),
});
export type BreakGlass = z.infer<typeof breakGlassSchema>;

export const breakGlassStartSchema = z.strictObject({
  reason: z.string().trim().min(5).max(1000).describe('The emergency: why access cannot wait for a case (it is reviewed by a supervisor)'),
});

export const breakGlassReviewSchema = z.strictObject({
  decision: z.enum(['approved', 'flagged']).describe('approved = justified; flagged = needs follow-up'),
  note: z.string().trim().min(3).max(2000).describe('What the reviewer concluded (audited)'),
});
