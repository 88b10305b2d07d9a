import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Clock } from '../core/time';
import { MemoryBus } from './memory';
import { tick, waitFor } from './testing';

/** Memory-engine behaviour beyond the shared contract: bounded queues, dedupe window, non-blocking publish. */

/** A promise the test resolves when it wants. */
function gate(): { wait: Promise<void>; open(): void } {
  let open = (): void => undefined;
  const wait = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { wait, open };
}

describe('MemoryBus', () => {
  test('a slow subscriber neither blocks the publisher nor grows its queue without bound', { timeout: 3000 }, async () => {
    const bus = new MemoryBus({ ephemeralQueue: 3 });
    const g = gate();
    const got: number[] = [];
    await bus.subscribe<number>('q.*', async (m) => {
      got.push(m.data);
      await g.wait;
    });
    await bus.publish('q.x', 1);
    await waitFor(() => got.length === 1, 'the first message in the handler');
    for (let i = 2; i <= 10; i++) await bus.publish('q.x', i); // resolves although the handler is stuck
    g.open();
    await waitFor(() => got.length === 4, 'the queued messages');
    await tick(20);
    assert.deepEqual(got, [1, 8, 9, 10], 'the oldest queued messages were dropped');
    await bus.close();
  });

  test('a durable backlog is bounded and keeps the newest messages', { timeout: 3000 }, async () => {
    const bus = new MemoryBus({ durableBacklog: 3 });
    const sub = await bus.subscribe('b.*', () => undefined, { durable: 'slowpoke' });
    await sub.unsubscribe();
    for (let i = 1; i <= 5; i++) await bus.publish('b.x', i);
    const got: number[] = [];
    await bus.subscribe<number>('b.*', (m) => void got.push(m.data), { durable: 'slowpoke' });
    await waitFor(() => got.length === 3, 'the backlog');
    await tick(20);
    assert.deepEqual(got, [3, 4, 5]);
    await bus.close();
  });

  test('forgets ids after the dedupe window or beyond the id limit', { timeout: 3000 }, async () => {
    let now = 1_000_000;
    const clock: Clock = { now: () => now };
    const bus = new MemoryBus({ clock, dedupeWindowMs: 1000, dedupeMaxIds: 2 });
    const got: string[] = [];
    await bus.subscribe<string>('d.*', (m) => void got.push(m.data));
    await bus.publish('d.x', 'a1', { id: 'a' });
    await bus.publish('d.x', 'a2', { id: 'a' }); // duplicate
    now += 1001;
    await bus.publish('d.x', 'a3', { id: 'a' }); // window passed
    await bus.publish('d.x', 'b', { id: 'b' });
    await bus.publish('d.x', 'c', { id: 'c' }); // 'a' is evicted: only 2 ids are kept
    await bus.publish('d.x', 'a4', { id: 'a' });
    await bus.publish('d.x', 'c2', { id: 'c' }); // still remembered
    await waitFor(() => got.length === 5, 'five messages');
    await tick(20);
    assert.deepEqual(got, ['a1', 'a3', 'b', 'c', 'a4']);
    await bus.close();
  });

  test('a durable subscriber that leaves during a retry hands the message to the next one', { timeout: 3000 }, async () => {
    const bus = new MemoryBus({ retryBaseMs: 200 });
    let failed = 0;
    const sub = await bus.subscribe('r.*', () => {
      failed++;
      throw new Error('fails');
    }, { durable: 'handover' });
    await bus.publish('r.x', 'job');
    await waitFor(() => failed === 1, 'the failed attempt');
    await sub.unsubscribe(); // during the back-off
    const got: string[] = [];
    await bus.subscribe<string>('r.*', (m) => void got.push(m.data), { durable: 'handover' });
    await waitFor(() => got.length === 1, 'the handed-over message');
    assert.deepEqual(got, ['job']);
    assert.equal(failed, 1);
    await bus.close();
  });

  test('subscribers get their own copy of JSON data', { timeout: 3000 }, async () => {
    const bus = new MemoryBus();
    const seen: unknown[] = [];
    await bus.subscribe<{ list: number[]; at?: unknown }>('c.*', (m) => {
      m.data.list.push(99);
      seen.push(m.data);
    });
    await bus.subscribe('c.*', (m) => void seen.push(m.data));
    const data = { list: [1], at: new Date(0) };
    await bus.publish('c.x', data);
    await waitFor(() => seen.length === 2, 'both subscribers');
    assert.deepEqual(data.list, [1], 'the publisher object is untouched');
    assert.deepEqual(
      seen.find((d) => (d as { list: number[] }).list.length === 1),
      { list: [1], at: '1970-01-01T00:00:00.000Z' },
      'the other subscriber is unaffected, and data has JSON semantics, as on NATS',
    );
    await bus.close();
  });
});
