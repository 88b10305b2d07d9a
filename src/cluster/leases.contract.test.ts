import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger, silentLogger } from '../core/logger';
import { ENGINES, openTestStore, type TestStore } from '../../test/support/engines';
import { ClusterRepository, type LeaseRole } from './cluster.repository';
import { fairShare, LeaseManager, type LeaseHolder } from './lease-manager';
import { NodeRegistry } from './node';

const TTL = 1500;
const MARGIN = 500;
const BEAT = 200;
const CAMERAS = Array.from({ length: 30 }, (_, i) => `cam-${String(i).padStart(2, '0')}`);

/** A holder that records, per camera, when this node really worked on it (wall clock). */
class RecordingHolder implements LeaseHolder {
  readonly intervals: Array<{ node: string; cameraId: string; from: number; to: number | null }> = [];
  constructor(readonly node: string) {}
  async start(cameraId: string): Promise<void> {
    this.intervals.push({ node: this.node, cameraId, from: Date.now(), to: null });
  }
  async stop(cameraId: string): Promise<void> {
    const open = this.intervals.find((i) => i.cameraId === cameraId && i.to === null);
    if (open) open.to = Date.now();
  }
  active(): string[] {
    return this.intervals.filter((i) => i.to === null).map((i) => i.cameraId);
  }
}

/** Repository whose calls hang while `cut` is set (a node that lost its database link). */
function cuttable(repo: ClusterRepository): { repo: ClusterRepository; cut: (on: boolean) => void } {
  let cut = false;
  const proxy = new Proxy(repo, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => (cut ? new Promise(() => undefined) : (v as (...a: unknown[]) => unknown).apply(target, args));
    },
  });
  return { repo: proxy, cut: (on) => (cut = on) };
}

async function until(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`);
    await sleep(50);
  }
}

function assertNoOverlap(holders: RecordingHolder[]): void {
  const all = holders.flatMap((h) => h.intervals);
  for (const cam of CAMERAS) {
    const iv = all.filter((i) => i.cameraId === cam).sort((a, b) => a.from - b.from);
    for (let k = 1; k < iv.length; k++) {
      const prev = iv[k - 1]!;
      assert.ok(prev.to !== null && prev.to <= iv[k]!.from, `${cam}: held by ${prev.node} until ${prev.to} and by ${iv[k]!.node} from ${iv[k]!.from}`);
    }
  }
}

test('fair share follows capacity and never exceeds it', () => {
  assert.equal(fairShare(30, 10, [10, 10, 10]), 10);
  assert.equal(fairShare(30, 20, [10, 20]), 20);
  assert.equal(fairShare(30, 5, [5, 100]), 2);
  assert.equal(fairShare(30, 0, [0, 10]), 0);
  assert.equal(fairShare(100, 10, [10]), 10);
});

for (const engine of ENGINES) {
  describe(`camera leases (${engine})`, () => {
    const opened: TestStore[] = [];
    const managers: LeaseManager[] = [];
    const registries: NodeRegistry[] = [];
    const cuts: Array<(on: boolean) => void> = [];
    after(async () => {
      // A node whose database link is still cut must stop too (it used to hang here, so the next suite never reported).
      for (const m of managers) await m.stop();
      for (const c of cuts) c(false);
      for (const r of registries) await r.leave();
      for (const s of opened) await s.cleanup();
    });

    async function node(ts: TestStore, id: string, capacity = 100, role: LeaseRole = 'recorder') {
      const base = new ClusterRepository(ts.store.db, ts.store.engine);
      const { repo, cut } = cuttable(base);
      const holder = new RecordingHolder(id);
      const m = new LeaseManager({ repo, nodeId: id, role, candidates: async () => CAMERAS, holder, capacity, heartbeatMs: BEAT, leaseTtlMs: TTL, fenceMarginMs: MARGIN, log: process.env.DEBUG_LEASES ? createLogger({ level: 'debug' }) : silentLogger() });
      const reg = new NodeRegistry({ repo, nodeId: id, roles: [role], capacity: { recorder: capacity, analytics: 0 }, version: 'test', apiUrl: null, key: 'k'.repeat(16) + engine, heartbeatMs: BEAT, maxClockSkewMs: 2000, log: silentLogger(), load: () => ({ recorder: m.cameras().length }) });
      await reg.join();
      managers.push(m);
      registries.push(reg);
      cuts.push(cut);
      return { m, holder, cut, reg };
    }

    test('every camera is held by exactly one node; a node that loses the database fences itself before others take over; joins rebalance', async () => {
      const ts = await openTestStore(engine);
      opened.push(ts);
      const a = await node(ts, 'node-a');
      const b = await node(ts, 'node-b');
      const c = await node(ts, 'node-c');
      for (const n of [a, b, c]) n.m.start();
      const holders = [a.holder, b.holder, c.holder];
      await until('all 30 cameras held', () => holders.reduce((s, h) => s + h.active().length, 0) === 30 && holders.every((h) => h.active().length >= 8));
      assertNoOverlap(holders);

      // node-a loses its database link (its calls hang): it must stop its cameras before its leases expire,
      // and the others take them over within the lease time.
      const aHad = a.holder.active();
      assert.ok(aHad.length > 0);
      a.cut(true);
      const cutAt = Date.now();
      await until('node-a fenced', () => a.holder.active().length === 0, TTL * 3);
      await until('cameras of node-a taken over', () => b.holder.active().length + c.holder.active().length === 30, TTL * 6);
      const tookOver = Date.now() - cutAt;
      assert.ok(tookOver < TTL + 3 * BEAT + 2000, `failover took ${tookOver} ms`);
      assertNoOverlap(holders);

      // node-d joins: the others give cameras back (a few per heartbeat), it takes its share, nothing doubles.
      const d = await node(ts, 'node-d');
      d.m.start();
      holders.push(d.holder);
      await until('node-d has its share (30 cameras over b, c, d)', () => d.holder.active().length >= 10, TTL * 8).catch((e: unknown) => { throw new Error(`${String(e)}: b ${b.holder.active().length} c ${c.holder.active().length} d ${d.holder.active().length}`); });
      await until('all still held', () => holders.reduce((s, h) => s + h.active().length, 0) === 30);
      assertNoOverlap(holders);

      // The database's lease history agrees: per camera, epochs follow one another without overlap.
      const repo = new ClusterRepository(ts.store.db, ts.store.engine);
      const hist = await repo.history('recorder');
      for (const cam of CAMERAS) {
        const h = hist.filter((x) => x.cameraId === cam);
        for (let k = 1; k < h.length; k++) assert.ok(h[k - 1]!.releasedAt !== null && h[k - 1]!.releasedAt! <= h[k]!.acquiredAt, `${cam}: lease epochs overlap`);
      }
      // A clean stop gives everything back at once.
      await b.m.stop();
      assert.equal(b.holder.active().length, 0);
      await until('node-b cameras taken', () => c.holder.active().length + d.holder.active().length === 30, TTL * 6);
      assertNoOverlap(holders);
    });

    test('a node with another cluster key is refused', async () => {
      const ts = await openTestStore(engine);
      opened.push(ts);
      const repo = new ClusterRepository(ts.store.db, ts.store.engine);
      const mk = (key: string) => new NodeRegistry({ repo, nodeId: `n-${key.length}`, roles: ['recorder'], capacity: { recorder: 1, analytics: 0 }, version: 't', apiUrl: null, key, heartbeatMs: BEAT, maxClockSkewMs: 2000, log: silentLogger(), load: () => ({}) });
      const first = mk('first-key-of-this-cluster');
      await first.join();
      await first.leave();
      await assert.rejects(mk('another-key-entirely-1234').join(), /does not match this cluster's key/);
      await assert.rejects(mk('').join(), /cluster\.key is not set/);
    });
  });
}
