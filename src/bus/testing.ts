import { randomBytes } from 'node:crypto';
import assert from 'node:assert/strict';
import { connect } from 'nats';

/** Test helpers for the bus suites (not used by production code). */

export const NATS_URL = process.env.SMARTVIEW_NATS_URL ?? 'nats://127.0.0.1:4222';

/** For `describe(name, { skip: natsSkip() }, …)`: NATS tests run (and fail when NATS is down) unless SMARTVIEW_SKIP_NATS=1. */
export function natsSkip(): string | false {
  return process.env.SMARTVIEW_SKIP_NATS === '1' ? 'SMARTVIEW_SKIP_NATS=1: NATS tests skipped' : false;
}

/** A stream name and subject prefix nobody used before: CI reuses the NATS server between runs. */
export function uniqueNatsNames(): { stream: string; subjectPrefix: string } {
  const r = randomBytes(6).toString('hex');
  return { stream: `SVTEST_${r}`, subjectPrefix: `svt${r}` };
}

/** Delete a test stream (and its consumers) through a separate connection. */
export async function deleteStream(stream: string): Promise<void> {
  const nc = await connect({ servers: NATS_URL, timeout: 2000 });
  try {
    const jsm = await nc.jetstreamManager();
    await jsm.streams.delete(stream);
  } finally {
    await nc.close();
  }
}

export const tick = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Poll `cond` every few ms; fail the test with `what` if it is not true within `ms`. */
export async function waitFor(cond: () => boolean, what: string, ms = 3000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) assert.fail(`timed out after ${ms} ms waiting for ${what}`);
    await tick(5);
  }
}

/** Assert that `promise` rejects within `ms`; returns the error. */
export async function rejectsWithin(promise: Promise<unknown>, ms: number): Promise<unknown> {
  const TIMEOUT = Symbol('timeout');
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(TIMEOUT), ms);
  });
  try {
    await Promise.race([promise, timeout]);
  } catch (err) {
    if (err === TIMEOUT) assert.fail(`expected a rejection within ${ms} ms`);
    return err;
  } finally {
    clearTimeout(timer);
  }
  return assert.fail('expected a rejection, but it resolved');
}
