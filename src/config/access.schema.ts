import { z } from 'zod';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** One row of the purpose-bound access policy table. */
const rule = (purpose: boolean, needsCase: 'never' | 'sensitive' | 'always', what: string) =>
  z
    .strictObject({
      purpose: z.boolean().default(purpose).describe('A stated purpose (X-Purpose) is required'),
      case: z
        .enum(['never', 'sensitive', 'always'])
        .default(needsCase)
        .describe('When a case (X-Case-Ref: an open case you are authorised for) is required: never, sensitive = for residential-facing or third-party cameras, always'),
    })
    .prefault({})
    .describe(what);

/** The `access` section of the configuration (strict: unknown keys are errors). */
export const accessSchema = z
  .strictObject({
    policy: z
      .strictObject({
        live: rule(true, 'never', 'Live view'),
        playback: rule(true, 'sensitive', 'Playback of recordings (and snapshots from them)'),
        plateSearch: rule(true, 'always', 'Plate search'),
        personSearch: rule(false, 'always', 'Person / appearance search over the forensic track index'),
        journeys: rule(false, 'always', 'Cross-camera journeys and interception predictions'),
        exports: rule(true, 'always', 'Evidence exports'),
      })
      .prefault({})
      .describe('The purpose-bound access policy table every footage or search path follows (src/access/policy.ts)'),
    siteOrganisation: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/)
      .nullable()
      .default(null)
      .describe("The site's own organisation id: cameras owned by any other organisation are third-party. null = cameras of organisations of kind private_partner are third-party"),
    breakGlass: z
      .strictObject({
        durationMs: z.number().int().min(MINUTE).max(DAY).default(30 * MINUTE).describe('How long one break-glass use lifts the case requirement'),
        minReasonLength: z.number().int().min(5).max(500).default(15).describe('Shortest emergency reason accepted'),
      })
      .prefault({})
      .describe('Break-glass: emergency access without a case, reviewed afterwards by a supervisor (access.review)'),
    review: z
      .strictObject({
        unusualHours: z
          .strictObject({
            fromHour: z.number().int().min(0).max(23).default(23).describe('Start of unusual hours (local hour, inclusive)'),
            toHour: z.number().int().min(0).max(23).default(6).describe('End of unusual hours (local hour, exclusive)'),
            utcOffsetMinutes: z.number().int().min(-720).max(840).default(480).describe('Local time zone offset from UTC (Hong Kong: +480, no daylight saving)'),
          })
          .prefault({})
          .describe('Footage or search access in these hours is flagged'),
        bulkExportsPerDay: z.number().int().min(1).default(10).describe('More exports than this per user and local day is flagged'),
        bulkExportHoursPerDay: z.number().positive().default(8).describe('More exported footage (hours, summed over cameras) per user and local day is flagged'),
        plateUsersThreshold: z.number().int().min(2).default(3).describe('One plate searched by at least this many distinct users in the window is flagged'),
        plateWindowMs: z.number().int().positive().default(7 * DAY).describe('Window of the many-users-one-plate flag'),
      })
      .prefault({})
      .describe('Audit review flags (src/governance/flags.ts)'),
    report: z
      .strictObject({
        suppressBelow: z
          .number()
          .int()
          .min(0)
          .max(100)
          .default(0)
          .describe('Breakdown counts (searches by kind, per district or owner) below this are published as "<N" (0 = publish all; site-wide totals are never suppressed)'),
      })
      .prefault({})
      .describe('Transparency report'),
  })
  .prefault({})
  .describe('Purpose-bound access, break-glass and governance (src/access, src/governance)');

export type AccessConfig = z.output<typeof accessSchema>;
export type AccessPolicyTable = AccessConfig['policy'];
export type PolicyUse = keyof AccessPolicyTable;
