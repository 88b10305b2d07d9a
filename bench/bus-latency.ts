/**
 * Event delivery through NATS JetStream (the SmartView bus, src/bus/nats.ts) at a city event rate.
 *
 *   npx tsx bench/bus-latency.ts [--smoke] [--rate 10000] [--seconds 20] [--pull-batch N]
 *                                [--linger MS] [--max-events N] [--memory] [--raw] [--only bus|batched] [--in-flight N]
 *                                [--order batched-first|unbatched-first]
 *
 * The real bus on the shared NATS server (127.0.0.1:4222, or SMARTVIEW_NATS_URL) with its own stream
 * and subject prefix (deleted afterwards): one publisher paced at --rate events/s (in 5 ms ticks; every
 * publish waits for its JetStream ack, up to --in-flight (2,000) at once) and one subscriber (the bus's
 * consumer, acks after the handler). Latency = time the event was due to be sent (its tick) → handler
 * called, so a stalled publisher counts against it (no coordinated omission). Lost = published −
 * received (must be 0). Both on file storage (the default), in the same run:
 *   - `busBatched`: the bus as configured by default (micro-batching on, nats-batch.ts);
 *   - `busUnbatched`: the same bus with batching off (`batch.subjects: []`) = the engine before batching;
 *   - baseline `baselineCoreNats`: core NATS publish/subscribe (no JetStream, no acks, no persistence);
 *   - with --memory, the unbatched bus on a memory-storage stream; with --raw, raw JetStream (pull 1,000).
 * `publishAckMs` (due → JetStream ack) shows how much of the latency is the publish path;
 * `streamMessages` (JetStream messages stored) / published = events per message. `cpuMsPer1000Events`:
 * CPU of this process and of the (local) nats-server while a variant ran, per 1,000 events;
 * `eventLoopDelayMs`: how late this process's event loop ran meanwhile (a starved process, not the bus).
 * `--only bus|batched` runs just the unbatched or batched bus (for sweeps of --pull-batch / --linger).
 * The two bus variants run one after the other (`--order`, default batched first) with a 5 s pause
 * between the steps: a run that leaves the server a 200,000-message stream to delete slows the next.
 * Target: p99 < 100 ms at 10,000 events/s on file storage. One JSON line on stdout.
 */
import { readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { AckPolicy, connect, DeliverPolicy, JSONCodec, StorageType } from 'nats';
import { createNatsBus } from '../src/bus/nats';
import type { BatchOptions } from '../src/bus/nats-batch';
import pino from 'pino';
import { NATS_URL, deleteStream, uniqueNatsNames } from '../src/bus/testing';
import { args, finish, intArg, log, machine } from './lib/common';
import { latencyStats, round } from './lib/stats';

const a = args({
  smoke: 'boolean', rate: 'string', seconds: 'string', 'pull-batch': 'string', only: 'string', linger: 'string', 'max-events': 'string',
  memory: 'boolean', raw: 'boolean', order: 'string', 'in-flight': 'string',
});
/** Publishes the paced publisher lets await their ack at once (as an application would bound them). */
const IN_FLIGHT = intArg(a['in-flight'], 2000);
const smoke = a.smoke === true;
const RATE = intArg(a.rate, 10_000);
const SECONDS = intArg(a.seconds, smoke ? 3 : 20);
const TICK = 5;
/** The bus's pull batch (src/bus/nats.ts default when not given). */
const PULL_BATCH = a['pull-batch'] === undefined ? undefined : intArg(a['pull-batch'], 1000);
/** Batching of the batched variant: the engine defaults unless --linger / --max-events are given. */
const BATCH: Partial<BatchOptions> = {
  ...(a.linger === undefined ? {} : { lingerMs: intArg(a.linger, 5) }),
  ...(a['max-events'] === undefined ? {} : { maxEvents: intArg(a['max-events'], 500) }),
};
const OFF: Partial<BatchOptions> = { subjects: [] };

interface Ev { i: number; due: number }

/**
 * CPU used while `fn` runs, per 1,000 events: this process (publisher + subscriber + the bench) and, if it
 * runs on this machine, the nats-server listening on NATS_URL's port (from /proc; shared with others' tests).
 * On a saturated machine latency says more about the scheduler than about the code; CPU per event does not.
 */
async function withCpu<T extends Record<string, unknown>>(events: () => number, fn: () => Promise<T>): Promise<T & { cpuMsPer1000Events: Record<string, number | null>; eventLoopDelayMs: Record<string, number> }> {
  const server = natsServerPid();
  const s0 = server === null ? null : procCpuMs(server);
  const c0 = process.cpuUsage();
  // How late this process's event loop ran (a starved process shows it here, whatever the bus does).
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const r = await fn();
  loop.disable();
  const c = process.cpuUsage(c0);
  const s1 = server === null ? null : procCpuMs(server);
  const per = (ms: number): number => round((ms / Math.max(1, events())) * 1000, 1);
  const ms = (ns: number): number => round(ns / 1e6, 1);
  return {
    ...r,
    cpuMsPer1000Events: { bench: per((c.user + c.system) / 1000), natsServer: s0 === null || s1 === null ? null : per(s1 - s0) },
    eventLoopDelayMs: { p50: ms(loop.percentile(50)), p99: ms(loop.percentile(99)), max: ms(loop.max) },
  };
}

function natsServerPid(): number | null {
  const port = new URL(NATS_URL).port || '4222';
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const argv = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0');
      if (argv[0]?.endsWith('nats-server') && argv.some((x, i) => (x === '-p' || x === '--port') && argv[i + 1] === port)) return Number(d);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' && (err as NodeJS.ErrnoException).code !== 'EACCES') throw err; // process gone meanwhile
    }
  }
  return null;
}

function procCpuMs(pid: number): number | null {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime + stime in clock ticks (USER_HZ 100)
  } catch (err) {
    log('cannot read nats-server CPU', { pid, err: String(err) });
    return null;
  }
}

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

async function jetstream(batch: Partial<BatchOptions>, storage: 'file' | 'memory' = 'file'): Promise<Record<string, unknown>> {
  const names = uniqueNatsNames();
  const bus = await createNatsBus({ servers: [NATS_URL], ...names, storage, batch, pullBatch: PULL_BATCH, logger: pino({ level: 'silent' }) });
  const lat: number[] = [];
  const acked: number[] = [];
  try {
    // performance.now() is per process; publisher and subscriber share this one, so no clock skew.
    await bus.subscribe<Ev>('bench.event', (m) => { lat.push(performance.now() - m.data.due); });
    const { cpuMsPer1000Events, eventLoopDelayMs, ...r } = await withCpu(() => lat.length, async () => {
      const sent = await pace((ev) => bus.publish('bench.event', ev).then(() => { acked.push(performance.now() - ev.due); }), IN_FLIGHT);
      await waitReceived(() => lat.length, sent.sent);
      return sent;
    });
    const streamMessages = await countStream(names.stream);
    // not received 15 s after the last publish: late (the consumer is behind) or lost; JetStream keeps them in the stream
    return {
      published: r.sent, publishFailed: r.failed, received: lat.length, lost: r.sent - lat.length, latencyMs: latencyStats(lat),
      publishAckMs: latencyStats(acked), // due → JetStream ack: how much of the latency is the publish path
      streamMessages, eventsPerMessage: round(r.sent / Math.max(1, streamMessages), 1), cpuMsPer1000Events, eventLoopDelayMs,
    };
  } finally {
    await bus.close();
    await deleteStream(names.stream);
  }
}

/** JetStream messages stored in `stream` (events / messages = how much batching happened). */
async function countStream(stream: string): Promise<number> {
  const nc = await connect({ servers: [NATS_URL] });
  try {
    return (await (await nc.jetstreamManager()).streams.info(stream)).state.messages;
  } finally {
    await nc.close();
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
  const { cpuMsPer1000Events, eventLoopDelayMs, ...r } = await withCpu(() => lat.length, async () => {
    const sent = await pace((ev) => { nc.publish(subject, codec.encode(ev)); }, 1);
    await nc.flush();
    await waitReceived(() => lat.length, sent.sent, 5000);
    return sent;
  });
  await nc.drain();
  return { published: r.sent, received: lat.length, lost: r.sent - lat.length, latencyMs: latencyStats(lat), cpuMsPer1000Events, eventLoopDelayMs };
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
  const common = { bench: 'bus-latency', inFlight: IN_FLIGHT, smoke, rate: RATE, seconds: SECONDS, pullBatch: PULL_BATCH ?? 'default', batch: BATCH };
  if (a.only === 'bus' || a.only === 'batched') { // quick sweeps (--pull-batch, --linger): one bus variant, file storage
    const js = await jetstream(a.only === 'bus' ? OFF : BATCH);
    finish({ ...common, only: a.only, jetstream: js, loadavg: os.loadavg().map((x) => round(x, 1)) });
    return;
  }
  if (a.only !== undefined) throw new Error(`--only must be bus or batched, got '${String(a.only)}'`);
  const load: Record<string, number[]> = {};
  const step = async (name: string, what: string, fn: () => Promise<Record<string, unknown>>): Promise<Record<string, unknown>> => {
    log(`${what}: ${RATE}/s for ${SECONDS} s`);
    const r = await fn();
    load[name] = os.loadavg().map((x) => round(x, 1));
    log(name, r);
    return r;
  };
  const order = a.order ?? 'batched-first';
  if (order !== 'batched-first' && order !== 'unbatched-first') throw new Error(`--order must be batched-first or unbatched-first, got '${String(order)}'`);
  const pause = (): Promise<void> => new Promise((r) => setTimeout(r, smoke ? 500 : 5000));
  const baseline = await step('baselineCoreNats', 'core NATS baseline', coreNats);
  const runUnbatched = (): Promise<Record<string, unknown>> =>
    step('busUnbatched', 'SmartView bus, batching off (the engine before batching), file storage', () => jetstream(OFF));
  const runBatched = (): Promise<Record<string, unknown>> => step('busBatched', 'SmartView bus, micro-batching (default), file storage', () => jetstream(BATCH));
  await pause();
  let batched: Record<string, unknown>;
  let unbatched: Record<string, unknown>;
  if (order === 'batched-first') {
    batched = await runBatched();
    await pause();
    unbatched = await runUnbatched();
  } else {
    unbatched = await runUnbatched();
    await pause();
    batched = await runBatched();
  }
  const extra: Record<string, unknown> = {};
  if (a.memory) await pause();
  if (a.memory) extra.busUnbatchedMemoryStorage = await step('busUnbatchedMemoryStorage', 'SmartView bus, batching off, memory storage', () => jetstream(OFF, 'memory'));
  if (a.raw) extra.rawJetStreamPullBatch1000 = await step('rawJetStreamPullBatch1000', 'raw JetStream, pull batch 1,000', jetstreamLargeBatch);
  const p99 = (r: Record<string, unknown>): number => (r.latencyMs as { p99: number }).p99;
  finish({
    ...common, order, busBatched: batched, busUnbatched: unbatched, baselineCoreNats: baseline, ...extra,
    target: { p99Ms: 100 }, met: p99(batched) < 100 && batched.lost === 0, unbatchedMet: p99(unbatched) < 100 && unbatched.lost === 0,
    machine: machine(), loadavgAfter: load,
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
