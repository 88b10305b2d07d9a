import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { afterFailure, isLocked, lockDurationMs } from './lockout';

const P = { maxFailures: 5, baseLockMs: 60_000, maxLockMs: 3_600_000 };

describe('lockout timing', () => {
  it('locks at the fifth failure and doubles the lock with each further one, capped', () => {
    assert.deepEqual([1, 2, 3, 4].map((n) => lockDurationMs(n, P)), [0, 0, 0, 0]);
    assert.deepEqual([5, 6, 7, 8, 9, 10, 11].map((n) => lockDurationMs(n, P)), [60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000, 3_600_000]);
    assert.equal(lockDurationMs(1000, P), 3_600_000);
  });

  it('walks a sequence of failures in time: locked, then free again after the lock', () => {
    let state = { failures: 0, lockedUntil: null as number | null };
    const t0 = 1_000_000;
    for (let i = 0; i < 4; i++) state = afterFailure(state.failures, t0 + i, P);
    assert.equal(state.lockedUntil, null);
    state = afterFailure(state.failures, t0 + 10, P);
    assert.equal(state.lockedUntil, t0 + 10 + 60_000);
    assert.ok(isLocked(state.lockedUntil, t0 + 10 + 59_999));
    assert.ok(!isLocked(state.lockedUntil, t0 + 10 + 60_000));
    state = afterFailure(state.failures, t0 + 70_000, P);
    assert.equal(state.lockedUntil, t0 + 70_000 + 120_000);
  });
});
