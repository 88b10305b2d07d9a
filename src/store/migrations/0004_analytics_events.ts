import type { Kysely } from 'kysely';
import type { MigrationContext } from './index';

/**
 * Analytics events (track appeared/lost, rule hits) and the alerts operators work on (src/alerts).
 * owner/district are copied from the camera when the event is stored, so every list and read is
 * filtered by scope without a join (and an event keeps the scope it was recorded under).
 */
export async function up(db: Kysely<unknown>, { engine }: MigrationContext): Promise<void> {
  const big = engine === 'postgres' ? 'bigint' : 'integer';

  await db.schema
    .createTable('analytics_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('camera_id', 'text', (c) => c.notNull())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('district', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('track_id', 'integer')
    .addColumn('rule_id', 'text')
    .addColumn('rule_name', 'text')
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('started_at', big, (c) => c.notNull())
    .addColumn('ended_at', big)
    .addColumn('score', 'real')
    .addColumn('box', 'text')
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('snapshot', 'text')
    .addColumn('job_id', 'text')
    .addColumn('created_at', big, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('analytics_events_camera_start').on('analytics_events').columns(['camera_id', 'started_at']).execute();
  await db.schema.createIndex('analytics_events_start').on('analytics_events').column('started_at').execute();
  // Snapshot pruning by age (created_at, not started_at: analysed footage may be old).
  await db.schema.createIndex('analytics_events_created').on('analytics_events').column('created_at').execute();
  await db.schema.createIndex('analytics_events_scope').on('analytics_events').columns(['owner', 'district', 'started_at']).execute();
  // 'lost' finds the open 'appeared' event of its track.
  await db.schema.createIndex('analytics_events_track').on('analytics_events').columns(['camera_id', 'track_id']).execute();
  await db.schema.createIndex('analytics_events_job').on('analytics_events').columns(['job_id', 'started_at']).execute();

  await db.schema
    .createTable('alerts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('camera_id', 'text', (c) => c.notNull())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('district', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('acknowledged_by', 'text')
    .addColumn('acknowledged_at', big)
    .addColumn('closed_by', 'text')
    .addColumn('closed_at', big)
    .addColumn('updated_at', big, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('alerts_created').on('alerts').column('created_at').execute();
  await db.schema.createIndex('alerts_camera_created').on('alerts').columns(['camera_id', 'created_at']).execute();
  await db.schema.createIndex('alerts_state_created').on('alerts').columns(['state', 'created_at']).execute();
  await db.schema.createIndex('alerts_scope').on('alerts').columns(['owner', 'district', 'created_at']).execute();
  await db.schema.createIndex('alerts_event').on('alerts').column('event_id').execute();

  await db.schema
    .createTable('alert_notes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('alert_id', 'text', (c) => c.notNull())
    .addColumn('author', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('alert_notes_alert').on('alert_notes').columns(['alert_id', 'created_at']).execute();
}
