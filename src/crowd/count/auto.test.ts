import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AutoCounter } from './auto';
import type { CountFrame, CountResult, CrowdCounter } from './index';
import { createCrowdCounter } from './index';

/** A counter that reads the count it should report from the frame's first byte (the test's scene). */
class SceneCounter implements CrowdCounter {
  calls = 0;
  constructor(readonly kind: 'detector' | 'density', private readonly scale: number) {}
  async count(frame: CountFrame): Promise<CountResult> {
    this.calls++;
    return { count: frame.data[0]! * this.scale, kind: this.kind, points: [], tiles: 1, ms: 0 };
  }
  async close(): Promise<void> {}
}
const scene = (people: number): CountFrame => ({ width: 1, height: 1, data: Uint8Array.from([people, 0, 0]) });

test('auto: detector while sparse, density once the detector sees denseAbove (same frame recounted), back below sparseBelow — with hysteresis', async () => {
  const det = new SceneCounter('detector', 1);
  const den = new SceneCounter('density', 1.5); // the density model sees more people than the occluded detector
  const auto = new AutoCounter(det, den, { denseAbove: 40, sparseBelow: 25 });
  const kinds: string[] = [];
  for (const n of [10, 39, 45, 30, 26, 17, 20, 30, 39]) kinds.push((await auto.count(scene(n))).kind);
  // 45 → detector says dense → density on the same frame; 30·1.5 = 45, 26·1.5 = 39 stay dense; 17·1.5 = 25.5 still
  // above 25 → dense; 20·1.5 = 30 dense … the switch down needs the density count ≤ 25
  assert.deepEqual(kinds, ['detector', 'detector', 'density', 'density', 'density', 'density', 'density', 'density', 'density']);
  assert.equal((await auto.count(scene(16))).kind, 'density'); // 24 ≤ 25 → next frame on the detector
  assert.equal(auto.mode, 'detector');
  assert.equal((await auto.count(scene(30))).kind, 'detector'); // 30 < 40: stays on the detector
  assert.throws(() => new AutoCounter(det, den, { denseAbove: 10, sparseBelow: 20 }), /sparseBelow/);
});

test('auto without a density model counts with the detector, whatever the density', async () => {
  const det = new SceneCounter('detector', 1);
  const auto = new AutoCounter(det, null);
  for (const n of [5, 200, 250]) assert.equal((await auto.count(scene(n))).kind, 'detector');
  assert.equal(det.calls, 3);
});

test("createCrowdCounter('auto') without modelPath: the built-in detector; a grey frame has no people (count 0)", async () => {
  const c = await createCrowdCounter({ kind: 'auto' });
  try {
    const r = await c.count({ width: 320, height: 240, data: new Uint8Array(320 * 240 * 3).fill(128) });
    assert.equal(r.kind, 'detector');
    assert.equal(r.count, 0);
    assert.deepEqual(r.points, []);
  } finally {
    await c.close();
  }
  await assert.rejects(createCrowdCounter({ kind: 'nonsense' as 'auto' }), /kind must be one of/);
});
