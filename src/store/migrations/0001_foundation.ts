import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from './index';

/** Foundation tables: organisations, cameras, users/auth, audit chain, outbox. */
export async function up(db: Kysely<unknown>, { engine }: MigrationContext): Promise<void> {
  const big = engine === 'postgres' ? 'bigint' : 'integer';
  const real = engine === 'postgres' ? 'double precision' : 'real';

  await db.schema
    .createTable('organisations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('live_allowed', 'integer', (c) => c.notNull())
    .addColumn('playback_allowed', 'integer', (c) => c.notNull())
    .addColumn('retention_days_cap', 'integer')
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('updated_at', big, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('cameras')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('lat', real, (c) => c.notNull())
    .addColumn('lon', real, (c) => c.notNull())
    .addColumn('district', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('owner', 'text', (c) => c.notNull().references('organisations.id'))
    .addColumn('source_url', 'text', (c) => c.notNull())
    .addColumn('sub_url', 'text')
    .addColumn('transport', 'text', (c) => c.notNull())
    .addColumn('bearing_deg', real)
    .addColumn('fov_deg', real)
    .addColumn('tags', 'text', (c) => c.notNull())
    .addColumn('live_allowed', 'integer', (c) => c.notNull())
    .addColumn('playback_allowed', 'integer', (c) => c.notNull())
    .addColumn('retention_days', 'integer')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('status_changed_at', big)
    .addColumn('search_text', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('updated_at', big, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('cameras_owner_district').on('cameras').columns(['owner', 'district']).execute();
  await db.schema.createIndex('cameras_district').on('cameras').column('district').execute();
  await db.schema.createIndex('cameras_lat_lon').on('cameras').columns(['lat', 'lon']).execute();
  await db.schema.createIndex('cameras_owner_lat').on('cameras').columns(['owner', 'lat']).execute();

  await db.schema
    .createTable('camera_credentials')
    .addColumn('camera_id', 'text', (c) => c.primaryKey().references('cameras.id').onDelete('cascade'))
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('updated_at', big, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('password_expires_at', big)
    .addColumn('disabled', 'integer', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('updated_at', big, (c) => c.notNull())
    .addColumn('last_login_at', big)
    .execute();

  await db.schema
    .createTable('grants')
    .addColumn('id', engine === 'postgres' ? 'bigserial' : 'integer', (c) => (engine === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('organisations', 'text')
    .addColumn('districts', 'text')
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('expires_at', big)
    .execute();
  await db.schema.createIndex('grants_user').on('grants').column('user_id').execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('expires_at', big, (c) => c.notNull())
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .execute();

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('expires_at', big)
    .addColumn('last_used_at', big)
    .addColumn('revoked_at', big)
    .execute();

  await db.schema
    .createTable('audit_records')
    .addColumn('seq', engine === 'postgres' ? 'bigserial' : 'integer', (c) => (engine === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('chain', 'text', (c) => c.notNull())
    .addColumn('chain_seq', big, (c) => c.notNull())
    .addColumn('at', big, (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target_type', 'text')
    .addColumn('target_id', 'text')
    .addColumn('camera_ids', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text')
    .addColumn('case_ref', 'text')
    .addColumn('ip', 'text')
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addUniqueConstraint('audit_records_chain_seq', ['chain', 'chain_seq'])
    .execute();
  await db.schema.createIndex('audit_records_at').on('audit_records').column('at').execute();
  await db.schema.createIndex('audit_records_actor').on('audit_records').columns(['actor_id', 'at']).execute();
  await db.schema.createIndex('audit_records_case').on('audit_records').columns(['case_ref', 'at']).execute();

  await db.schema
    .createTable('audit_chains')
    .addColumn('chain', 'text', (c) => c.primaryKey())
    .addColumn('node', 'text', (c) => c.notNull())
    .addColumn('partition', 'text', (c) => c.notNull())
    .addColumn('last_seq', big, (c) => c.notNull())
    .addColumn('last_hash', 'text', (c) => c.notNull())
    .addColumn('record_count', big, (c) => c.notNull())
    .addColumn('opened_at', big, (c) => c.notNull())
    .addColumn('closed_at', big)
    .execute();

  await db.schema
    .createTable('audit_checkpoints')
    .addColumn('chain', 'text', (c) => c.primaryKey())
    .addColumn('node', 'text', (c) => c.notNull())
    .addColumn('partition', 'text', (c) => c.notNull())
    .addColumn('record_count', big, (c) => c.notNull())
    .addColumn('first_at', big)
    .addColumn('last_at', big)
    .addColumn('last_hash', 'text', (c) => c.notNull())
    .addColumn('prev_checkpoint_hash', 'text', (c) => c.notNull())
    .addColumn('checkpoint_hash', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('signature', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('archived_at', big)
    .execute();

  await db.schema
    .createTable('outbox')
    .addColumn('seq', engine === 'postgres' ? 'bigserial' : 'integer', (c) => (engine === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('event_id', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('at', big, (c) => c.notNull())
    .addColumn('published_at', big)
    .execute();
  await db.schema.createIndex('outbox_unpublished').on('outbox').columns(['published_at', 'seq']).execute();
}
