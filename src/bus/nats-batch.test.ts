import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { connect } from 'nats';
import { parseConfig } from '../config/load';
import { OperationalError, ValidationError } from '../core/errors';
import { silentLogger } from '../core/logger';
import { privateNatsUnavailable, startPrivateNats } from '../../test/support/private-nats';
import type { BusMessage, EventBus } from './bus';
import { createNatsBus, type NatsBusOptions } from './nats';
import { RecentIds, decodeBatch, encodeBatch, resolveBatchOptions } from './nats-batch';
import { NATS_URL, deleteStream, natsSkip, tick, uniqueNatsNames, waitFor } from './testing';

/**
 * Producer-side micro-batching of the NATS engine (nats-batch.ts): several events in one JetStream
 * message, unpacked by the consumer. The plain bus contract (bus.contract.test.ts) runs with batching
 * on as well (it is the default); these tests force batches (a long linger) and check what batching
 * must keep: order, deduplication, per-event failure handling, redelivery after a consumer crash, and
 * no loss of acknowledged events across a NATS restart.
 */

describe('nats-batch: envelope and helpers', () => {
  test('a batch body round-trips ids, times and data (undefined data stays undefined)', () => {
    const items = [
      { id: 'a', at: 1, json: JSON.stringify({ x: 1, s: 'é"\\' }) },
      { id: 'b"q', at: 2, json: undefined },
      { id: 'c', at: 3, json: JSON.stringify([1, null]) },
    ];
    assert.deepEqual(decodeBatch(encodeBatch(items), 's.x'), [
      { subject: 's.x', id: 'a', publishedAt: 1, data: { x: 1, s: 'é"\\' } },
      { subject: 's.x', id: 'b"q', publishedAt: 2, data: undefined },
      { subject: 's.x', id: 'c', publishedAt: 3, data: [1, null] },
    ]);
    assert.throws(() => decodeBatch(new TextEncoder().encode('{"i":"a"}'), 's.x'), /not a JSON array/);
    assert.throws(() => decodeBatch(new TextEncoder().encode('[{"t":1}]'), 's.x'), /item 0/);
  });

  test('RecentIds forgets by count and by age', () => {
    const r = new RecentIds(2, 1000);
    r.add('a', 0);
    r.add('b', 10);
    r.add('c', 20);
    assert.deepEqual(['a', 'b', 'c'].map((id) => r.has(id, 30)), [false, true, true]);
    assert.equal(r.has('b', 1010), false, 'older than the window');
    r.add('d', 1025); // evicts b and c (too old)
    assert.equal(r.size, 1);
  });

  test('options are validated with the key named', () => {
    assert.deepEqual(resolveBatchOptions(undefined), { subjects: ['>'], lingerMs: 5, maxEvents: 500, maxBytes: 262_144 });
    assert.throws(() => resolveBatchOptions({ lingerMs: 0 }), (e: unknown) => e instanceof ValidationError && /bus\.batch\.lingerMs/.test(e.message));
    assert.throws(() => resolveBatchOptions({ maxBytes: 2 * 1024 * 1024 }), /bus\.batch\.maxBytes/);
    assert.throws(() => resolveBatchOptions({ subjects: ['a.>.b'] }), ValidationError);
  });

  test('the bus.batch config section has defaults and names the key of a bad value', () => {
    assert.deepEqual(parseConfig({}).bus.batch, { subjects: ['>'], lingerMs: 5, maxEvents: 500, maxBytes: 262_144 });
    assert.deepEqual(parseConfig({ bus: { batch: { subjects: [] } } }).bus.batch.subjects, []);
    assert.throws(() => parseConfig({ bus: { batch: { lingerMs: 0 } } }), /bus\.batch\.lingerMs/);
    assert.throws(() => parseConfig({ bus: { batch: { subjects: ['cam.>.x'] } } }), /bus\.batch\.subjects/);
    assert.throws(() => parseConfig({ bus: { batch: { maxBytes: 2_000_000 } } }), /bus\.batch\.maxBytes/);
  });
});

/** JetStream messages stored in a stream (fewer than events published = batching happened). */
async function storedMessages(stream: string, url = NATS_URL): Promise<number> {
  const nc = await connect({ servers: url, timeout: 2000 });
  try {
    return (await (await nc.jetstreamManager()).streams.info(stream)).state.messages;
  } finally {
    await nc.close();
  }
}

describe('nats-batch: on the bus', { skip: natsSkip() }, () => {
  /** A bus whose batches linger long enough that concurrent publishes surely share messages. */
  const withBus = async (opts: Partial<NatsBusOptions>, fn: (bus: EventBus, stream: string) => Promise<void>): Promise<void> => {
    const names = uniqueNatsNames();
    const bus = await createNatsBus({ servers: [NATS_URL], ...names, logger: silentLogger(), batch: { lingerMs: 50 }, retryBaseMs: 20, ...opts });
    try {
      await fn(bus, names.stream);
    } finally {
      await bus.close();
      await deleteStream(names.stream);
    }
  };

  test('coalesces concurrent publishes and keeps publish order within and across subjects', { timeout: 10_000 }, async () => {
    await withBus({}, async (bus, stream) => {
      const all: BusMessage<number>[] = [];
      const onlyA: number[] = [];
      await bus.subscribe<number>('ord.>', (m) => void all.push(m));
      await bus.subscribe<number>('ord.a', (m) => void onlyA.push(m.data));
      const subjectOf = (i: number): string => (i % 10 < 3 ? 'ord.b' : 'ord.a'); // runs of 3 b, 7 a
      const before = Date.now();
      await Promise.all(Array.from({ length: 300 }, (_, i) => bus.publish(subjectOf(i), i, { id: `ord-${i}` })));
      await waitFor(() => all.length >= 300 && onlyA.length >= 210, '300 events');
      await tick(50);
      assert.deepEqual(all.map((m) => m.data), Array.from({ length: 300 }, (_, i) => i), 'stream order = publish order, across subjects');
      assert.deepEqual(all.map((m) => m.subject), Array.from({ length: 300 }, (_, i) => subjectOf(i)));
      assert.deepEqual(all.map((m) => m.id), Array.from({ length: 300 }, (_, i) => `ord-${i}`));
      assert.ok(all.every((m) => m.publishedAt >= before && m.publishedAt <= Date.now()), 'publishedAt of batched events');
      assert.deepEqual(onlyA, Array.from({ length: 300 }, (_, i) => i).filter((i) => i % 10 >= 3));
      const stored = await storedMessages(stream);
      assert.ok(stored <= 62, `300 events in ${stored} JetStream messages (one per run of a subject)`);
    });
  });

  test('a full batch goes out at maxEvents without waiting for the linger', { timeout: 10_000 }, async () => {
    await withBus({ batch: { lingerMs: 1000, maxEvents: 10 } }, async (bus, stream) => {
      const got: number[] = [];
      await bus.subscribe<number>('full.x', (m) => void got.push(m.data));
      const started = Date.now();
      await Promise.all(Array.from({ length: 41 }, (_, i) => bus.publish('full.x', i))); // 1 alone + 4 full batches
      assert.ok(Date.now() - started < 900, `publishes resolved in ${Date.now() - started} ms (the 1 s linger was not waited for)`);
      await waitFor(() => got.length === 41, '41 events');
      assert.equal(await storedMessages(stream), 5);
    });
  });

  test('an id published twice is delivered once, inside a batch and across batches', { timeout: 10_000 }, async () => {
    await withBus({}, async (bus) => {
      const got: string[] = [];
      await bus.subscribe<string>('dup.x', (m) => void got.push(`${m.id}=${m.data}`), { durable: 'dedupe' });
      await bus.publish('dup.x', 'w1', { id: 'w' }); // alone, as a plain message
      await Promise.all([
        bus.publish('dup.x', 'lead'), // goes alone; the rest is coalesced behind it
        bus.publish('dup.x', 'x1', { id: 'x' }),
        bus.publish('dup.x', 'y1', { id: 'y' }),
        bus.publish('dup.x', 'x2', { id: 'x' }), // same batch
        bus.publish('dup.x', 'w2', { id: 'w' }), // the plain message before
      ]);
      await Promise.all([bus.publish('dup.x', 'lead2'), bus.publish('dup.x', 'y2', { id: 'y' }), bus.publish('dup.x', 'z1', { id: 'z' })]); // another batch
      await waitFor(() => got.some((g) => g.startsWith('z=')), 'the last event');
      await tick(100);
      const named = got.filter((g) => /^[wxyz]=/.test(g));
      assert.deepEqual(named, ['w=w1', 'x=x1', 'y=y1', 'z=z1']);
    });
  });

  test('a throwing event is retried alone; the others of its batch run once; after maxDeliver it is dropped', { timeout: 10_000 }, async () => {
    await withBus({}, async (bus) => {
      const calls = new Map<string, number>();
      await bus.subscribe<string>('fail.x', (m) => {
        const n = (calls.get(m.data) ?? 0) + 1;
        calls.set(m.data, n);
        if (m.data === 'bad') throw new Error('always fails');
        if (m.data === 'flaky' && n === 1) throw new Error('fails once');
      }, { durable: 'failing', maxDeliver: 3 });
      await Promise.all(['lead', 'a', 'flaky', 'b', 'bad', 'c'].map((d) => bus.publish('fail.x', d)));
      await waitFor(() => calls.get('bad') === 3 && calls.get('flaky') === 2, 'the retries', 5000);
      await bus.publish('fail.x', 'after');
      await waitFor(() => calls.has('after'), 'the next message');
      await tick(300); // a 4th attempt would come after ~80 ms
      assert.deepEqual(Object.fromEntries(calls), { lead: 1, a: 1, flaky: 2, b: 1, bad: 3, c: 1, after: 1 });
    });
  });
});

describe('nats-batch: consumer crash', { skip: natsSkip() }, () => {
  test('a batch whose subscriber process was killed mid-way is redelivered to the next subscriber', { timeout: 20_000 }, async () => {
    const names = uniqueNatsNames();
    const common = { servers: [NATS_URL], ...names, logger: silentLogger(), ackWaitMs: 1000 };
    // The crashing subscriber: a separate process that prints every event it handles and hangs on 'hang'.
    const script = `
      import { createNatsBus } from ${JSON.stringify(path.join(import.meta.dirname, 'nats.ts'))};
      const bus = await createNatsBus(${JSON.stringify({ ...common, logger: undefined })});
      await bus.subscribe('crash.*', (m) => {
        process.stdout.write('handled ' + m.data + '\\n');
        if (m.data === 'e50') return new Promise(() => {});
      }, { durable: 'crashy' });
      process.stdout.write('ready\\n');`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const pub = await createNatsBus({ ...common, batch: { lingerMs: 50 } });
    let next: EventBus | undefined;
    try {
      await waitFor(() => out.includes('ready\n'), `the subscriber process (stderr: ${err.slice(-2000)})`, 15_000);
      const events = Array.from({ length: 100 }, (_, i) => `e${i}`);
      await Promise.all(events.map((e) => pub.publish('crash.x', e)));
      await waitFor(() => out.includes('handled e50\n'), 'the subscriber to hang on e50', 5000);
      await tick(100);
      child.kill('SIGKILL');
      await exited;
      const first = new Set([...out.matchAll(/^handled (\S+)$/gm)].map((m) => m[1]!));
      assert.ok(first.has('e0') && !first.has('e51'), `the first subscriber stopped at e50 (${first.size} handled)`);

      next = await createNatsBus(common);
      const second: string[] = [];
      await next.subscribe<string>('crash.*', (m) => void second.push(m.data), { durable: 'crashy' });
      await waitFor(() => events.every((e) => first.has(e) || second.includes(e)) && second.includes('e50'), 'every event after the crash', 8000);
      await tick(200);
      assert.ok(second.includes('e50'), 'the event the crashed process was handling comes back');
      assert.ok(!second.includes('e0'), 'an acked message is not redelivered');
      assert.equal(new Set(second).size, second.length, 'no event twice to the second subscriber');
      assert.ok(await storedMessages(names.stream) < 50, 'the events travelled in batches');
    } finally {
      child.kill('SIGKILL');
      await pub.close();
      await next?.close();
      await deleteStream(names.stream);
    }
  });
});

describe('nats-batch: NATS restart (private nats-server)', { skip: privateNatsUnavailable() || false }, () => {
  test('every acknowledged batched event arrives once although the server is killed and restarted mid-stream', { timeout: 60_000 }, async () => {
    const nats = await startPrivateNats();
    const names = uniqueNatsNames();
    const common = { servers: [nats.url], ...names, logger: silentLogger(), reconnectTimeWaitMs: 100, connectTimeoutMs: 2000, publishTimeoutMs: 1000, ackWaitMs: 2000 };
    const buses: EventBus[] = [];
    try {
      const sub = await createNatsBus(common);
      buses.push(sub);
      const pub = await createNatsBus({ ...common, batch: { lingerMs: 20 } });
      buses.push(pub);
      const got = new Map<number, number>();
      await sub.subscribe<number>('rs.*', (m) => void got.set(m.data, (got.get(m.data) ?? 0) + 1), { durable: 'keeper' });
      let failures = 0;
      /** What a caller does: retry with the same id until the bus acknowledges. */
      const publish = async (i: number): Promise<void> => {
        for (;;) {
          try {
            await pub.publish('rs.x', i, { id: `rs-${i}` });
            return;
          } catch (err) {
            if (!(err instanceof OperationalError) || err.code !== 'bus_unavailable') throw err;
            failures++;
            await tick(200);
          }
        }
      };
      const N = 3000;
      const sends: Promise<void>[] = [];
      let restarted: Promise<void> | undefined;
      for (let i = 0; i < N; i += 20) { // ~2,000 events/s for 1.5 s
        for (let k = i; k < i + 20; k++) sends.push(publish(k));
        if (i === 1000) restarted = (async () => {
          await nats.kill();
          await tick(1000);
          await nats.start();
        })();
        await tick(10);
      }
      await restarted;
      await Promise.all(sends);
      await waitFor(() => got.size === N, `all ${N} events (have ${got.size})`, 30_000);
      await tick(2500); // a redelivery (ack wait 2 s) would show up now
      const missing = Array.from({ length: N }, (_, i) => i).filter((i) => !got.has(i));
      const twice = [...got].filter(([, n]) => n > 1).map(([i]) => i);
      assert.deepEqual(missing, [], 'no acknowledged event lost');
      assert.deepEqual(twice, [], 'none delivered twice to the subscriber');
      assert.ok(failures > 0, 'some publishes failed during the outage and were retried');
      assert.ok(await storedMessages(names.stream, nats.url) < N, 'the events travelled in batches');
    } finally {
      await Promise.all(buses.map((b) => b.close()));
      await nats.destroy();
    }
  });
});
