import { z } from 'zod';

const count = z.number().nullable().describe('null = suppressed (below access.report.suppressBelow)');

export const certificateSchema = z.object({
  fromMs: z.number(),
  toMs: z.number(),
  count: z.number(),
  bytes: z.number(),
  byRule: z.record(z.string(), z.object({ count: z.number(), bytes: z.number() })),
  listSha256: z.string().describe('Reproduce with GET /api/retention/certificate?from=fromMs&to=toMs'),
});

export const transparencyReportSchema = z.object({
  site: z.string(),
  fromMs: z.number(),
  toMs: z.number(),
  generatedAt: z.number(),
  suppressBelow: z.number(),
  cameras: z.object({
    total: z.number(),
    byOwner: z.array(z.object({ owner: z.string(), ownerName: z.string().nullable(), cameras: z.number() })),
    byDistrict: z.array(z.object({ district: z.string(), cameras: z.number() })),
  }),
  hoursRecorded: z.number(),
  liveViews: z.number(),
  playbacks: z.number(),
  searches: z.object({ total: z.number(), byKind: z.array(z.object({ kind: z.enum(['plate', 'person', 'journey', 'interception']), count })) }),
  exports: z.number(),
  casesAssisted: z.number(),
  hotlistHits: z.number(),
  retention: z.object({ deletedSegments: z.number(), deletedBytes: z.number(), certificates: z.array(certificateSchema) }),
});
export type TransparencyReport = z.infer<typeof transparencyReportSchema>;
