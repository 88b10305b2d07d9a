import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { ActionContext, AuditAppender } from '../core/context';
import { AuthenticationError, NotFoundError, ValidationError } from '../core/errors';
import type { Clock } from '../core/time';
import type { Store } from '../store/store';
import { CredentialRepository } from './credential.repository';
import { authorize } from './guard';
import { checkPasswordPolicy, hashPassword, verifyPassword } from './passwords';
import type { Principal } from './permissions';
import { UserRepository, type UserRow } from './user.repository';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
/** Verified against when the user does not exist, so timing does not reveal user names. */
let dummyHash: Promise<string> | undefined;

export interface LoginResult {
  principal: Principal;
  sessionToken: string;
  expiresAt: number;
  passwordExpiresAt: number | null;
}

/** Log in and out, sessions, API tokens, password changes. */
export class AuthService {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditAppender,
    private readonly clock: Clock,
    private readonly opts: { sessionTtlMs: number },
  ) {}

  async login(username: string, password: string, meta: { ip: string | null; userAgent: string | null }): Promise<LoginResult> {
    const now = this.clock.now();
    const users = new UserRepository(this.store.db);
    const user = await users.byUsername(username);
    const ok = user ? await verifyPassword(user.passwordHash, password) : (await verifyPassword(await (dummyHash ??= hashPassword(randomUUID())), password), false);
    const expired = !!user && user.passwordExpiresAt !== null && user.passwordExpiresAt <= now;
    if (!user || !ok || user.disabled || expired) {
      const reason = !user ? 'unknown_user' : !ok ? 'bad_password' : user.disabled ? 'disabled' : 'password_expired';
      await this.store.transaction((tx) =>
        this.audit.record(tx, { principal: null, ip: meta.ip }, { action: 'auth.login', targetType: 'user', targetId: username.slice(0, 100), outcome: 'denied', details: { reason } }),
      );
      if (expired && ok) {
        throw new AuthenticationError('This password has expired. An administrator can set a new one with: smartview users passwd <username>', 'password_expired');
      }
      throw new AuthenticationError('Wrong user name or password', 'invalid_credentials');
    }
    const token = randomBytes(32).toString('base64url');
    const expiresAt = now + this.opts.sessionTtlMs;
    const principal = await this.principalFor(user, 'session', now);
    await this.store.transaction(async (tx) => {
      await new CredentialRepository(tx).insertSession({ id: sha256(token), userId: user.id, createdAt: now, expiresAt, ip: meta.ip, userAgent: meta.userAgent?.slice(0, 300) ?? null });
      await new UserRepository(tx).touchLogin(user.id, now);
      await this.audit.record(tx, { principal, ip: meta.ip }, { action: 'auth.login', targetType: 'user', targetId: user.id, details: { via: 'password' } });
    });
    return { principal, sessionToken: token, expiresAt, passwordExpiresAt: user.passwordExpiresAt };
  }

  async logout(ctx: ActionContext, sessionToken: string): Promise<void> {
    await this.store.transaction(async (tx) => {
      await new CredentialRepository(tx).deleteSession(sha256(sessionToken));
      await this.audit.record(tx, ctx, { action: 'auth.logout', targetType: 'user', targetId: ctx.principal?.userId });
    });
  }

  /** The principal behind a session cookie, or null when it is unknown or expired. */
  async fromSession(sessionToken: string): Promise<Principal | null> {
    const now = this.clock.now();
    const s = await new CredentialRepository(this.store.db).session(sha256(sessionToken));
    if (!s || s.expiresAt <= now) return null;
    const user = await new UserRepository(this.store.db).byId(s.userId);
    if (!user || user.disabled) return null;
    return this.principalFor(user, 'session', now);
  }

  /** The principal behind an API token `svt_<id>_<secret>`, or null. */
  async fromToken(token: string): Promise<Principal | null> {
    const m = /^svt_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/.exec(token);
    if (!m) return null;
    const now = this.clock.now();
    const creds = new CredentialRepository(this.store.db);
    const row = await creds.token(m[1]!);
    if (!row || row.revokedAt !== null || (row.expiresAt !== null && row.expiresAt <= now)) return null;
    const a = Buffer.from(row.tokenHash, 'hex');
    const b = Buffer.from(sha256(m[2]!), 'hex');
    if (a.length !== b.length || !timingSafeEqual(a, b)) return null;
    const user = await new UserRepository(this.store.db).byId(row.userId);
    if (!user || user.disabled) return null;
    if (row.lastUsedAt === null || now - row.lastUsedAt > 60_000) await creds.touchToken(row.id, now);
    return { ...(await this.principalFor(user, 'token', now)), tokenId: row.id };
  }

  /** Creates an API token for the caller (or, for user.write holders, another user); the secret is shown once. */
  async createToken(ctx: ActionContext, opts: { name: string; userId?: string; ttlMs?: number | null }): Promise<{ id: string; token: string; expiresAt: number | null }> {
    authorize(ctx, 'token.manage');
    const userId = opts.userId ?? ctx.principal?.userId;
    if (!userId) throw new ValidationError('userId is required when no user is logged in');
    if (ctx.principal && userId !== ctx.principal.userId) authorize(ctx, 'user.write');
    const now = this.clock.now();
    const id = randomBytes(9).toString('base64url').replace(/[-_]/g, 'x').slice(0, 12);
    const secret = randomBytes(32).toString('base64url');
    const expiresAt = opts.ttlMs ? now + opts.ttlMs : null;
    await this.store.transaction(async (tx) => {
      if (!(await new UserRepository(tx).byId(userId))) throw new NotFoundError('user', userId);
      await new CredentialRepository(tx).insertToken({ id, userId, name: opts.name, tokenHash: sha256(secret), createdAt: now, expiresAt, lastUsedAt: null, revokedAt: null });
      await this.audit.record(tx, ctx, { action: 'token.create', targetType: 'api_token', targetId: id, details: { userId, name: opts.name, expiresAt } });
    });
    return { id, token: `svt_${id}_${secret}`, expiresAt };
  }

  async listTokens(ctx: ActionContext): Promise<Array<{ id: string; name: string; createdAt: number; expiresAt: number | null; lastUsedAt: number | null; revokedAt: number | null }>> {
    authorize(ctx, 'token.manage');
    if (!ctx.principal) return [];
    return (await new CredentialRepository(this.store.db).tokensOf(ctx.principal.userId)).map(({ tokenHash: _h, userId: _u, ...t }) => t);
  }

  async revokeToken(ctx: ActionContext, id: string): Promise<void> {
    authorize(ctx, 'token.manage');
    await this.store.transaction(async (tx) => {
      const repo = new CredentialRepository(tx);
      const t = await repo.token(id);
      if (!t || (ctx.principal && t.userId !== ctx.principal.userId && !ctx.principal.grants.some((g) => g.role === 'administrator'))) throw new NotFoundError('api token', id);
      await repo.revokeToken(id, this.clock.now());
      await this.audit.record(tx, ctx, { action: 'token.revoke', targetType: 'api_token', targetId: id });
    });
  }

  async changePassword(ctx: ActionContext, current: string, next: string): Promise<void> {
    if (!ctx.principal) throw new AuthenticationError();
    const users = new UserRepository(this.store.db);
    const user = await users.byId(ctx.principal.userId);
    if (!user || !(await verifyPassword(user.passwordHash, current))) throw new ValidationError('The current password is wrong', { field: 'currentPassword' });
    checkPasswordPolicy(next, user.username);
    const hashed = await hashPassword(next);
    await this.store.transaction(async (tx) => {
      await new UserRepository(tx).setPassword(user.id, hashed, null, this.clock.now());
      await this.audit.record(tx, ctx, { action: 'auth.password_change', targetType: 'user', targetId: user.id });
    });
  }

  private async principalFor(user: UserRow, via: 'session' | 'token', now: number): Promise<Principal> {
    const grants = await new UserRepository(this.store.db).grants(user.id, now);
    return { userId: user.id, username: user.username, displayName: user.displayName, grants, via };
  }
}
