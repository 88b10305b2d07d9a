import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { StorageType, connect } from 'nats';
import { OperationalError } from '../core/errors';
import { silentLogger } from '../core/logger';
import type { BusMessage, EventBus } from './bus';
import { createBus } from './index';
import { createNatsBus } from './nats';
import { NATS_URL, deleteStream, natsSkip, rejectsWithin, tick, uniqueNatsNames, waitFor } from './testing';

/** NATS-engine behaviour beyond the shared contract: connection failures, reconnects, durability across connections. */

/** A TCP proxy to NATS that the test can cut and restore, to simulate a network outage. */
async function natsProxy(): Promise<{ url: string; cut(): Promise<void>; restore(): Promise<void>; stop(): Promise<void> }> {
  const target = new URL(NATS_URL);
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  let port = 0;
  const listen = async (): Promise<void> => {
    server = net.createServer((client) => {
      const upstream = net.connect(Number(target.port || 4222), target.hostname);
      for (const [s, peer] of [[client, upstream], [upstream, client]] as const) {
        sockets.add(s);
        s.on('close', () => {
          sockets.delete(s);
          peer.destroy(); // one side gone: drop the other, as a real network cut would
        });
        s.on('error', () => undefined); // 'close' follows and tears down both sides
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(port, '127.0.0.1', resolve);
    });
    port = (server.address() as net.AddressInfo).port;
  };
  const cut = async (): Promise<void> => {
    const s = server;
    server = undefined;
    for (const sock of sockets) sock.destroy();
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  };
  await listen();
  return { url: `nats://127.0.0.1:${port}`, cut, restore: listen, stop: cut };
}

describe('NATS bus: connecting', () => {
  test('an address where nothing listens gives an OperationalError quickly', { timeout: 5000 }, async () => {
    const started = Date.now();
    const err = await rejectsWithin(createNatsBus({ servers: ['nats://127.0.0.1:1'], stream: 'SVTEST_never', subjectPrefix: 'svtnever', logger: silentLogger(), connectTimeoutMs: 1000 }), 3000);
    assert.ok(err instanceof OperationalError, `got ${String(err)}`);
    assert.equal(err.code, 'bus_unavailable');
    assert.match(err.message, /127\.0\.0\.1:1/);
    assert.match(err.message, /JetStream/);
    assert.ok(Date.now() - started < 3000);
  });

  test('createBus picks the engine from the config', { skip: natsSkip(), timeout: 5000 }, async () => {
    const names = uniqueNatsNames();
    const memory = await createBus({ engine: 'memory', natsServers: [], ...names }, silentLogger());
    assert.equal(memory.engine, 'memory');
    await memory.close();
    const nats = await createBus({ engine: 'nats', natsServers: [NATS_URL], ...names }, silentLogger());
    try {
      assert.equal(nats.engine, 'nats');
    } finally {
      await nats.close();
      await deleteStream(names.stream);
    }
  });
});

describe('NATS bus: stream limits', { skip: natsSkip() }, () => {
  test('the stream is created with an age limit (7 days by default) and an existing stream is updated to the configured limits', { timeout: 8000 }, async () => {
    const names = uniqueNatsNames();
    const nc = await connect({ servers: NATS_URL, timeout: 2000 });
    const limits = async () => {
      const { config } = await (await nc.jetstreamManager()).streams.info(names.stream);
      return { maxAgeMs: Math.round(config.max_age / 1e6), maxBytes: config.max_bytes };
    };
    try {
      const first = await createNatsBus({ servers: [NATS_URL], ...names, logger: silentLogger(), connectTimeoutMs: 2000 });
      await first.close();
      assert.deepEqual(await limits(), { maxAgeMs: 7 * 86_400_000, maxBytes: -1 });
      const second = await createNatsBus({ servers: [NATS_URL], ...names, logger: silentLogger(), connectTimeoutMs: 2000, maxAgeMs: 3_600_000, maxBytes: 64 * 1024 * 1024 });
      await second.publish('ev.a', 1);
      await second.close();
      assert.deepEqual(await limits(), { maxAgeMs: 3_600_000, maxBytes: 64 * 1024 * 1024 });
    } finally {
      await nc.close();
      await deleteStream(names.stream);
    }
  });
});

describe('NATS bus: resilience', { skip: natsSkip() }, () => {
  test('a durable consumer keeps messages across connections (another process)', { timeout: 8000 }, async () => {
    const names = uniqueNatsNames();
    const buses: EventBus[] = [];
    const open = async (): Promise<EventBus> => {
      const bus = await createNatsBus({ servers: [NATS_URL], ...names, logger: silentLogger(), connectTimeoutMs: 2000 });
      buses.push(bus);
      return bus;
    };
    try {
      const publisher = await open();
      const first = await open();
      const got1: number[] = [];
      await first.subscribe<number>('ev.*', (m) => void got1.push(m.data), { durable: 'indexer' });
      await publisher.publish('ev.a', 1);
      await waitFor(() => got1.length === 1, 'message 1');
      await first.close(); // the "process" goes away
      await publisher.publish('ev.a', 2);
      await publisher.publish('ev.b', 3);
      const second = await open();
      const got2: BusMessage<number>[] = [];
      await second.subscribe<number>('ev.*', (m) => void got2.push(m), { durable: 'indexer' });
      await waitFor(() => got2.length === 2, 'the messages published while away');
      assert.deepEqual(got1, [1]);
      assert.deepEqual(got2.map((m) => [m.subject, m.data]), [['ev.a', 2], ['ev.b', 3]]);
    } finally {
      await Promise.all(buses.map((b) => b.close()));
      if (buses.length > 0) await deleteStream(names.stream);
    }
  });

  test('publish during an outage fails with bus_unavailable; the bus reconnects by itself', { timeout: 10_000 }, async () => {
    const names = uniqueNatsNames();
    const proxy = await natsProxy();
    let bus: EventBus | undefined;
    try {
      bus = await createNatsBus({ servers: [proxy.url], ...names, logger: silentLogger(), connectTimeoutMs: 2000, publishTimeoutMs: 300, reconnectTimeWaitMs: 100 });
      const got: number[] = [];
      await bus.subscribe<number>('up.*', (m) => void got.push(m.data));
      await bus.publish('up.x', 1);
      await waitFor(() => got.length === 1, 'message before the outage');

      await proxy.cut();
      const err = await rejectsWithin(bus.publish('up.x', 2), 2000);
      assert.ok(err instanceof OperationalError, `got ${String(err)}`);
      assert.equal(err.code, 'bus_unavailable');

      await proxy.restore();
      const until = Date.now() + 5000;
      for (;;) {
        try {
          await bus.publish('up.x', 3);
          break;
        } catch (e) {
          if (Date.now() > until) throw e;
          await tick(50);
        }
      }
      await waitFor(() => got.includes(3), 'a message after reconnecting', 5000);
    } finally {
      await bus?.close();
      await proxy.stop();
      if (bus) await deleteStream(names.stream);
    }
  });
});

describe('NATS bus: throughput settings', { skip: natsSkip() }, () => {
  test('many concurrent publishes through a tiny in-flight bound and pull batch all arrive once, in order', { timeout: 10_000 }, async () => {
    const names = uniqueNatsNames();
    const bus = await createNatsBus({ servers: [NATS_URL], ...names, logger: silentLogger(), maxPublishesInFlight: 3, pullBatch: 7 });
    try {
      const got: number[] = [];
      await bus.subscribe<number>('load.*', (m) => void got.push(m.data), { durable: 'loader' });
      // Started together, so at most 3 wait for their ack at a time; the rest queue for a slot in call order.
      await Promise.all(Array.from({ length: 300 }, (_, i) => bus.publish('load.x', i, { id: `load-${i}` })));
      await waitFor(() => got.length >= 300, '300 messages', 5000);
      await tick(50); // a duplicate would show up now
      assert.deepEqual(got, Array.from({ length: 300 }, (_, i) => i));
    } finally {
      await bus.close();
      await deleteStream(names.stream);
    }
  });

  test("storage 'memory' creates a memory stream; the default is file", { timeout: 8000 }, async () => {
    const created: string[] = [];
    const nc = await connect({ servers: [NATS_URL] });
    try {
      const jsm = await nc.jetstreamManager();
      for (const storage of ['memory', undefined] as const) {
        const names = uniqueNatsNames();
        const bus = await createNatsBus({ servers: [NATS_URL], ...names, logger: silentLogger(), ...(storage ? { storage } : {}) });
        created.push(names.stream);
        await bus.close();
        const { config } = await jsm.streams.info(names.stream);
        assert.equal(config.storage, storage === 'memory' ? StorageType.Memory : StorageType.File);
      }
    } finally {
      await nc.drain();
      for (const s of created) await deleteStream(s);
    }
  });
});
