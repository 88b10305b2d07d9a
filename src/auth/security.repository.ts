import type { Db } from '../store/store';

export interface TotpRow {
  userId: string;
  secretSealed: string;
  createdAt: number;
  confirmedAt: number | null;
  lastStep: number | null;
}

export interface SsoStateRow {
  id: string;
  nonce: string;
  verifierSealed: string;
  returnTo: string | null;
  createdAt: number;
  expiresAt: number;
}

/** Second factors (TOTP secrets sealed, recovery codes hashed) and pending single sign-on logins. */
export class SecurityRepository {
  constructor(private readonly db: Db) {}

  async totp(userId: string): Promise<TotpRow | undefined> {
    const r = await this.db.selectFrom('user_totp').selectAll().where('user_id', '=', userId).executeTakeFirst();
    return r ? { userId: r.user_id, secretSealed: r.secret_sealed, createdAt: r.created_at, confirmedAt: r.confirmed_at, lastStep: r.last_step } : undefined;
  }

  /** A new, unconfirmed secret (replaces an earlier unconfirmed one). */
  async putTotp(userId: string, secretSealed: string, now: number): Promise<void> {
    await this.db.deleteFrom('user_totp').where('user_id', '=', userId).execute();
    await this.db.insertInto('user_totp').values({ user_id: userId, secret_sealed: secretSealed, created_at: now, confirmed_at: null, last_step: null }).execute();
  }

  async confirmTotp(userId: string, step: number, now: number): Promise<void> {
    await this.db.updateTable('user_totp').set({ confirmed_at: now, last_step: step }).where('user_id', '=', userId).execute();
  }

  /** Records the accepted step; false when another request used this or a later step first. */
  async useTotpStep(userId: string, step: number): Promise<boolean> {
    const r = await this.db
      .updateTable('user_totp')
      .set({ last_step: step })
      .where('user_id', '=', userId)
      .where((eb) => eb.or([eb('last_step', 'is', null), eb('last_step', '<', step)]))
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async deleteTotp(userId: string): Promise<void> {
    await this.db.deleteFrom('user_totp').where('user_id', '=', userId).execute();
    await this.db.deleteFrom('user_recovery_codes').where('user_id', '=', userId).execute();
  }

  async replaceRecoveryCodes(userId: string, codeHashes: string[], now: number): Promise<void> {
    await this.db.deleteFrom('user_recovery_codes').where('user_id', '=', userId).execute();
    if (codeHashes.length === 0) return;
    await this.db.insertInto('user_recovery_codes').values(codeHashes.map((h) => ({ code_hash: h, user_id: userId, created_at: now, used_at: null }))).execute();
  }

  /** Marks an unused recovery code used; false when there is none with this hash. */
  async useRecoveryCode(userId: string, codeHash: string, now: number): Promise<boolean> {
    const r = await this.db.updateTable('user_recovery_codes').set({ used_at: now }).where('code_hash', '=', codeHash).where('user_id', '=', userId).where('used_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async unusedRecoveryCodes(userId: string): Promise<number> {
    const r = await this.db.selectFrom('user_recovery_codes').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', userId).where('used_at', 'is', null).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async insertSsoState(s: SsoStateRow): Promise<void> {
    await this.db.deleteFrom('sso_states').where('expires_at', '<=', s.createdAt).execute();
    await this.db.insertInto('sso_states').values({ id: s.id, nonce: s.nonce, verifier_sealed: s.verifierSealed, return_to: s.returnTo, created_at: s.createdAt, expires_at: s.expiresAt }).execute();
  }

  /** Reads and deletes a pending login (single use). */
  async takeSsoState(id: string): Promise<SsoStateRow | undefined> {
    const r = await this.db.selectFrom('sso_states').selectAll().where('id', '=', id).executeTakeFirst();
    if (!r) return undefined;
    const d = await this.db.deleteFrom('sso_states').where('id', '=', id).executeTakeFirst();
    if (Number(d.numDeletedRows) !== 1) return undefined;
    return { id: r.id, nonce: r.nonce, verifierSealed: r.verifier_sealed, returnTo: r.return_to, createdAt: r.created_at, expiresAt: r.expires_at };
  }
}
