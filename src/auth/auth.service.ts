import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { GroupMapping } from '../config/security.schema';
import type { ActionContext, AuditAppender } from '../core/context';
import { AuthenticationError, NotFoundError, ValidationError } from '../core/errors';
import type { Clock } from '../core/time';
import type { Db, Store } from '../store/store';
import { CredentialRepository } from './credential.repository';
import { authorize } from './guard';
import { grantsFromGroups, usernameFrom, type ExternalIdentity } from './external';
import { afterFailure, isLocked, PhantomLockouts, type LockoutPolicy } from './lockout';
import { checkPasswordPolicy, hashPassword, verifyPassword } from './passwords';
import type { Permission, Principal, Role } from './permissions';
import { TokenService, type TokenView } from './tokens';
import type { TotpService } from './totp.service';
import { UserRepository, type UserRow } from './user.repository';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
/** Verified against when the user does not exist, so timing does not reveal user names. */
let dummyHash: Promise<string> | undefined;
/** Stored as the password hash of single sign-on users: no password ever matches it. */
const NO_PASSWORD = '!sso';

export interface LoginResult {
  principal: Principal;
  sessionToken: string;
  expiresAt: number;
  passwordExpiresAt: number | null;
}

/** An LDAP directory (src/auth/ldap.ts) as the login sees it. */
export interface Directory {
  authenticate(username: string, password: string): Promise<ExternalIdentity | null>;
  readonly mappings: GroupMapping[];
}

export interface AuthOptions {
  /** Absolute session lifetime. */
  sessionTtlMs: number;
  /** A session unused this long ends (default: the absolute lifetime). */
  idleTimeoutMs?: number;
  lockout?: LockoutPolicy;
  /** Local users with one of these roles must enrol TOTP before they can do anything else. */
  totpRequiredRoles?: readonly Role[];
  totp?: TotpService;
  directory?: Directory;
}

type Meta = { ip: string | null; userAgent: string | null; code?: string };

/** Log in and out (password, TOTP, LDAP, single sign-on), sessions with idle and absolute expiry, lockout. */
export class AuthService {
  private readonly lockout: LockoutPolicy;
  private readonly tokens: TokenService;
  private readonly phantoms: PhantomLockouts;

  constructor(
    private readonly store: Store,
    private readonly audit: AuditAppender,
    private readonly clock: Clock,
    private readonly opts: AuthOptions,
  ) {
    this.lockout = opts.lockout ?? { maxFailures: 5, baseLockMs: 60_000, maxLockMs: 3_600_000 };
    this.phantoms = new PhantomLockouts(this.lockout);
    this.tokens = new TokenService(store, audit, clock, (db, user, via, now) => this.principalFor(db, user, via, now));
  }

  /** The principal behind an API token `svt_<id>_<secret>`, or null (src/auth/tokens.ts). */
  fromToken(token: string): Promise<Principal | null> {
    return this.tokens.fromToken(token);
  }

  createToken(ctx: ActionContext, opts: Parameters<TokenService['create']>[1]): ReturnType<TokenService['create']> {
    return this.tokens.create(ctx, opts);
  }

  listTokens(ctx: ActionContext): Promise<TokenView[]> {
    return this.tokens.list(ctx);
  }

  revokeToken(ctx: ActionContext, id: string): Promise<void> {
    return this.tokens.revoke(ctx, id);
  }

  async login(username: string, password: string, meta: Meta): Promise<LoginResult> {
    const now = this.clock.now();
    const user = await new UserRepository(this.store.db).byUsername(username);
    if (this.opts.directory && (!user || user.authSource === 'ldap')) return this.loginLdap(username, password, user, meta);
    const lockedUntil = user ? (isLocked(user.lockedUntil, now) ? user.lockedUntil : null) : this.phantoms.lockedUntil(username, now);
    if (lockedUntil !== null) {
      await this.denied(username, meta, 'locked');
      throw this.lockedError(lockedUntil);
    }
    const local = user?.authSource === 'local';
    const ok = user && local ? await verifyPassword(user.passwordHash, password) : (await verifyPassword(await (dummyHash ??= hashPassword(randomUUID())), password), false);
    if (!user || !ok) {
      if (user) await this.failure(user, meta, 'bad_password');
      else {
        this.phantoms.fail(username, now);
        await this.denied(username, meta, 'unknown_user');
      }
      throw new AuthenticationError(user && !local ? 'This account signs in through single sign-on' : 'Wrong user name or password', 'invalid_credentials');
    }
    if (user.disabled || (user.passwordExpiresAt !== null && user.passwordExpiresAt <= now)) {
      await this.denied(username, meta, user.disabled ? 'disabled' : 'password_expired');
      if (user.disabled) throw new AuthenticationError('Wrong user name or password', 'invalid_credentials');
      throw new AuthenticationError('This password has expired. An administrator can set a new one with: smartview users passwd <username>', 'password_expired');
    }
    const second = this.opts.totp ? await this.opts.totp.check(user.id, meta.code ?? '') : 'none';
    if (second !== 'none' && !meta.code) {
      await this.denied(username, meta, 'totp_required');
      throw new AuthenticationError('Enter the 6-digit code from your authenticator app (or a recovery code)', 'totp_required');
    }
    if (second === 'bad') {
      await this.failure(user, meta, 'bad_totp');
      throw new AuthenticationError('That code is not right: enter the current 6-digit code (or a recovery code)', 'totp_invalid');
    }
    return this.startSession(user, meta, { via: second === 'ok' ? 'password+totp' : 'password' });
  }

  /** Signs in a person an identity provider vouched for: the user is created or updated and its grants replaced from its groups. */
  async signInExternal(identity: ExternalIdentity, mappings: GroupMapping[], meta: Meta): Promise<LoginResult> {
    const now = this.clock.now();
    const grants = grantsFromGroups(identity.groups, mappings);
    const user = await this.store.transaction(async (tx) => {
      const users = new UserRepository(tx);
      let u = await users.byExternal(identity.source, identity.externalId);
      if (!u) {
        const base = usernameFrom(identity.username);
        let name = base;
        for (let i = 2; await users.byUsername(name); i++) name = `${base}-${i}`;
        await users.insert({ id: randomUUID(), username: name, displayName: identity.displayName, passwordHash: NO_PASSWORD, passwordExpiresAt: null, disabled: false, createdAt: now, updatedAt: now, lastLoginAt: null, authSource: identity.source, externalId: identity.externalId });
        u = (await users.byUsername(name))!;
        await this.audit.record(tx, { principal: null, ip: meta.ip }, { action: 'user.create', targetType: 'user', targetId: u.id, details: { username: name, source: identity.source } });
      } else if (u.displayName !== identity.displayName) await users.setDisplayName(u.id, identity.displayName, now);
      await users.replaceGrants(u.id, grants, now);
      await this.audit.record(tx, { principal: null, ip: meta.ip }, { action: 'user.grants', targetType: 'user', targetId: u.id, details: { source: identity.source, groups: identity.groups.slice(0, 50), grants } });
      return u;
    });
    if (user.disabled) {
      await this.denied(user.username, meta, 'disabled');
      throw new AuthenticationError('This account is disabled', 'invalid_credentials');
    }
    if (grants.length === 0) {
      await this.denied(user.username, meta, 'no_mapped_group');
      throw new AuthenticationError('Signed in, but none of your groups gives a SmartView role: ask an administrator to map one of your groups', 'no_role');
    }
    return this.startSession(user, meta, { via: identity.source });
  }

  async logout(ctx: ActionContext, sessionToken: string): Promise<void> {
    await this.store.transaction(async (tx) => {
      await new CredentialRepository(tx).deleteSession(sha256(sessionToken));
      await this.audit.record(tx, ctx, { action: 'auth.logout', targetType: 'user', targetId: ctx.principal?.userId });
    });
  }

  /** The principal behind a session cookie, or null when it is unknown, idle too long or past its absolute end. */
  async fromSession(sessionToken: string): Promise<Principal | null> {
    const now = this.clock.now();
    const creds = new CredentialRepository(this.store.db);
    const id = sha256(sessionToken);
    const s = await creds.session(id);
    if (!s) return null;
    const lastSeen = s.lastSeenAt ?? s.createdAt;
    const idle = this.opts.idleTimeoutMs ?? this.opts.sessionTtlMs;
    if (s.expiresAt <= now || now - lastSeen >= idle) {
      await creds.deleteSession(id);
      return null;
    }
    const user = await new UserRepository(this.store.db).byId(s.userId);
    if (!user || user.disabled) return null;
    if (now - lastSeen > Math.min(60_000, idle / 10)) await creds.touchSession(id, now);
    return this.principalFor(this.store.db, user, 'session', now);
  }

  /** Administrators clear a lock (and the failure count). */
  async unlock(ctx: ActionContext, userId: string): Promise<void> {
    authorize(ctx, 'user.write');
    await this.store.transaction(async (tx) => {
      const users = new UserRepository(tx);
      const u = await users.byId(userId);
      if (!u) throw new NotFoundError('user', userId);
      await users.setLoginFailures(userId, 0, null);
      await this.audit.record(tx, ctx, { action: 'auth.unlock', targetType: 'user', targetId: userId, details: { failures: u.failedLogins, lockedUntil: u.lockedUntil } });
    });
  }

  /** Changes the caller's password and ends their other sessions (the one making the change stays). */
  async changePassword(ctx: ActionContext, current: string, next: string, keepSessionToken?: string): Promise<void> {
    if (!ctx.principal) throw new AuthenticationError();
    const users = new UserRepository(this.store.db);
    const user = await users.byId(ctx.principal.userId);
    if (user?.authSource !== 'local') throw new ValidationError('Your password is managed by your organisation\'s single sign-on');
    if (!(await verifyPassword(user.passwordHash, current))) throw new ValidationError('The current password is wrong', { field: 'currentPassword' });
    checkPasswordPolicy(next, user.username);
    const hashed = await hashPassword(next);
    await this.store.transaction(async (tx) => {
      await new UserRepository(tx).setPassword(user.id, hashed, null, this.clock.now());
      await new CredentialRepository(tx).deleteSessionsOf(user.id, keepSessionToken ? sha256(keepSessionToken) : undefined);
      await this.audit.record(tx, ctx, { action: 'auth.password_change', targetType: 'user', targetId: user.id });
    });
  }

  /** Grants of the user now; a session of a local user who must enrol TOTP and has not is limited to their account. */
  async principalFor(db: Db, user: UserRow, via: 'session' | 'token', now: number): Promise<Principal> {
    const grants = await new UserRepository(db).grants(user.id, now);
    const p: Principal = { userId: user.id, username: user.username, displayName: user.displayName, grants, via };
    if (via === 'session' && (await this.mustEnrolTotp(db, user, grants.map((g) => g.role)))) p.permissionLimit = ['site.read'] satisfies Permission[];
    return p;
  }

  async mustEnrolTotp(db: Db, user: UserRow, roles: Role[]): Promise<boolean> {
    const required = this.opts.totpRequiredRoles ?? [];
    if (user.authSource !== 'local' || !this.opts.totp || !roles.some((r) => required.includes(r))) return false;
    return !(await this.opts.totp.isEnrolled(db, user.id));
  }

  private async loginLdap(username: string, password: string, user: UserRow | undefined, meta: Meta): Promise<LoginResult> {
    if (user && isLocked(user.lockedUntil, this.clock.now())) {
      await this.denied(username, meta, 'locked');
      throw this.lockedError(user.lockedUntil!);
    }
    const identity = await this.opts.directory!.authenticate(username, password);
    if (!identity) {
      if (user) await this.failure(user, meta, 'bad_password');
      else await this.denied(username, meta, 'ldap_refused');
      throw new AuthenticationError('Wrong user name or password', 'invalid_credentials');
    }
    return this.signInExternal(identity, this.opts.directory!.mappings, meta);
  }

  private async startSession(user: UserRow, meta: Meta, details: Record<string, unknown>): Promise<LoginResult> {
    const now = this.clock.now();
    const token = randomBytes(32).toString('base64url');
    const expiresAt = now + this.opts.sessionTtlMs;
    const principal = await this.principalFor(this.store.db, user, 'session', now);
    await this.store.transaction(async (tx) => {
      await new CredentialRepository(tx).insertSession({ id: sha256(token), userId: user.id, createdAt: now, expiresAt, lastSeenAt: now, ip: meta.ip, userAgent: meta.userAgent?.slice(0, 300) ?? null });
      const users = new UserRepository(tx);
      await users.touchLogin(user.id, now);
      if (user.failedLogins > 0 || user.lockedUntil !== null) await users.setLoginFailures(user.id, 0, null);
      await this.audit.record(tx, { principal, ip: meta.ip }, { action: 'auth.login', targetType: 'user', targetId: user.id, details });
    });
    return { principal, sessionToken: token, expiresAt, passwordExpiresAt: user.passwordExpiresAt };
  }

  /** One more failure of an existing account: counted, perhaps locked; both audited. */
  private async failure(user: UserRow, meta: Meta, reason: string): Promise<void> {
    const now = this.clock.now();
    const next = afterFailure(user.failedLogins, now, this.lockout);
    await this.store.transaction(async (tx) => {
      await new UserRepository(tx).setLoginFailures(user.id, next.failures, next.lockedUntil);
      await this.audit.record(tx, { principal: null, ip: meta.ip }, { action: 'auth.login', targetType: 'user', targetId: user.username.slice(0, 100), outcome: 'denied', details: { reason, failures: next.failures } });
      if (next.lockedUntil !== null) {
        await this.audit.record(tx, { principal: null, ip: meta.ip }, { action: 'auth.lockout', targetType: 'user', targetId: user.id, outcome: 'denied', details: { failures: next.failures, lockedUntil: next.lockedUntil } });
      }
    });
  }

  private async denied(username: string, meta: Meta, reason: string): Promise<void> {
    await this.store.transaction((tx) =>
      this.audit.record(tx, { principal: null, ip: meta.ip }, { action: 'auth.login', targetType: 'user', targetId: username.slice(0, 100), outcome: 'denied', details: { reason } }),
    );
  }

  private lockedError(until: number): AuthenticationError {
    const minutes = Math.max(1, Math.ceil((until - this.clock.now()) / 60_000));
    return new AuthenticationError(`Too many failed sign-ins: this account is locked for ${minutes} more minute(s). An administrator can unlock it sooner.`, 'account_locked');
  }
}
