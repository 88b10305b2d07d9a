import { createHash } from 'node:crypto';
import type { ActionContext, AuditAppender } from '../core/context';
import { AuthenticationError, ConflictError, NotFoundError, ValidationError } from '../core/errors';
import type { Clock } from '../core/time';
import type { SecretBox } from '../keys/secret-box';
import type { Db, Store } from '../store/store';
import { authorize } from './guard';
import { verifyPassword } from './passwords';
import { SecurityRepository } from './security.repository';
import { base32Decode, base32Encode, newRecoveryCode, newTotpSecret, otpauthUri, verifyTotp } from './totp';
import { UserRepository } from './user.repository';

export interface TotpStatus {
  enrolled: boolean;
  pending: boolean;
  recoveryCodesLeft: number;
}

const recoveryHash = (userId: string, code: string) => createHash('sha256').update(`${userId}:${code.trim().toLowerCase()}`).digest('hex');

/**
 * TOTP second factor of local accounts: enrol (secret sealed with the SecretBox key, which is kept
 * outside the database), confirm with a first code (then single-use recovery codes are issued, stored
 * hashed), check at sign-in (a code is never accepted twice), disable with password and code.
 * Every change is audited.
 */
export class TotpService {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditAppender,
    private readonly clock: Clock,
    private readonly secrets: SecretBox,
    private readonly opts: { issuer: string; recoveryCodes: number },
  ) {}

  async status(userId: string): Promise<TotpStatus> {
    const repo = new SecurityRepository(this.store.db);
    const t = await repo.totp(userId);
    return { enrolled: !!t?.confirmedAt, pending: !!t && !t.confirmedAt, recoveryCodesLeft: t?.confirmedAt ? await repo.unusedRecoveryCodes(userId) : 0 };
  }

  async isEnrolled(db: Db, userId: string): Promise<boolean> {
    return !!(await new SecurityRepository(db).totp(userId))?.confirmedAt;
  }

  /** Starts enrolment: a fresh secret, shown once as base32 and as an otpauth:// URI. */
  async begin(ctx: ActionContext): Promise<{ secret: string; uri: string }> {
    const user = await this.localUser(ctx);
    const secret = newTotpSecret();
    const b32 = base32Encode(secret);
    await this.store.transaction(async (tx) => {
      const repo = new SecurityRepository(tx);
      if ((await repo.totp(user.id))?.confirmedAt) throw new ConflictError('totp_enrolled', 'A second factor is already set up; disable it first (with your password and a code)');
      await repo.putTotp(user.id, this.secrets.seal(b32), this.clock.now());
      await this.audit.record(tx, ctx, { action: 'auth.totp_enrol', targetType: 'user', targetId: user.id });
    });
    return { secret: b32, uri: otpauthUri(b32, user.username, this.opts.issuer) };
  }

  /** Confirms enrolment with a code from the app; returns the recovery codes (shown once). */
  async confirm(ctx: ActionContext, code: string): Promise<{ recoveryCodes: string[] }> {
    const user = await this.localUser(ctx);
    const now = this.clock.now();
    const codes = Array.from({ length: this.opts.recoveryCodes }, newRecoveryCode);
    await this.store.transaction(async (tx) => {
      const repo = new SecurityRepository(tx);
      const t = await repo.totp(user.id);
      if (!t || t.confirmedAt) throw new ConflictError('totp_not_pending', 'Start the set-up first (POST /api/account/totp)');
      const step = verifyTotp(base32Decode(this.secrets.open(t.secretSealed)), code.trim(), now, null);
      if (step === null) throw new ValidationError('That code is not right: check the clock of your phone and enter the current 6-digit code', { field: 'code' });
      await repo.confirmTotp(user.id, step, now);
      await repo.replaceRecoveryCodes(user.id, codes.map((c) => recoveryHash(user.id, c)), now);
      await this.audit.record(tx, ctx, { action: 'auth.totp_enabled', targetType: 'user', targetId: user.id, details: { recoveryCodes: codes.length } });
    });
    return { recoveryCodes: codes };
  }

  /** Turns the second factor off: needs the password and a current code (or a recovery code). */
  async disable(ctx: ActionContext, password: string, code: string): Promise<void> {
    const user = await this.localUser(ctx);
    if (!(await verifyPassword(user.passwordHash, password))) throw new ValidationError('The password is wrong', { field: 'password' });
    if ((await this.check(user.id, code)) !== 'ok') throw new ValidationError('That code is not right', { field: 'code' });
    await this.store.transaction(async (tx) => {
      await new SecurityRepository(tx).deleteTotp(user.id);
      await this.audit.record(tx, ctx, { action: 'auth.totp_disabled', targetType: 'user', targetId: user.id });
    });
  }

  /** An administrator removes a user's second factor (lost phone); the user must enrol again. */
  async reset(ctx: ActionContext, userId: string): Promise<void> {
    authorize(ctx, 'user.write');
    await this.store.transaction(async (tx) => {
      if (!(await new UserRepository(tx).byId(userId))) throw new NotFoundError('user', userId);
      await new SecurityRepository(tx).deleteTotp(userId);
      await this.audit.record(tx, ctx, { action: 'auth.totp_reset', targetType: 'user', targetId: userId });
    });
  }

  /**
   * Checks a sign-in code: a TOTP code (each time step accepted once) or an unused recovery code.
   * 'none' when the user has no confirmed second factor.
   */
  async check(userId: string, code: string): Promise<'ok' | 'bad' | 'none'> {
    const repo = new SecurityRepository(this.store.db);
    const t = await repo.totp(userId);
    if (!t?.confirmedAt) return 'none';
    const c = code.trim();
    if (/^\d{6}$/.test(c)) {
      const step = verifyTotp(base32Decode(this.secrets.open(t.secretSealed)), c, this.clock.now(), t.lastStep);
      return step !== null && (await repo.useTotpStep(userId, step)) ? 'ok' : 'bad';
    }
    return (await repo.useRecoveryCode(userId, recoveryHash(userId, c), this.clock.now())) ? 'ok' : 'bad';
  }

  private async localUser(ctx: ActionContext) {
    if (!ctx.principal) throw new AuthenticationError();
    if (ctx.principal.via !== 'session') throw new ValidationError('Set up the second factor from a signed-in web session, not with an API token');
    const user = await new UserRepository(this.store.db).byId(ctx.principal.userId);
    if (!user) throw new NotFoundError('user', ctx.principal.userId);
    if (user.authSource !== 'local') throw new ValidationError('Your account signs in through single sign-on; its second factor is managed there');
    return user;
  }
}
