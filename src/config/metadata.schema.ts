import { z } from 'zod';

/** The `metadata` section: metadata at scale (issue #11, src/metadata). Strict: unknown keys are errors. */
export const metadataSchema = z
  .strictObject({
    retention: z
      .strictObject({
        eventsDays: z.number().int().positive().default(90).describe('Analytics events (track/rule events, alerts\' events) are dropped by whole month partitions once the whole month is older than this (PostgreSQL) or deleted row by row (SQLite)'),
        tracksDays: z.number().int().positive().default(30).describe('Forensic search index rows (search_tracks: appearance, embeddings) are kept this long'),
        sightingsDays: z.number().int().positive().default(30).describe('Plate sightings are kept this long'),
      })
      .prefault({})
      .describe('Retention of metadata holding personal data; audit records follow audit.retentionDays and are dropped only after their chains are archived'),
    partitionsAhead: z.number().int().min(1).max(12).default(2).describe('Monthly partitions created ahead of the current month on PostgreSQL (daily maintenance)'),
    maintenanceIntervalMs: z.number().int().min(60_000).default(3_600_000).describe('How often partitions are created ahead and expired ones dropped'),
  })
  .prefault({})
  .describe('Metadata tables at scale: partitions and retention');
