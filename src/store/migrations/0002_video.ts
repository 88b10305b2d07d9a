import type { Kysely } from 'kysely';
import type { MigrationContext } from './index';

/** Video pipeline: recorded segments, gaps, legal holds, retention deletions, camera health, evidence exports. */
export async function up(db: Kysely<unknown>, { engine }: MigrationContext): Promise<void> {
  const big = engine === 'postgres' ? 'bigint' : 'integer';
  const serial = (t: ReturnType<Kysely<unknown>['schema']['createTable']>, name: string) =>
    engine === 'postgres' ? t.addColumn(name, 'bigserial', (c) => c.primaryKey()) : t.addColumn(name, 'integer', (c) => c.primaryKey().autoIncrement());

  await serial(db.schema.createTable('segments'), 'id')
    .addColumn('camera_id', 'text', (c) => c.notNull())
    .addColumn('node', 'text', (c) => c.notNull())
    .addColumn('storage', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('start_ms', big, (c) => c.notNull())
    .addColumn('end_ms', big, (c) => c.notNull())
    .addColumn('bytes', big, (c) => c.notNull())
    .addColumn('codec', 'text', (c) => c.notNull())
    .addColumn('width', 'integer')
    .addColumn('height', 'integer')
    .addColumn('keyframes', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addUniqueConstraint('segments_storage_path', ['storage', 'path'])
    .execute();
  await db.schema.createIndex('segments_camera_start').on('segments').columns(['camera_id', 'start_ms']).execute();
  await db.schema.createIndex('segments_start').on('segments').column('start_ms').execute();

  await serial(db.schema.createTable('recording_gaps'), 'id')
    .addColumn('camera_id', 'text', (c) => c.notNull())
    .addColumn('start_ms', big, (c) => c.notNull())
    .addColumn('end_ms', big)
    .addColumn('reason', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('recording_gaps_camera_start').on('recording_gaps').columns(['camera_id', 'start_ms']).execute();

  await serial(db.schema.createTable('legal_holds'), 'id')
    .addColumn('camera_id', 'text', (c) => c.notNull())
    .addColumn('start_ms', big, (c) => c.notNull())
    .addColumn('end_ms', big, (c) => c.notNull())
    .addColumn('case_ref', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('released_at', big)
    .addColumn('released_by', 'text')
    .execute();
  await db.schema.createIndex('legal_holds_camera').on('legal_holds').columns(['camera_id', 'start_ms']).execute();

  await serial(db.schema.createTable('retention_deletions'), 'id')
    .addColumn('camera_id', 'text', (c) => c.notNull())
    .addColumn('storage', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('start_ms', big, (c) => c.notNull())
    .addColumn('end_ms', big, (c) => c.notNull())
    .addColumn('bytes', big, (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('rule', 'text', (c) => c.notNull())
    .addColumn('at', big, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('retention_deletions_at').on('retention_deletions').column('at').execute();

  await db.schema
    .createTable('camera_health')
    .addColumn('camera_id', 'text', (c) => c.primaryKey())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('fps', 'real')
    .addColumn('bitrate_bps', big)
    .addColumn('reconnects', 'integer', (c) => c.notNull())
    .addColumn('last_segment_at', big)
    .addColumn('storage_bytes', big, (c) => c.notNull())
    .addColumn('tamper', 'text', (c) => c.notNull())
    .addColumn('probe', 'text')
    .addColumn('last_error', 'text')
    .addColumn('updated_at', big, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('evidence_exports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_ref', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('camera_ids', 'text', (c) => c.notNull())
    .addColumn('start_ms', big, (c) => c.notNull())
    .addColumn('end_ms', big, (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('manifest_sha256', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .execute();
}
