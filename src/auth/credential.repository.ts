import { fromJson, toJson, type Db } from '../store/store';

export interface SessionRow {
  id: string;
  userId: string;
  createdAt: number;
  expiresAt: number;
  lastSeenAt: number | null;
}

export interface ApiTokenRow {
  id: string;
  userId: string;
  name: string;
  tokenHash: string;
  createdAt: number;
  expiresAt: number | null;
  lastUsedAt: number | null;
  revokedAt: number | null;
  /** Limits of a scoped token (null = none): permissions, organisations, districts. */
  permissions: string[] | null;
  organisations: string[] | null;
  districts: string[] | null;
}

type RawToken = { id: string; user_id: string; name: string; token_hash: string; created_at: number; expires_at: number | null; last_used_at: number | null; revoked_at: number | null; permissions: string | null; organisations: string | null; districts: string | null };
const toToken = (r: RawToken): ApiTokenRow => ({
  id: r.id, userId: r.user_id, name: r.name, tokenHash: r.token_hash, createdAt: r.created_at, expiresAt: r.expires_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at,
  permissions: fromJson<string[]>(r.permissions), organisations: fromJson<string[]>(r.organisations), districts: fromJson<string[]>(r.districts),
});

/** Web sessions and API tokens. Only hashes of the secrets are stored. */
export class CredentialRepository {
  constructor(private readonly db: Db) {}

  async insertSession(s: SessionRow & { ip: string | null; userAgent: string | null }): Promise<void> {
    await this.db
      .insertInto('sessions')
      .values({ id: s.id, user_id: s.userId, created_at: s.createdAt, expires_at: s.expiresAt, ip: s.ip, user_agent: s.userAgent, last_seen_at: s.lastSeenAt })
      .execute();
  }

  async session(id: string): Promise<SessionRow | undefined> {
    const r = await this.db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? { id: r.id, userId: r.user_id, createdAt: r.created_at, expiresAt: r.expires_at, lastSeenAt: r.last_seen_at } : undefined;
  }

  async touchSession(id: string, now: number): Promise<void> {
    await this.db.updateTable('sessions').set({ last_seen_at: now }).where('id', '=', id).execute();
  }

  async sessionsOf(userId: string): Promise<Array<SessionRow & { ip: string | null; userAgent: string | null }>> {
    const rows = await this.db.selectFrom('sessions').selectAll().where('user_id', '=', userId).orderBy('created_at').execute();
    return rows.map((r) => ({ id: r.id, userId: r.user_id, createdAt: r.created_at, expiresAt: r.expires_at, lastSeenAt: r.last_seen_at, ip: r.ip, userAgent: r.user_agent }));
  }

  async deleteSession(id: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id', '=', id).execute();
  }

  async deleteSessionsOf(userId: string, exceptId?: string): Promise<void> {
    let q = this.db.deleteFrom('sessions').where('user_id', '=', userId);
    if (exceptId) q = q.where('id', '!=', exceptId);
    await q.execute();
  }

  async deleteExpiredSessions(now: number): Promise<number> {
    const r = await this.db.deleteFrom('sessions').where('expires_at', '<=', now).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  async insertToken(t: ApiTokenRow): Promise<void> {
    await this.db
      .insertInto('api_tokens')
      .values({
        id: t.id,
        user_id: t.userId,
        name: t.name,
        token_hash: t.tokenHash,
        created_at: t.createdAt,
        expires_at: t.expiresAt,
        last_used_at: t.lastUsedAt,
        revoked_at: t.revokedAt,
        permissions: t.permissions === null ? null : toJson(t.permissions),
        organisations: t.organisations === null ? null : toJson(t.organisations),
        districts: t.districts === null ? null : toJson(t.districts),
      })
      .execute();
  }

  async token(id: string): Promise<ApiTokenRow | undefined> {
    const r = await this.db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toToken(r) : undefined;
  }

  async tokensOf(userId: string): Promise<ApiTokenRow[]> {
    const rows = await this.db.selectFrom('api_tokens').selectAll().where('user_id', '=', userId).orderBy('created_at').execute();
    return rows.map(toToken);
  }

  async revokeToken(id: string, now: number): Promise<void> {
    await this.db.updateTable('api_tokens').set({ revoked_at: now }).where('id', '=', id).where('revoked_at', 'is', null).execute();
  }

  async touchToken(id: string, now: number): Promise<void> {
    await this.db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', id).execute();
  }
}
