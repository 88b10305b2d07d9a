import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { OperationalError, ValidationError } from '../core/errors';
import { silentLogger } from '../core/logger';
import { subjectMatches, type BusMessage, type EventBus } from './bus';
import { MemoryBus } from './memory';
import { createNatsBus } from './nats';
import { NATS_URL, deleteStream, natsSkip, tick, uniqueNatsNames, waitFor } from './testing';

/** A fresh bus for one test, and how to clean up after it. */
type BusFactory = () => Promise<{ bus: EventBus; dispose(): Promise<void> }>;

/** The EventBus contract (see bus.ts). Every engine must pass the same suite. */
function busContract(engine: 'memory' | 'nats', factory: BusFactory, skip: string | false = false): void {
  describe(`EventBus contract: ${engine}`, { skip }, () => {
    const it = (name: string, fn: (bus: EventBus) => Promise<void>): void => {
      test(name, { timeout: 8000 }, async () => {
        const { bus, dispose } = await factory();
        try {
          assert.equal(bus.engine, engine);
          await fn(bus);
        } finally {
          await dispose();
        }
      });
    };
    /** Collects messages from a subscription. */
    const sink = <T = unknown>(): { msgs: BusMessage<T>[]; handler: (m: BusMessage<T>) => void; subjects(): string[]; data(): T[] } => {
      const msgs: BusMessage<T>[] = [];
      return { msgs, handler: (m) => void msgs.push(m), subjects: () => msgs.map((m) => m.subject), data: () => msgs.map((m) => m.data) };
    };

    it('delivers by exact subject and by * and > wildcards, without the wire prefix', async (bus) => {
      const [star, gt, exact, other] = [sink(), sink(), sink(), sink()];
      await bus.subscribe('cam.*', star.handler);
      await bus.subscribe('cam.>', gt.handler);
      await bus.subscribe('cam.created', exact.handler);
      await bus.subscribe('door.*', other.handler);
      const before = Date.now();
      await bus.publish('cam.created', { n: 1 }, { id: 'id-1' });
      await bus.publish('cam', { n: 2 });
      await bus.publish('cam.a.b', { n: 3 });
      await bus.publish('door.open', { n: 4 });
      await bus.publish('cam.end', { n: 5 });
      await waitFor(() => star.msgs.length === 2 && gt.msgs.length === 3 && other.msgs.length === 1 && exact.msgs.length === 1, 'deliveries');
      assert.deepEqual(star.subjects(), ['cam.created', 'cam.end']);
      assert.deepEqual(gt.subjects(), ['cam.created', 'cam.a.b', 'cam.end']);
      assert.deepEqual(exact.subjects(), ['cam.created']);
      assert.deepEqual(other.subjects(), ['door.open']);
      const first = exact.msgs[0]!;
      assert.deepEqual({ subject: first.subject, data: first.data, id: first.id }, { subject: 'cam.created', data: { n: 1 }, id: 'id-1' });
      assert.ok(first.publishedAt >= before && first.publishedAt <= Date.now(), `publishedAt ${first.publishedAt}`);
      assert.notEqual(gt.msgs[1]!.id, gt.msgs[2]!.id, 'generated ids are unique');
    });

    it('delivers to each subscription in publish order', async (bus) => {
      const s = sink<number>();
      await bus.subscribe('seq.n', s.handler);
      for (let i = 0; i < 30; i++) await bus.publish('seq.n', i);
      await Promise.all(Array.from({ length: 30 }, (_, i) => bus.publish('seq.n', 30 + i)));
      await waitFor(() => s.msgs.length === 60, '60 messages');
      assert.deepEqual(s.data(), Array.from({ length: 60 }, (_, i) => i));
    });

    it('delivers a message published twice with the same id once', async (bus) => {
      const s = sink<string>();
      await bus.subscribe('dedupe.*', s.handler);
      await bus.publish('dedupe.x', 'first', { id: 'same-id' });
      await bus.publish('dedupe.x', 'second', { id: 'same-id' });
      await bus.publish('dedupe.x', 'other', { id: 'other-id' });
      await waitFor(() => s.data().includes('other'), 'the message after the duplicate');
      assert.deepEqual(s.data(), ['first', 'other']);
    });

    it('keeps messages for a durable consumer while its subscriber is away', async (bus) => {
      await bus.publish('job.0', 0); // before the durable exists: not delivered
      const first = sink<number>();
      const sub = await bus.subscribe('job.*', first.handler, { durable: 'worker' });
      await bus.publish('job.1', 1);
      await waitFor(() => first.msgs.length === 1, 'job.1');
      await sub.unsubscribe();
      await bus.publish('job.2', 2);
      await bus.publish('job.3', 3);
      const second = sink<number>();
      await bus.subscribe('job.*', second.handler, { durable: 'worker' });
      await waitFor(() => second.msgs.length === 2, 'the backlog');
      await bus.publish('job.4', 4);
      await waitFor(() => second.msgs.length === 3, 'job.4');
      assert.deepEqual(first.data(), [1]);
      assert.deepEqual(second.data(), [2, 3, 4]);
    });

    it('splits the work of a shared durable between its subscribers', async (bus) => {
      const a = sink<number>();
      const b = sink<number>();
      const slow = (s: typeof a) => async (m: BusMessage<number>): Promise<void> => {
        s.handler(m);
        await tick(2);
      };
      await bus.subscribe('work.*', slow(a), { durable: 'pool' });
      await bus.subscribe('work.*', slow(b), { durable: 'pool' });
      for (let i = 0; i < 40; i++) await bus.publish('work.item', i);
      await waitFor(() => a.msgs.length + b.msgs.length >= 40, '40 messages');
      await tick(50); // a duplicate would show up now
      const all = [...a.data(), ...b.data()].sort((x, y) => x - y);
      assert.deepEqual(all, Array.from({ length: 40 }, (_, i) => i), 'every message exactly once');
      assert.ok(a.msgs.length > 0 && b.msgs.length > 0, `both got work (a=${a.msgs.length}, b=${b.msgs.length})`);
    });

    it('redelivers a message whose handler throws', async (bus) => {
      const attempts = new Map<string, number>();
      const done: string[] = [];
      await bus.subscribe<string>('retry.*', (m) => {
        const n = (attempts.get(m.data) ?? 0) + 1;
        attempts.set(m.data, n);
        if (n === 1) throw new Error(`first attempt of ${m.data} fails`);
        done.push(m.data);
      }, { durable: 'retrier' });
      await bus.publish('retry.x', 'a');
      await bus.publish('retry.x', 'b');
      await waitFor(() => done.length === 2, 'both messages handled');
      assert.deepEqual([...done].sort(), ['a', 'b']);
      assert.deepEqual(Object.fromEntries(attempts), { a: 2, b: 2 });
    });

    it('gives up after maxDeliver attempts and goes on with the next message', async (bus) => {
      let poison = 0;
      const ok: string[] = [];
      await bus.subscribe<string>('poison.*', (m) => {
        if (m.data === 'poison') {
          poison++;
          throw new Error('always fails');
        }
        ok.push(m.data);
      }, { durable: 'poisoned', maxDeliver: 2 });
      await bus.publish('poison.x', 'poison');
      await waitFor(() => poison === 2, 'two attempts');
      await bus.publish('poison.x', 'fine');
      await waitFor(() => ok.length === 1, 'the next message');
      await tick(300); // a third attempt would come after ~100 ms
      assert.equal(poison, 2);
      assert.deepEqual(ok, ['fine']);
    });

    it('gives an ephemeral subscriber only messages published after it subscribed', async (bus) => {
      await bus.publish('eph.x', 'old');
      const s = sink<string>();
      await bus.subscribe('eph.*', s.handler);
      await bus.publish('eph.x', 'new');
      await waitFor(() => s.msgs.length >= 1, 'the new message');
      await tick(30);
      assert.deepEqual(s.data(), ['new']);
    });

    it('stops delivery on unsubscribe', async (bus) => {
      const gone = sink<number>();
      const stays = sink<number>();
      const sub = await bus.subscribe('unsub.*', gone.handler);
      await bus.subscribe('unsub.*', stays.handler);
      await bus.publish('unsub.x', 1);
      await waitFor(() => gone.msgs.length === 1 && stays.msgs.length === 1, 'message 1');
      await sub.unsubscribe();
      await sub.unsubscribe(); // idempotent
      await bus.publish('unsub.x', 2);
      await waitFor(() => stays.msgs.length === 2, 'message 2 at the other subscriber');
      await tick(50);
      assert.deepEqual(gone.data(), [1]);
    });

    it('rejects invalid subjects, patterns and durable names', async (bus) => {
      await assert.rejects(bus.publish('cam.*', 1), ValidationError);
      await assert.rejects(bus.publish('cam..x', 1), ValidationError);
      await assert.rejects(bus.subscribe('cam.>.x', () => undefined), ValidationError);
      await assert.rejects(bus.subscribe('cam.*', () => undefined, { durable: 'a.b' }), ValidationError);
      await assert.rejects(bus.subscribe('cam.*', () => undefined, { maxDeliver: 0 }), ValidationError);
    });

    it('stops delivery on close and refuses to publish afterwards', async (bus) => {
      let handled = 0;
      await bus.subscribe('close.*', async () => {
        handled++;
        await tick(20);
      });
      for (let i = 0; i < 10; i++) await bus.publish('close.x', i);
      await waitFor(() => handled >= 1, 'the first message');
      await bus.close();
      const atClose = handled;
      await tick(100);
      assert.equal(handled, atClose, 'no handler call after close');
      assert.ok(atClose < 10, `close interrupted delivery (${atClose} handled)`);
      const err = await bus.publish('close.x', 99).then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof OperationalError, `publish after close rejects with OperationalError, got ${String(err)}`);
      assert.equal(err.code, 'bus_closed');
      await assert.rejects(bus.subscribe('close.*', () => undefined), OperationalError);
      await bus.close(); // idempotent
    });
  });
}

busContract('memory', async () => {
  const bus = new MemoryBus({ logger: silentLogger() });
  return { bus, dispose: () => bus.close() };
});

busContract('nats', async () => {
  const names = uniqueNatsNames();
  const bus = await createNatsBus({ servers: [NATS_URL], ...names, logger: silentLogger(), connectTimeoutMs: 2000 });
  return {
    bus,
    dispose: async () => {
      await bus.close();
      await deleteStream(names.stream);
    },
  };
}, natsSkip());

describe('subjectMatches', () => {
  test('matches NATS-style patterns', () => {
    const cases: [string, string, boolean][] = [
      ['a.b', 'a.b', true], ['a.b', 'a.c', false], ['a.b', 'a.b.c', false], ['a.b.c', 'a.b', false],
      ['a.*', 'a.b', true], ['a.*', 'a', false], ['a.*', 'a.b.c', false], ['*.b', 'a.b', true], ['*', 'a', true], ['*', 'a.b', false],
      ['a.>', 'a.b', true], ['a.>', 'a.b.c', true], ['a.>', 'a', false], ['>', 'a', true], ['>', 'a.b.c', true],
      ['a.*.c', 'a.b.c', true], ['a.*.c', 'a.b.d', false], ['*.*.>', 'a.b', false], ['*.*.>', 'a.b.c', true],
    ];
    for (const [pattern, subject, expected] of cases) {
      assert.equal(subjectMatches(pattern, subject), expected, `${pattern} vs ${subject}`);
    }
  });
});
