import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildDataset } from './dataset';

const SMALL = { vehicles: 120, days: 8, cameras: 120, queries: 200 };

test('the simulator is deterministic per seed and differs between seeds', () => {
  const a = buildDataset({ ...SMALL, seed: 7 });
  const b = buildDataset({ ...SMALL, seed: 7 });
  const c = buildDataset({ ...SMALL, seed: 8 });
  assert.deepEqual(a.history.slice(0, 500), b.history.slice(0, 500));
  assert.deepEqual(a.queries, b.queries);
  assert.notDeepEqual(a.history.slice(0, 50), c.history.slice(0, 50));
});

test('history stops before the held-back days; queries are held-back trips cut after k ≥ 1 sightings', () => {
  const ds = buildDataset({ ...SMALL, seed: 3 });
  const cutoff = Date.parse(ds.meta.heldBackFrom as string);
  assert.equal(ds.cameras.length, 120);
  assert.ok(ds.history.length > 5000, `${ds.history.length} sightings`);
  assert.ok(ds.history.every((h) => h.ts < cutoff));
  assert.equal(ds.queries.length, 200);
  const cams = new Set(ds.cameras.map((c) => c.camera_id));
  ds.queries.forEach((q, i) => {
    const t = ds.truth[i]!;
    assert.equal(t.id, q.id);
    assert.ok(q.history.length >= 1);
    assert.equal(q.now, q.history.at(-1)!.ts);
    assert.ok(Date.parse(q.history[0]!.ts) >= cutoff);
    assert.ok(Date.parse(t.ts) > Date.parse(q.now));
    assert.ok(cams.has(t.next_camera));
  });
  // Weekday commuting: the morning (local 6–10 h) is busier than the night.
  const localHour = (ts: number) => new Date(ts + 8 * 3_600_000).getUTCHours();
  const morning = ds.history.filter((h) => localHour(h.ts) >= 7 && localHour(h.ts) < 9).length;
  const night = ds.history.filter((h) => localHour(h.ts) >= 2 && localHour(h.ts) < 4).length;
  assert.ok(morning > 10 * Math.max(1, night), `morning ${morning}, night ${night}`);
});
