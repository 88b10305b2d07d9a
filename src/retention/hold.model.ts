import { z } from 'zod';

/** A legal hold: footage of one camera over [startMs, endMs) is kept, whatever retention says, until released. */
export const holdSchema = z.object({
  id: z.number(),
  cameraId: z.string(),
  startMs: z.number().describe('UTC ms, inclusive'),
  endMs: z.number().describe('UTC ms, exclusive; may lie in the future to keep footage still being recorded'),
  caseRef: z.string(),
  reason: z.string(),
  createdBy: z.string(),
  createdAt: z.number(),
  releasedAt: z.number().nullable(),
  releasedBy: z.string().nullable(),
  active: z.boolean(),
});
export type Hold = z.infer<typeof holdSchema>;

export const holdInputSchema = z
  .strictObject({
    cameraId: z.string().min(1).max(64),
    startMs: z.number().int().nonnegative().describe('UTC ms'),
    endMs: z.number().int().positive().describe('UTC ms'),
    caseRef: z.string().trim().min(1).max(100).optional().describe('Case the hold is bound to (or send X-Case-Ref); required one way or the other'),
    reason: z.string().trim().min(3).max(2000).describe('Why the footage must be kept'),
  })
  .refine((h) => h.startMs < h.endMs, { message: 'startMs must be before endMs', path: ['endMs'] });
export type HoldInput = z.output<typeof holdInputSchema>;

/** The reason for a release lives in the audit record of the release. */
export const holdReleaseSchema = z.strictObject({
  reason: z.string().trim().min(3).max(2000).describe('Why the hold ends (e.g. case closed, footage exported)'),
});

export interface HoldFilter {
  cameraId?: string;
  /** true: only active holds; false: only released ones; undefined: both. */
  active?: boolean;
}

/** What a hold keeps right now (segments indexed in its range). */
export const holdCoverageSchema = z.object({ segments: z.number(), bytes: z.number() });
