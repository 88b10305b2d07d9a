import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { prng } from '../../test/support/prng';
import { ValidationError } from '../core/errors';
import { GroundCalibration, symmetricEigen, type CalibrationPair } from './calibration';
import type { Pt } from './geometry';

const ORIGIN: [number, number] = [22.3193, 114.1694]; // Mong Kok
const R = 6_371_008.8;

/** Ground metres (east, north of ORIGIN) → [lat, lon]. */
function latLon([x, y]: Pt): [number, number] {
  const rad = Math.PI / 180;
  return [ORIGIN[0] + y / R / rad, ORIGIN[1] + x / (R * Math.cos(ORIGIN[0] * rad)) / rad];
}

/** A pinhole camera 6 m up at 10 m south of the origin, looking north and 30° down; normalised image coordinates. */
function project([x, y]: Pt): Pt {
  const th = (30 * Math.PI) / 180;
  const v = [x, y + 10, -6];
  const f = [0, Math.cos(th), -Math.sin(th)];
  const dn = [0, -Math.sin(th), -Math.cos(th)];
  const dot = (a: number[], b: number[]) => a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!;
  const z = dot(v, f);
  return [0.5 + (0.8 * v[0]!) / z, 0.5 + (1.4 * dot(v, dn)) / z];
}

const pair = (g: Pt): CalibrationPair => ({ image: project(g), ground: latLon(g) });
const pairs = (gs: Pt[]): CalibrationPair[] => gs.map(pair);

describe('ground calibration', () => {
  test('four exact pairs reproduce the ground: distances between new points within 1 cm', () => {
    const cal = GroundCalibration.fit(pairs([[-4, 0], [4, 0], [6, 20], [-6, 20]]));
    assert.ok(cal.report.rmsErrorM < 0.001, JSON.stringify(cal.report));
    const rnd = prng(3);
    for (let i = 0; i < 200; i++) {
      const a: Pt = [rnd() * 10 - 5, rnd() * 25];
      const b: Pt = [rnd() * 10 - 5, rnd() * 25];
      const d = cal.distanceM(project(a), project(b));
      assert.ok(d !== null && Math.abs(d - Math.hypot(a[0] - b[0], a[1] - b[1])) < 0.01, `${a} → ${b}: ${d}`);
    }
  });

  test('least squares over noisy pairs: the error report shows the noise', () => {
    const rnd = prng(11);
    const grounds: Pt[] = [[-5, 0], [5, 0], [-5, 10], [5, 10], [-6, 25], [6, 25], [0, 15], [2, 5]];
    const noisy = grounds.map((g) => ({ image: project(g), ground: latLon([g[0] + (rnd() - 0.5) * 0.2, g[1] + (rnd() - 0.5) * 0.2]) }));
    const cal = GroundCalibration.fit(noisy);
    assert.equal(cal.report.points, 8);
    assert.equal(cal.report.pointErrorsM.length, 8);
    assert.ok(cal.report.rmsErrorM > 0.005 && cal.report.rmsErrorM < 0.15, JSON.stringify(cal.report));
    assert.ok(cal.report.maxErrorM >= cal.report.rmsErrorM);
    const d = cal.distanceM(project([0, 5]), project([0, 15]))!;
    assert.ok(Math.abs(d - 10) < 0.3, `10 m measured as ${d}`);
  });

  test('points beyond the horizon have no ground position', () => {
    const cal = GroundCalibration.fit(pairs([[-4, 0], [4, 0], [6, 20], [-6, 20]]));
    // The camera looks 30° down with fy 1.4: the horizon is at y = 0.5 − 1.4·tan30° ≈ −0.31 — put a point above it.
    assert.equal(cal.toMetres([0.5, -0.5]), null);
    assert.ok(cal.toMetres([0.5, 0.9]));
  });

  const rejects = (given: CalibrationPair[], re: RegExp) =>
    assert.throws(() => GroundCalibration.fit(given), (e: unknown) => e instanceof ValidationError && e.details?.field === 'calibration.points' && re.test(e.message));

  test('refuses layouts that cannot define a mapping, naming calibration.points', () => {
    rejects(pairs([[-4, 0], [4, 0], [6, 20]]), /at least 4/);
    rejects(pairs([[-4, 0], [0, 0], [4, 0], [0, 20]]), /three .* on one line/);
    rejects(pairs([[-4, 0], [0, 0], [4, 0], [8, 0], [12, 0]]), /on one line/);
    const same = pairs([[-4, 0], [4, 0], [6, 20], [-6, 20]]);
    same[3] = { ...same[3]!, image: same[0]!.image };
    rejects(same, /same image position/);
    const far = pairs([[-4, 0], [4, 0], [6, 20], [-6, 20]]);
    far[2] = { ...far[2]!, ground: [far[2]!.ground[1], far[2]!.ground[0]] };
    rejects(far, /km apart/);
  });

  test('pairs matched to the wrong ground points are refused (the mapping would fold the ground over the horizon)', () => {
    const ok = pairs([[-4, 0], [4, 0], [6, 20], [-6, 20]]);
    const swapped = [ok[0]!, ok[1]!, { image: ok[2]!.image, ground: ok[3]!.ground }, { image: ok[3]!.image, ground: ok[2]!.ground }];
    rejects(swapped, /one ground plane/);
  });

  test('Jacobi eigen-decomposition: A·v = λ·v for a random symmetric matrix', () => {
    const rnd = prng(5);
    const n = 6;
    const m = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    for (let i = 0; i < n; i++) for (let j = i; j < n; j++) m[i]![j] = m[j]![i] = rnd() * 2 - 1;
    const { values, vectors } = symmetricEigen(m);
    for (let k = 0; k < n; k++) {
      for (let i = 0; i < n; i++) {
        let av = 0;
        for (let j = 0; j < n; j++) av += m[i]![j]! * vectors[j]![k]!;
        assert.ok(Math.abs(av - values[k]! * vectors[i]![k]!) < 1e-9);
      }
    }
  });
});
