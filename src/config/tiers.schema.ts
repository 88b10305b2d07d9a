import { z } from 'zod';

/**
 * `recording.tiers`: storage tiers (issue #11, docs/design/storage-tiers.md). Each rule moves segments older
 * than `afterHours` from one storage of recording.storages to another (e.g. a NAS mount). A storage that is the
 * target of a rule is a cold tier: the recorder never writes new segments to it. Strict: unknown keys are errors.
 */
export const tiersSchema = z
  .strictObject({
    rules: z
      .array(
        z.strictObject({
          from: z.string().min(1).describe('Storage id (recording.storages[].id) that segments leave'),
          to: z.string().min(1).describe('Storage id the segments move to (a cold tier: never recorded into directly)'),
          afterHours: z.number().positive().max(24 * 3650).describe('Segments whose end is older than this many hours move'),
        }),
      )
      .default([])
      .describe('Tier moves; none = no tiering'),
    intervalMs: z.number().int().min(1000).default(60_000).describe('How often the mover looks for due segments'),
    bytesPerSecond: z.number().int().min(65_536).default(100 * 1024 * 1024).describe('Throttle of the mover on one node (all rules together), so recording and playback keep their disk bandwidth'),
    batchSize: z.number().int().min(1).max(5000).default(200).describe('Segments picked per batch'),
  })
  .prefault({})
  .describe('Storage tiers: move older segments to a larger, slower storage');

export type TiersConfig = z.infer<typeof tiersSchema>;

/** Ids of the storages that are targets of a tier rule (the recorder does not write to them). */
export function coldStorageIds(tiers: Pick<TiersConfig, 'rules'>): Set<string> {
  return new Set(tiers.rules.map((r) => r.to));
}
