import assert from 'node:assert/strict';
import { test } from 'node:test';
import { prng } from '../../test/support/prng';
import type { Box } from '../detect/types';
import { initiate, predict, stateToBox, update } from './kalman';

const boxAt = (tS: number): Box => [100 + 80 * tS, 200 - 20 * tS, 40, 100];

test('learns a constant velocity per second from irregularly spaced frames and predicts ahead', () => {
  const rnd = prng(3);
  let t = 0;
  const s = initiate(boxAt(0));
  for (let i = 0; i < 20; i++) {
    const dt = 0.2 + rnd() * 0.8; // 1–5 fps, irregular
    predict(s, dt);
    t += dt;
    update(s, boxAt(t));
  }
  assert.ok(Math.abs(s.v[0]! - 80) < 2, `vx ${s.v[0]} ≈ 80 px/s`);
  assert.ok(Math.abs(s.v[1]! + 20) < 2, `vy ${s.v[1]} ≈ −20 px/s`);
  predict(s, 1.5);
  const b = stateToBox(s);
  const want = boxAt(t + 1.5);
  for (let k = 0; k < 4; k++) assert.ok(Math.abs(b[k]! - want[k]!) < 3, `box[${k}] ${b[k]} ≈ ${want[k]}`);
});

test('uncertainty grows with elapsed time, not with the number of predict calls', () => {
  const a = initiate([0, 0, 40, 100]);
  const b = initiate([0, 0, 40, 100]);
  predict(a, 1);
  for (let i = 0; i < 10; i++) predict(b, 0.1);
  assert.ok(b.p[0]! > a.p[0]! * 0.5 && b.p[0]! < a.p[0]! * 2, `${b.p[0]} vs ${a.p[0]}`);
  const before = a.p[0]!;
  predict(a, 0);
  assert.equal(a.p[0], before);
});

test('a measurement pulls the state toward it and shrinks the uncertainty', () => {
  const s = initiate([0, 0, 40, 100]);
  predict(s, 0.5);
  const p = s.p[0]!;
  update(s, [10, 0, 40, 100]);
  assert.ok(s.x[0]! > 20 && s.x[0]! <= 30, `cx ${s.x[0]}`);
  assert.ok(s.p[0]! < p);
});
