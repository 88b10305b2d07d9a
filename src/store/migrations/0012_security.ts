import type { Kysely } from 'kysely';
import type { MigrationContext } from './index';

/**
 * Hardening (#12, src/auth): where a user comes from (local, oidc, ldap) and the failed-login counter
 * and lock of each account; the last use of a web session (idle expiry); the permission and scope limits
 * of an API token; TOTP secrets (sealed with the SecretBox key, which lives outside the database) and
 * hashed recovery codes; pending single sign-on logins (state, nonce, sealed PKCE verifier).
 * SQLite adds one column per ALTER TABLE.
 */
export async function up(db: Kysely<unknown>, { engine }: MigrationContext): Promise<void> {
  const big = engine === 'postgres' ? 'bigint' : 'integer';
  const add = (table: string, column: string, type: string, build?: Parameters<ReturnType<Kysely<unknown>['schema']['alterTable']>['addColumn']>[2]) =>
    db.schema.alterTable(table).addColumn(column, type as 'text', build).execute();

  await add('users', 'auth_source', 'text', (c) => c.notNull().defaultTo('local'));
  await add('users', 'external_id', 'text');
  await add('users', 'failed_logins', 'integer', (c) => c.notNull().defaultTo(0));
  await add('users', 'locked_until', big);
  await db.schema.createIndex('users_external').on('users').columns(['auth_source', 'external_id']).unique().execute();

  await add('sessions', 'last_seen_at', big);

  await add('api_tokens', 'permissions', 'text'); // JSON array; null = every permission of the owner
  await add('api_tokens', 'organisations', 'text'); // JSON array; null = no further limit
  await add('api_tokens', 'districts', 'text');

  await db.schema
    .createTable('user_totp')
    .addColumn('user_id', 'text', (c) => c.primaryKey())
    .addColumn('secret_sealed', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('confirmed_at', big)
    .addColumn('last_step', big) // last accepted time step: a code is never accepted twice
    .execute();

  await db.schema
    .createTable('user_recovery_codes')
    .addColumn('code_hash', 'text', (c) => c.primaryKey()) // sha256 of user id + code
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('used_at', big)
    .execute();
  await db.schema.createIndex('user_recovery_codes_user').on('user_recovery_codes').column('user_id').execute();

  await db.schema
    .createTable('sso_states')
    .addColumn('id', 'text', (c) => c.primaryKey()) // sha256 of the state parameter
    .addColumn('nonce', 'text', (c) => c.notNull())
    .addColumn('verifier_sealed', 'text', (c) => c.notNull())
    .addColumn('return_to', 'text')
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('expires_at', big, (c) => c.notNull())
    .execute();
}
