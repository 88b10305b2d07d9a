import { z } from 'zod';

export const ORGANISATION_KINDS = ['police', 'department', 'public_body', 'private_partner'] as const;

export const sharingPolicySchema = z.strictObject({
  liveAllowed: z.boolean().describe('May other organisations watch this owner\'s cameras live?'),
  playbackAllowed: z.boolean().describe('May recordings be played back?'),
  retentionDaysCap: z.number().int().positive().nullable().describe('Longest retention the owner allows (null = no cap)'),
});

export const organisationInputSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lower-case letters, digits, dash and underscore, 1–64 characters'),
  name: z.string().trim().min(1).max(200),
  kind: z.enum(ORGANISATION_KINDS),
  policy: sharingPolicySchema.prefault({ liveAllowed: true, playbackAllowed: true, retentionDaysCap: null }),
});

export const organisationSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(ORGANISATION_KINDS),
  policy: sharingPolicySchema,
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type Organisation = z.infer<typeof organisationSchema>;
export type OrganisationInput = z.output<typeof organisationInputSchema>;
