/**
 * Event delivery through NATS JetStream (the SmartView bus, src/bus/nats.ts) at a city event rate.
 *
 *   npx tsx bench/bus-latency.ts [--smoke] [--rate 10000] [--seconds 20] [--pull-batch N] [--only bus]
 *
 * The real bus on the shared NATS server (127.0.0.1:4222) with its own stream and subject prefix
 * (deleted afterwards): one publisher paced at --rate events/s (in 5 ms ticks; every publish waits for
 * its JetStream ack, up to 2,000 in flight) and one subscriber (the bus's consumer, acks each message).
 * Latency = time the event was due to be sent (its tick) → handler called, so a stalled publisher
 * counts against it (no coordinated omission). Lost = published − received (must be 0).
 * Baseline in the same run: core NATS publish/subscribe (no JetStream, no acks, no persistence) at
 * the same rate; also raw JetStream with a 1,000 pull batch, and the bus on a memory-storage stream.
 * `publishAckMs` (due → JetStream ack) shows how much of the bus latency is the publish path.
 * `--only bus` runs just the bus on file storage (for sweeps of `--pull-batch`).
 * Target: p99 < 100 ms at 10,000 events/s. One JSON line on stdout.
 */
import os from 'node:os';
import { AckPolicy, connect, DeliverPolicy, JSONCodec, StorageType } from 'nats';
import { createNatsBus } from '../src/bus/nats';
import pino from 'pino';
import { NATS_URL, deleteStream, uniqueNatsNames } from '../src/bus/testing';
import { args, finish, intArg, log, machine } from './lib/common';
import { latencyStats, round } from './lib/stats';

const a = args({ smoke: 'boolean', rate: 'string', seconds: 'string', 'pull-batch': 'string', only: 'string' });
const smoke = a.smoke === true;
const RATE = intArg(a.rate, 10_000);
const SECONDS = intArg(a.seconds, smoke ? 3 : 20);
const TICK = 5;
/** The bus's pull batch (src/bus/nats.ts default when not given). */
const PULL_BATCH = a['pull-batch'] === undefined ? undefined : intArg(a['pull-batch'], 1000);

interface Ev { i: number; due: number }

/** Paced sending: `send(ev)` every due time; resolves when everything was sent (and acked). */
async function pace(send: (ev: Ev) => Promise<void> | void, maxInFlight: number): Promise<{ sent: number; failed: number }> {
  const total = RATE * SECONDS;
  const t0 = performance.now() + 50;
  let i = 0;
  let inFlight = 0;
  let failed = 0;
  const pending = new Set<Promise<void>>();
  while (i < total) {
    const now = performance.now();
    const dueCount = Math.min(total, Math.floor(((now - t0) / 1000) * RATE));
    while (i < dueCount && inFlight < maxInFlight) {
      const ev = { i, due: t0 + (i / RATE) * 1000 };
      i++;
      const r = send(ev);
      if (r) {
        inFlight++;
        const p: Promise<void> = r.catch(() => { failed++; }).finally(() => { inFlight--; pending.delete(p); });
        pending.add(p);
      }
    }
    await new Promise((r) => setTimeout(r, TICK));
  }
  await Promise.all(pending);
  return { sent: total, failed };
}

async function waitReceived(got: () => number, want: number, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (got() < want && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
}

async function jetstream(storage: 'file' | 'memory' = 'file'): Promise<Record<string, unknown>> {
  const names = uniqueNatsNames();
  const bus = await createNatsBus({ servers: [NATS_URL], ...names, storage, pullBatch: PULL_BATCH, logger: pino({ level: 'silent' }) });
  const lat: number[] = [];
  const acked: number[] = [];
  try {
    // performance.now() is per process; publisher and subscriber share this one, so no clock skew.
    await bus.subscribe<Ev>('bench.event', (m) => { lat.push(performance.now() - m.data.due); });
    const r = await pace((ev) => bus.publish('bench.event', ev).then(() => { acked.push(performance.now() - ev.due); }), 2000);
    await waitReceived(() => lat.length, r.sent);
    // not received 15 s after the last publish: late (the consumer is behind) or lost; JetStream keeps them in the stream
    return {
      published: r.sent, publishFailed: r.failed, received: lat.length, lost: r.sent - lat.length, latencyMs: latencyStats(lat),
      publishAckMs: latencyStats(acked), // due → JetStream ack: how much of the latency is the publish path
    };
  } finally {
    await bus.close();
    await deleteStream(names.stream);
  }
}

async function coreNats(): Promise<Record<string, unknown>> {
  const nc = await connect({ servers: [NATS_URL] });
  const codec = JSONCodec<Ev>();
  const subject = `svbench.core.${process.pid}`;
  const lat: number[] = [];
  const sub = nc.subscribe(subject);
  void (async () => {
    for await (const m of sub) lat.push(performance.now() - codec.decode(m.data).due);
  })();
  await nc.flush();
  const r = await pace((ev) => { nc.publish(subject, codec.encode(ev)); }, 1);
  await nc.flush();
  await waitReceived(() => lat.length, r.sent, 5000);
  await nc.drain();
  return { published: r.sent, received: lat.length, lost: r.sent - lat.length, latencyMs: latencyStats(lat) };
}

/** Raw JetStream with a large pull batch (1,000) — what the bus would do with bigger batches; for comparison. */
async function jetstreamLargeBatch(): Promise<Record<string, unknown>> {
  const names = uniqueNatsNames();
  const nc = await connect({ servers: [NATS_URL] });
  const codec = JSONCodec<Ev>();
  const subject = `${names.subjectPrefix}.bench`;
  const jsm = await nc.jetstreamManager();
  await jsm.streams.add({ name: names.stream, subjects: [subject], storage: StorageType.File });
  await jsm.consumers.add(names.stream, { name: 'bench', ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.New });
  const js = nc.jetstream();
  const lat: number[] = [];
  const messages = await (await js.consumers.get(names.stream, 'bench')).consume({ max_messages: 1000 });
  void (async () => {
    for await (const m of messages) {
      lat.push(performance.now() - codec.decode(m.data).due);
      m.ack();
    }
  })();
  try {
    const r = await pace((ev) => js.publish(subject, codec.encode(ev)).then(() => undefined), 2000);
    await waitReceived(() => lat.length, r.sent);
    return { published: r.sent, publishFailed: r.failed, received: lat.length, lost: r.sent - lat.length, latencyMs: latencyStats(lat) };
  } finally {
    messages.stop();
    await jsm.streams.delete(names.stream);
    await nc.drain();
  }
}

async function main(): Promise<void> {
  if (a.only === 'bus') { // quick sweeps (e.g. of --pull-batch): the SmartView bus alone, file storage
    const js = await jetstream();
    finish({ bench: 'bus-latency', only: 'bus', smoke, rate: RATE, seconds: SECONDS, pullBatch: PULL_BATCH ?? 'default', jetstream: js, loadavg: os.loadavg().map((x) => round(x, 1)) });
    return;
  }
  log(`core NATS baseline: ${RATE}/s for ${SECONDS} s`);
  const baseline = await coreNats();
  log('baseline', baseline);
  log(`JetStream (SmartView bus): ${RATE}/s for ${SECONDS} s`);
  const js = await jetstream();
  log('jetstream', js);
  log('raw JetStream, pull batch 1,000');
  const large = await jetstreamLargeBatch();
  log('large batch', large);
  log(`JetStream (SmartView bus) on a memory-storage stream: ${RATE}/s for ${SECONDS} s`);
  const mem = await jetstream('memory');
  log('bus, memory storage', mem);
  const p99 = (js.latencyMs as { p99: number }).p99;
  finish({ bench: 'bus-latency', smoke, rate: RATE, seconds: SECONDS, jetstream: js, jetstreamPullBatch1000: large, busMemoryStorage: mem, baselineCoreNats: baseline, target: { p99Ms: 100 }, met: p99 < 100 && js.lost === 0, machine: machine(), loadavg: os.loadavg().map((x) => round(x, 1)) });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
