import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RgbImage } from '../detect/types';
import { DESCRIPTOR_DIM, hsvDescriptor } from './descriptor';
import { dot, bytesToVector, vectorToBytes } from './vector';

/** A person-shaped crop: `top` colour over the upper half, `bottom` over the lower, plus some noise. */
function person(top: [number, number, number], bottom: [number, number, number], seed = 1, w = 40, h = 100): RgbImage {
  const data = new Uint8Array(w * h * 3);
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff - 0.5) * 20;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const c = y < h / 2 ? top : bottom;
      for (let k = 0; k < 3; k++) data[(y * w + x) * 3 + k] = Math.max(0, Math.min(255, Math.round(c[k]! + rnd())));
    }
  }
  return { width: w, height: h, data };
}

const RED: [number, number, number] = [200, 30, 30];
const BLUE: [number, number, number] = [30, 40, 190];
const BLACK: [number, number, number] = [15, 15, 15];

test('the descriptor is unit length and of the documented size', () => {
  const v = hsvDescriptor(person(RED, BLUE));
  assert.equal(v.length, DESCRIPTOR_DIM);
  assert.ok(Math.abs(dot(v, v) - 1) < 1e-5);
});

test('the same clothes (other noise, other crop size) are closer than swapped or other clothes', () => {
  const a = hsvDescriptor(person(RED, BLUE, 1));
  const same = hsvDescriptor(person(RED, BLUE, 7, 52, 130));
  const swapped = hsvDescriptor(person(BLUE, RED, 3));
  const other = hsvDescriptor(person(BLACK, BLACK, 5));
  assert.ok(dot(a, same) > 0.95, `same clothes: ${dot(a, same)}`);
  assert.ok(dot(a, same) > dot(a, swapped) + 0.3, 'upper and lower body are told apart');
  assert.ok(dot(a, other) < 0.2);
});

test('a malformed image is refused with a clear message', () => {
  assert.throws(() => hsvDescriptor({ width: 4, height: 4, data: new Uint8Array(10) }), /packed RGB image holds 48/);
});

test('vectors survive the byte round trip of the index', () => {
  const v = hsvDescriptor(person(RED, BLUE));
  assert.deepEqual(bytesToVector(vectorToBytes(v)), v);
});
