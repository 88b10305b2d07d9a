/**
 * Account lockout: after `maxFailures` consecutive failed sign-ins an account is locked for
 * `baseLockMs`, and every further failure doubles the lock (capped at `maxLockMs`). A successful
 * sign-in or an administrator's unlock resets the counter. While locked, passwords are not even
 * checked, so guessing during the lock learns nothing. Pure: the service stores the counter.
 */
export interface LockoutPolicy {
  maxFailures: number;
  baseLockMs: number;
  maxLockMs: number;
}

/** How long the account is locked after its `failures`-th consecutive failure (0 = not locked). */
export function lockDurationMs(failures: number, p: LockoutPolicy): number {
  if (failures < p.maxFailures) return 0;
  const doublings = Math.min(failures - p.maxFailures, 30);
  return Math.min(p.maxLockMs, p.baseLockMs * 2 ** doublings);
}

/** The new state after one more failure at `now`. */
export function afterFailure(failures: number, now: number, p: LockoutPolicy): { failures: number; lockedUntil: number | null } {
  const n = failures + 1;
  const d = lockDurationMs(n, p);
  return { failures: n, lockedUntil: d > 0 ? now + d : null };
}

export function isLocked(lockedUntil: number | null, now: number): boolean {
  return lockedUntil !== null && lockedUntil > now;
}

/**
 * Failure counters for user names that do not exist, kept in memory (at most `cap`, oldest dropped),
 * so an unknown name locks exactly like a real account and the answer does not reveal which names
 * exist. Per process: with several API nodes an unknown name locks a little later.
 */
export class PhantomLockouts {
  private readonly entries = new Map<string, { failures: number; lockedUntil: number | null }>();

  constructor(private readonly policy: LockoutPolicy, private readonly cap = 10_000) {}

  lockedUntil(username: string, now: number): number | null {
    const e = this.entries.get(username.toLowerCase());
    return e && isLocked(e.lockedUntil, now) ? e.lockedUntil : null;
  }

  fail(username: string, now: number): void {
    const key = username.toLowerCase();
    const prev = this.entries.get(key);
    this.entries.delete(key);
    this.entries.set(key, afterFailure(prev?.failures ?? 0, now, this.policy));
    if (this.entries.size > this.cap) this.entries.delete(this.entries.keys().next().value!);
  }
}
