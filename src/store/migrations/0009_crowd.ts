import type { Kysely } from 'kysely';
import type { MigrationContext } from './index';

/**
 * Crowd analytics (src/crowd, docs/design/crowd.md): per-camera crowd settings (zones, lines, thresholds,
 * ground calibration, count correction), count-calibration samples (the JPEG lives on disk), the crowd
 * time series (one row per camera per bucket; live rows have job_id null, recorded-footage runs their job
 * id) and events (a public event: cameras and a time window, for the dashboard and the report).
 */
export async function up(db: Kysely<unknown>, { engine }: MigrationContext): Promise<void> {
  const big = engine === 'postgres' ? 'bigint' : 'integer';
  const real = engine === 'postgres' ? 'double precision' : 'real';
  await db.schema
    .createTable('crowd_settings')
    .addColumn('camera_id', 'text', (c) => c.primaryKey())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('settings', 'text', (c) => c.notNull()) // JSON, src/crowd/model.ts crowdSettingsInputSchema
    .addColumn('count_calibration', 'text') // JSON { a, b, samples, expectedMae, expectedErrorPct }
    .addColumn('updated_at', big, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('crowd_samples')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('camera_id', 'text', (c) => c.notNull())
    .addColumn('at', big, (c) => c.notNull())
    .addColumn('image_path', 'text', (c) => c.notNull()) // relative to <dataDir>/crowd/samples (SnapshotStore layout)
    .addColumn('raw_count', real, (c) => c.notNull())
    .addColumn('points', 'text', (c) => c.notNull()) // JSON [[x, y], …]
    .addColumn('heads', 'text') // JSON [[x, y], …] or null (not marked)
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('crowd_samples_camera').on('crowd_samples').columns(['camera_id', 'at']).execute();
  await db.schema.createIndex('crowd_samples_created').on('crowd_samples').columns(['created_at']).execute();

  await db.schema
    .createTable('crowd_series')
    .addColumn('camera_id', 'text', (c) => c.notNull())
    .addColumn('at', big, (c) => c.notNull()) // bucket start
    .addColumn('samples', 'integer', (c) => c.notNull())
    .addColumn('count_max', real, (c) => c.notNull())
    .addColumn('count_avg', real, (c) => c.notNull())
    .addColumn('corrected_max', real)
    .addColumn('density_max', real) // persons/m², the densest zone (null: uncalibrated or no zones)
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('crossed_in', 'integer', (c) => c.notNull())
    .addColumn('crossed_out', 'integer', (c) => c.notNull())
    .addColumn('zones', 'text', (c) => c.notNull()) // JSON { zoneId: { name, countMax, densityMax } }
    .addColumn('job_id', 'text')
    .execute();
  await db.schema.createIndex('crowd_series_camera_time').on('crowd_series').columns(['camera_id', 'at']).execute();
  await db.schema.createIndex('crowd_series_time').on('crowd_series').columns(['at']).execute();

  await db.schema
    .createTable('crowd_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('camera_ids', 'text', (c) => c.notNull()) // JSON array
    .addColumn('starts_at', big, (c) => c.notNull())
    .addColumn('ends_at', big, (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('updated_at', big, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('crowd_events_starts').on('crowd_events').columns(['starts_at']).execute();
}
