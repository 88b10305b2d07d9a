import type { Kysely } from 'kysely';
import type { MigrationContext } from './index';

/**
 * Per-camera analytics settings and rules (src/rules). Settings and rule definitions are JSON validated by
 * src/rules/model.ts; `enabled` is a column of its own so the analytics role finds the cameras to run, and a
 * camera's rules, without parsing every row.
 */
export async function up(db: Kysely<unknown>, { engine }: MigrationContext): Promise<void> {
  const big = engine === 'postgres' ? 'bigint' : 'integer';
  await db.schema
    .createTable('camera_analytics')
    .addColumn('camera_id', 'text', (c) => c.primaryKey())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('updated_at', big, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('camera_analytics_enabled').on('camera_analytics').columns(['enabled', 'camera_id']).execute();

  await db.schema
    .createTable('analytics_rules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('camera_id', 'text', (c) => c.notNull())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('updated_at', big, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('analytics_rules_camera').on('analytics_rules').columns(['camera_id', 'created_at']).execute();
}
