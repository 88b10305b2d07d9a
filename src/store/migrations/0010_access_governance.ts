import type { Kysely } from 'kysely';
import type { MigrationContext } from './index';

/**
 * Purpose-bound access and governance (src/access, src/governance, issue #12):
 * - break_glass: each emergency use (who, why, until when) and its supervisor review (pending | approved | flagged);
 * - camera_register: the Privacy Impact Assessment fields of a camera (purpose, legal basis, signage,
 *   residential-facing), one row per camera id; cameras without a row read as "not yet assessed".
 */
export async function up(db: Kysely<unknown>, { engine }: MigrationContext): Promise<void> {
  const big = engine === 'postgres' ? 'bigint' : 'integer';
  await db.schema
    .createTable('break_glass')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('started_at', big, (c) => c.notNull())
    .addColumn('expires_at', big, (c) => c.notNull())
    .addColumn('review_status', 'text', (c) => c.notNull()) // pending | approved | flagged
    .addColumn('reviewed_by', 'text')
    .addColumn('reviewed_at', big)
    .addColumn('review_note', 'text')
    .execute();
  await db.schema.createIndex('break_glass_user').on('break_glass').columns(['user_id', 'expires_at']).execute();
  await db.schema.createIndex('break_glass_review').on('break_glass').columns(['review_status', 'started_at']).execute();

  await db.schema
    .createTable('camera_register')
    .addColumn('camera_id', 'text', (c) => c.primaryKey())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('legal_basis', 'text', (c) => c.notNull())
    .addColumn('signage', 'integer', (c) => c.notNull()) // 0/1
    .addColumn('residential_facing', 'integer', (c) => c.notNull()) // 0/1
    .addColumn('notes', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', big, (c) => c.notNull())
    .execute();
}
