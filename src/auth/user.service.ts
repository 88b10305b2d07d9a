import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { ActionContext, AuditAppender } from '../core/context';
import { ConflictError, NotFoundError } from '../core/errors';
import type { Clock } from '../core/time';
import type { Store } from '../store/store';
import { CredentialRepository } from './credential.repository';
import { authorize } from './guard';
import { checkPasswordPolicy, generatePassword, hashPassword } from './passwords';
import { ROLES, type Grant } from './permissions';
import { UserRepository } from './user.repository';

export const grantSchema = z.strictObject({
  role: z.enum(ROLES),
  organisations: z.array(z.string().min(1).max(64)).nullable().default(null).describe('null = every organisation'),
  districts: z.array(z.string().min(1).max(100)).nullable().default(null).describe('null = every district'),
  expiresAt: z.number().int().nullable().optional().describe('UTC ms after which the grant no longer applies'),
});

export const userInputSchema = z.strictObject({
  username: z.string().regex(/^[a-z0-9][a-z0-9._-]{1,63}$/, 'lower-case letters, digits, dot, dash and underscore, 2–64 characters'),
  displayName: z.string().trim().min(1).max(200).optional(),
  password: z.string().min(1).max(256),
  grants: z.array(grantSchema).min(1, 'give the user at least one grant').max(50),
});
export type UserInput = z.output<typeof userInputSchema>;

export interface UserView {
  id: string;
  username: string;
  displayName: string;
  disabled: boolean;
  grants: Grant[];
  createdAt: number;
  lastLoginAt: number | null;
}

/** User administration. */
export class UserService {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditAppender,
    private readonly clock: Clock,
  ) {}

  async create(ctx: ActionContext, input: UserInput, opts: { passwordExpiresAt?: number | null } = {}): Promise<UserView> {
    authorize(ctx, 'user.write');
    checkPasswordPolicy(input.password, input.username);
    const now = this.clock.now();
    const id = randomUUID();
    const passwordHash = await hashPassword(input.password);
    await this.store.transaction(async (tx) => {
      const users = new UserRepository(tx);
      if (await users.byUsername(input.username)) throw new ConflictError('user_exists', `A user named '${input.username}' already exists`);
      await users.insert({ id, username: input.username, displayName: input.displayName ?? input.username, passwordHash, passwordExpiresAt: opts.passwordExpiresAt ?? null, disabled: false, createdAt: now, updatedAt: now, lastLoginAt: null });
      await users.replaceGrants(id, input.grants, now);
      await this.audit.record(tx, ctx, { action: 'user.create', targetType: 'user', targetId: id, details: { username: input.username, grants: input.grants } });
    });
    return this.get(ctx, id);
  }

  async get(ctx: ActionContext, id: string): Promise<UserView> {
    authorize(ctx, 'user.read');
    const users = new UserRepository(this.store.db);
    const u = await users.byId(id);
    if (!u) throw new NotFoundError('user', id);
    return { id: u.id, username: u.username, displayName: u.displayName, disabled: u.disabled, grants: await users.grants(u.id, this.clock.now()), createdAt: u.createdAt, lastLoginAt: u.lastLoginAt };
  }

  async list(ctx: ActionContext): Promise<UserView[]> {
    authorize(ctx, 'user.read');
    const users = new UserRepository(this.store.db);
    const now = this.clock.now();
    return Promise.all(
      (await users.list()).map(async (u) => ({ id: u.id, username: u.username, displayName: u.displayName, disabled: u.disabled, grants: await users.grants(u.id, now), createdAt: u.createdAt, lastLoginAt: u.lastLoginAt })),
    );
  }

  async setGrants(ctx: ActionContext, id: string, grants: Grant[]): Promise<UserView> {
    authorize(ctx, 'user.write');
    await this.store.transaction(async (tx) => {
      const users = new UserRepository(tx);
      if (!(await users.byId(id))) throw new NotFoundError('user', id);
      await users.replaceGrants(id, grants, this.clock.now());
      await this.audit.record(tx, ctx, { action: 'user.grants', targetType: 'user', targetId: id, details: { grants } });
    });
    return this.get(ctx, id);
  }

  async setDisabled(ctx: ActionContext, id: string, disabled: boolean): Promise<UserView> {
    authorize(ctx, 'user.write');
    await this.store.transaction(async (tx) => {
      const users = new UserRepository(tx);
      if (!(await users.byId(id))) throw new NotFoundError('user', id);
      await users.setDisabled(id, disabled, this.clock.now());
      if (disabled) await new CredentialRepository(tx).deleteSessionsOf(id);
      await this.audit.record(tx, ctx, { action: disabled ? 'user.disable' : 'user.enable', targetType: 'user', targetId: id });
    });
    return this.get(ctx, id);
  }

  /** Sets a new password (administrators; the CLI on the local store). */
  async setPassword(ctx: ActionContext, username: string, password: string, expiresAt: number | null = null): Promise<void> {
    authorize(ctx, 'user.write');
    checkPasswordPolicy(password, username);
    const hashed = await hashPassword(password);
    await this.store.transaction(async (tx) => {
      const users = new UserRepository(tx);
      const u = await users.byUsername(username);
      if (!u) throw new NotFoundError('user', username);
      await users.setPassword(u.id, hashed, expiresAt, this.clock.now());
      await new CredentialRepository(tx).deleteSessionsOf(u.id); // a reset password ends every session
      await this.audit.record(tx, ctx, { action: 'user.password_reset', targetType: 'user', targetId: u.id });
    });
  }

  /**
   * First start: when there is no user at all, creates `admin` with a generated password that
   * works for `ttlMs` only (no default password that works forever). Returns it to print once.
   */
  async ensureInitialAdmin(ttlMs: number, password = generatePassword()): Promise<{ username: string; password: string; expiresAt: number } | null> {
    if ((await new UserRepository(this.store.db).count()) > 0) return null;
    const expiresAt = this.clock.now() + ttlMs;
    await this.create({ principal: null, ip: null }, { username: 'admin', displayName: 'Administrator', password, grants: [{ role: 'administrator', organisations: null, districts: null }] }, { passwordExpiresAt: expiresAt });
    return { username: 'admin', password, expiresAt };
  }
}
