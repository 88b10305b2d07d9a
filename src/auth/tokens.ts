import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ActionContext, AuditAppender } from '../core/context';
import { NotFoundError, ValidationError } from '../core/errors';
import type { Clock } from '../core/time';
import type { Db, Store } from '../store/store';
import { CredentialRepository } from './credential.repository';
import { authorize } from './guard';
import { effectivePermissions, PERMISSIONS, type Permission, type Principal } from './permissions';
import { UserRepository, type UserRow } from './user.repository';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export interface TokenLimits {
  /** Only these permissions (each must be held by the owner when the token is made; checked again at every use). */
  permissions?: Permission[] | null;
  /** Only cameras of these organisations / in these districts (intersected with the owner's scopes at every use). */
  organisations?: string[] | null;
  districts?: string[] | null;
}

export interface TokenView {
  id: string;
  name: string;
  createdAt: number;
  expiresAt: number | null;
  lastUsedAt: number | null;
  revokedAt: number | null;
  permissions: string[] | null;
  organisations: string[] | null;
  districts: string[] | null;
}

type PrincipalFor = (db: Db, user: UserRow, via: 'token', now: number) => Promise<Principal>;

/**
 * API tokens `svt_<id>_<secret>` (only a hash of the secret is stored). A scoped token carries a
 * permission set and/or an organisation/district limit; at every use its principal is the owner's
 * *current* grants cut down to those limits, so a token never exceeds its owner.
 */
export class TokenService {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditAppender,
    private readonly clock: Clock,
    private readonly principalFor: PrincipalFor,
  ) {}

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
    const p: Principal = { ...(await this.principalFor(this.store.db, user, 'token', now)), tokenId: row.id };
    if (row.permissions) p.permissionLimit = row.permissions.filter((x): x is Permission => (PERMISSIONS as readonly string[]).includes(x));
    if (row.organisations || row.districts) p.scopeLimit = { organisations: row.organisations, districts: row.districts };
    return p;
  }

  /** Creates an API token for the caller (or, for user.write holders, another user); the secret is shown once. */
  async create(ctx: ActionContext, opts: { name: string; userId?: string; ttlMs?: number | null } & TokenLimits): Promise<{ id: string; token: string; expiresAt: number | null }> {
    authorize(ctx, 'token.manage');
    const userId = opts.userId ?? ctx.principal?.userId;
    if (!userId) throw new ValidationError('userId is required when no user is logged in');
    if (ctx.principal && userId !== ctx.principal.userId) authorize(ctx, 'user.write');
    const now = this.clock.now();
    const id = randomBytes(9).toString('base64url').replace(/[-_]/g, 'x').slice(0, 12);
    const secret = randomBytes(32).toString('base64url');
    const expiresAt = opts.ttlMs ? now + opts.ttlMs : null;
    const permissions = opts.permissions ? [...new Set(opts.permissions)].sort() : null;
    await this.store.transaction(async (tx) => {
      const owner = await new UserRepository(tx).byId(userId);
      if (!owner) throw new NotFoundError('user', userId);
      if (permissions) {
        const ownerHolds = effectivePermissions(await this.principalFor(tx, owner, 'token', now));
        // A token made with a token cannot exceed the token it was made with.
        const callerHolds = ctx.principal && ctx.principal.userId === userId ? effectivePermissions(ctx.principal) : ownerHolds;
        const outside = permissions.filter((p) => !ownerHolds.has(p) || !callerHolds.has(p));
        if (outside.length > 0) throw new ValidationError(`The token cannot carry permissions its owner does not hold: ${outside.join(', ')}`, { field: 'permissions', outside });
      }
      if (!permissions && ctx.principal?.permissionLimit && ctx.principal.userId === userId) {
        throw new ValidationError('A scoped token can only make tokens with an explicit permission list', { field: 'permissions' });
      }
      await new CredentialRepository(tx).insertToken({
        id, userId, name: opts.name, tokenHash: sha256(secret), createdAt: now, expiresAt, lastUsedAt: null, revokedAt: null,
        permissions, organisations: opts.organisations ?? null, districts: opts.districts ?? null,
      });
      await this.audit.record(tx, ctx, { action: 'token.create', targetType: 'api_token', targetId: id, details: { userId, name: opts.name, expiresAt, permissions, organisations: opts.organisations ?? null, districts: opts.districts ?? null } });
    });
    return { id, token: `svt_${id}_${secret}`, expiresAt };
  }

  async list(ctx: ActionContext): Promise<TokenView[]> {
    authorize(ctx, 'token.manage');
    if (!ctx.principal) return [];
    return (await new CredentialRepository(this.store.db).tokensOf(ctx.principal.userId)).map(({ tokenHash: _h, userId: _u, ...t }) => t);
  }

  async revoke(ctx: ActionContext, id: string): Promise<void> {
    authorize(ctx, 'token.manage');
    await this.store.transaction(async (tx) => {
      const repo = new CredentialRepository(tx);
      const t = await repo.token(id);
      if (!t || (ctx.principal && t.userId !== ctx.principal.userId && !ctx.principal.grants.some((g) => g.role === 'administrator'))) throw new NotFoundError('api token', id);
      await repo.revokeToken(id, this.clock.now());
      await this.audit.record(tx, ctx, { action: 'token.revoke', targetType: 'api_token', targetId: id });
    });
  }
}
