import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryBus } from '../bus/memory';
import { silentLogger } from '../core/logger';
import { LivePredictor, reachablePlaces } from './live';
import { buildDataset } from './sim/dataset';

test('plate.sighted trains the model; a hotlisted read gets an interception with time windows', async () => {
  const ds = buildDataset({ seed: 9, vehicles: 150, days: 6, cameras: 150, queries: 50 });
  const hist = ds.history.slice(0, 6000);
  assert.equal(hist.length, 6000);
  const bus = new MemoryBus({ logger: silentLogger(), ephemeralQueue: 50_000 });
  const live = new LivePredictor({ bus, log: silentLogger() });
  await live.start();
  const pos = new Map(ds.cameras.map((c) => [c.camera_id, c]));
  for (const h of hist) {
    const c = pos.get(h.camera_id)!;
    await bus.publish('plate.sighted', { sightingId: 'x', plate: h.plate, grammar: 'hk', cameraId: h.camera_id, owner: 'o', district: 'd', lat: c.lat, lon: c.lon, seenAt: h.ts, confidence: 0.9, vehicleClass: null, hotlistHits: 0 });
  }
  const delivered = () => Object.values(live.counts).reduce((a, b) => a + b, 0);
  for (let i = 0; i < 1000 && delivered() < hist.length; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(delivered(), hist.length);
  assert.ok(live.model.transitions > 3000, `${live.model.transitions} transitions`);
  assert.equal(live.model.cameraIds.length, new Set(hist.map((h) => h.camera_id)).size);

  // A hotlisted plate is read twice on its usual way: the interception follows its trip.
  const q = ds.queries.find((x) => x.history.length >= 2)!;
  let got = null;
  for (const h of q.history) {
    const c = pos.get(h.camera_id)!;
    got = live.ingest({ plate: q.plate, cameraId: h.camera_id, owner: 'o', district: 'd', lat: c.lat, lon: c.lon, seenAt: Date.parse(h.ts), hotlistHits: 1 });
  }
  assert.ok(got);
  assert.equal(got.cameraId, q.history.at(-1)!.camera_id);
  assert.deepEqual(live.latest(q.plate), got);
  assert.ok(got.next.length > 0 && got.ahead.length === 2);
  const seen = Date.parse(q.now);
  for (const c of got.next) assert.ok(seen < c.fromMs && c.fromMs <= c.atMs && c.atMs <= c.toMs, JSON.stringify({ seen, c }));
  // Two steps ahead is later than the earliest next camera; three steps later than the earliest two-step one.
  const earliest = (cs: Array<{ atMs: number }>) => Math.min(...cs.map((c) => c.atMs));
  assert.ok(earliest(got.ahead[0]!.cameras) > earliest(got.next));
  assert.ok(earliest(got.ahead[1]!.cameras) > earliest(got.ahead[0]!.cameras));

  // Places a unit can reach first: a fast unit at the last camera reaches more than a slow one far away.
  const at = pos.get(got.cameraId)!;
  const fast = reachablePlaces(got, { lat: at.lat, lon: at.lon, speedMps: 25 }, seen);
  const slow = reachablePlaces(got, { lat: at.lat + 0.05, lon: at.lon, speedMps: 5 }, seen);
  assert.ok(fast.length > slow.length, `${fast.length} vs ${slow.length}`);
  for (const pl of fast) assert.ok(pl.unitArrivalMs <= pl.fromMs && pl.marginS >= 0);
  for (let i = 1; i < fast.length; i++) assert.ok(fast[i - 1]!.p >= fast[i]!.p);

  // Bad events are counted, never thrown.
  assert.equal(live.ingest({ plate: 'X', cameraId: 'C1', owner: 'o', district: 'd', lat: NaN, lon: 0, seenAt: 0, hotlistHits: 0 }), null);
  assert.equal(live.counts.invalid, 1);
  await live.stop();
  await bus.close();
});

test('warmUp learns stored sightings; live reads arriving meanwhile are held and ingested after, in order', async () => {
  const bus = new MemoryBus({ logger: silentLogger() });
  const live = new LivePredictor({ bus, log: silentLogger() });
  await live.start();
  const T = Date.UTC(2026, 10, 1, 8);
  const at = (cameraId: string, lat: number) => ({ cameraId, owner: 'o', district: 'd', lat, lon: 114.2 });
  // The stored history: 30 trips A → B → C; one page is delivered only after a live read arrived.
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  async function* history() {
    for (let i = 0; i < 30; i++) {
      if (i === 15) await gate;
      const t = T + i * 3_600_000;
      yield [{ plate: `P${i}`, ...at('A', 22.30), seenAt: t, hotlistHits: 0 }, { plate: `P${i}`, ...at('B', 22.31), seenAt: t + 60_000, hotlistHits: 0 }, { plate: `P${i}`, ...at('C', 22.32), seenAt: t + 120_000, hotlistHits: 0 }];
    }
  }
  const warming = live.warmUp(history());
  await bus.publish('plate.sighted', { sightingId: 's1', plate: 'LIVE1', grammar: 'hk', ...at('A', 22.30), seenAt: T + 40 * 3_600_000, confidence: 0.9, vehicleClass: null, hotlistHits: 0 });
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(live.model.plateId('LIVE1', false), -1, 'held while the history is read');
  release();
  const r = await warming;
  assert.equal(r.sightings, 90);
  assert.ok(live.model.plateId('LIVE1', false) >= 0, 'the held read was ingested afterwards');
  const i = live.ingest({ plate: 'LIVE1', ...at('B', 22.31), seenAt: T + 40 * 3_600_000 + 60_000, hotlistHits: 1 });
  assert.equal(i?.next[0]?.cameraId, 'C', 'the stored history taught A → B → C');
  await live.stop();
});
