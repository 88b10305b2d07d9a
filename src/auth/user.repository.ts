import type { Db } from '../store/store';
import { fromJson, toJson } from '../store/store';
import type { Grant, Role } from './permissions';

export interface UserRow {
  id: string;
  username: string;
  displayName: string;
  passwordHash: string;
  passwordExpiresAt: number | null;
  disabled: boolean;
  createdAt: number;
  updatedAt: number;
  lastLoginAt: number | null;
  /** local | oidc | ldap: where the user signs in. */
  authSource: AuthSource;
  /** issuer#sub (oidc) or the directory DN (ldap). */
  externalId: string | null;
  failedLogins: number;
  lockedUntil: number | null;
}

export type AuthSource = 'local' | 'oidc' | 'ldap';

type RawUser = {
  id: string; username: string; display_name: string; password_hash: string; password_expires_at: number | null; disabled: number; created_at: number; updated_at: number; last_login_at: number | null;
  auth_source: string; external_id: string | null; failed_logins: number; locked_until: number | null;
};

function toUser(r: RawUser): UserRow {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    passwordHash: r.password_hash,
    passwordExpiresAt: r.password_expires_at,
    disabled: r.disabled === 1,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    lastLoginAt: r.last_login_at,
    authSource: r.auth_source as AuthSource,
    externalId: r.external_id,
    failedLogins: Number(r.failed_logins),
    lockedUntil: r.locked_until,
  };
}

/** Users and their grants. */
export class UserRepository {
  constructor(private readonly db: Db) {}

  async count(): Promise<number> {
    const r = await this.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async byUsername(username: string): Promise<UserRow | undefined> {
    const r = await this.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
    return r ? toUser(r) : undefined;
  }

  async byId(id: string): Promise<UserRow | undefined> {
    const r = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toUser(r) : undefined;
  }

  async list(): Promise<UserRow[]> {
    return (await this.db.selectFrom('users').selectAll().orderBy('username').execute()).map(toUser);
  }

  async byExternal(source: AuthSource, externalId: string): Promise<UserRow | undefined> {
    const r = await this.db.selectFrom('users').selectAll().where('auth_source', '=', source).where('external_id', '=', externalId).executeTakeFirst();
    return r ? toUser(r) : undefined;
  }

  /** Failed-login counter and lock (src/auth/lockout.ts decides the values). */
  async setLoginFailures(id: string, failures: number, lockedUntil: number | null): Promise<void> {
    await this.db.updateTable('users').set({ failed_logins: failures, locked_until: lockedUntil }).where('id', '=', id).execute();
  }

  async setDisplayName(id: string, displayName: string, now: number): Promise<void> {
    await this.db.updateTable('users').set({ display_name: displayName, updated_at: now }).where('id', '=', id).execute();
  }

  async insert(u: Omit<UserRow, 'authSource' | 'externalId' | 'failedLogins' | 'lockedUntil'> & { authSource?: AuthSource; externalId?: string | null }): Promise<void> {
    await this.db
      .insertInto('users')
      .values({
        id: u.id,
        username: u.username,
        display_name: u.displayName,
        password_hash: u.passwordHash,
        password_expires_at: u.passwordExpiresAt,
        disabled: u.disabled ? 1 : 0,
        created_at: u.createdAt,
        updated_at: u.updatedAt,
        last_login_at: u.lastLoginAt,
        auth_source: u.authSource ?? 'local',
        external_id: u.externalId ?? null,
      })
      .execute();
  }

  async setPassword(id: string, passwordHash: string, expiresAt: number | null, now: number): Promise<void> {
    await this.db.updateTable('users').set({ password_hash: passwordHash, password_expires_at: expiresAt, updated_at: now }).where('id', '=', id).execute();
  }

  async setDisabled(id: string, disabled: boolean, now: number): Promise<void> {
    await this.db.updateTable('users').set({ disabled: disabled ? 1 : 0, updated_at: now }).where('id', '=', id).execute();
  }

  async touchLogin(id: string, now: number): Promise<void> {
    await this.db.updateTable('users').set({ last_login_at: now }).where('id', '=', id).execute();
  }

  /** Grants of a user that have not expired at `now`. */
  async grants(userId: string, now: number): Promise<Grant[]> {
    const rows = await this.db
      .selectFrom('grants')
      .select(['role', 'organisations', 'districts', 'expires_at'])
      .where('user_id', '=', userId)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .orderBy('id')
      .execute();
    return rows.map((r) => ({
      role: r.role as Role,
      organisations: fromJson<string[]>(r.organisations),
      districts: fromJson<string[]>(r.districts),
      expiresAt: r.expires_at,
    }));
  }

  async replaceGrants(userId: string, grants: Grant[], now: number): Promise<void> {
    await this.db.deleteFrom('grants').where('user_id', '=', userId).execute();
    if (grants.length === 0) return;
    await this.db
      .insertInto('grants')
      .values(
        grants.map((g) => ({
          user_id: userId,
          role: g.role,
          organisations: g.organisations === null ? null : toJson(g.organisations),
          districts: g.districts === null ? null : toJson(g.districts),
          created_at: now,
          expires_at: g.expiresAt ?? null,
        })),
      )
      .execute();
  }
}
