import type { Kysely } from 'kysely';
import type { MigrationContext } from './index';

/** Recorded-footage analysis jobs (src/analytics/jobs.*): a camera's time range or an uploaded file. */
export async function up(db: Kysely<unknown>, { engine }: MigrationContext): Promise<void> {
  const big = engine === 'postgres' ? 'bigint' : 'integer';
  await db.schema
    .createTable('analysis_jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('camera_id', 'text')
    .addColumn('file_path', 'text')
    .addColumn('file_name', 'text')
    .addColumn('from_ms', big)
    .addColumn('to_ms', big)
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('progress', 'real', (c) => c.notNull())
    .addColumn('frames', 'integer', (c) => c.notNull())
    .addColumn('events', 'integer', (c) => c.notNull())
    .addColumn('tracks', 'integer', (c) => c.notNull())
    .addColumn('media_ms', big, (c) => c.notNull())
    .addColumn('options', 'text', (c) => c.notNull())
    .addColumn('node', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('started_at', big)
    .addColumn('finished_at', big)
    .execute();
  await db.schema.createIndex('analysis_jobs_created').on('analysis_jobs').column('created_at').execute();
  await db.schema.createIndex('analysis_jobs_camera').on('analysis_jobs').columns(['camera_id', 'created_at']).execute();
  await db.schema.createIndex('analysis_jobs_state').on('analysis_jobs').column('state').execute();
}
