import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeReference, encodeReference, frameStats, makeReference, ncc, similarityTo } from './tamper';
import { DEFAULT_TAMPER_OPTIONS, TamperDetector, evaluate, type TamperOptions } from './tamper-state';
import { boxBlur, darken, hflip, noisy, run, scene, uniform, withBox } from './tamper.testing';

const base = scene(64, 36, 7);
const clip = (n: number, f: (i: number) => ReturnType<typeof scene>) => Array.from({ length: n }, (_, i) => f(i));
/** The untouched view with sensor noise, as a camera sends it. */
const live = (i: number) => noisy(base, 6, 100 + i);

describe('frame statistics', () => {
  test('brightness and contrast of known frames', () => {
    const flat = uniform(base, 100);
    const s = frameStats(flat);
    assert.equal(s.brightness, 100);
    assert.equal(s.contrast, 0);
    assert.equal(s.sharpness, 0);
    assert.equal(s.edgeDensity, 0);
    const half = { width: 4, height: 4, data: Uint8Array.from([0, 0, 200, 200, 0, 0, 200, 200, 0, 0, 200, 200, 0, 0, 200, 200]) };
    assert.equal(frameStats(half).brightness, 100);
    assert.equal(frameStats(half).contrast, 100);
  });

  test('blur lowers sharpness and detail; darkening keeps detail (it is relative to contrast)', () => {
    const s = frameStats(base);
    const b = frameStats(boxBlur(base, 1, 2));
    assert.ok(b.sharpness < s.sharpness * 0.3, `${b.sharpness} vs ${s.sharpness}`);
    assert.ok(b.detail < s.detail * 0.45);
    const d = frameStats(darken(base, 0.5));
    assert.ok(d.detail > s.detail * 0.8, 'a lighting change is not defocus');
  });

  test('rejects frames whose size does not match their bytes', () => {
    assert.throws(() => frameStats({ width: 64, height: 36, data: new Uint8Array(10) }), /needs 2304 bytes/);
    assert.throws(() => frameStats({ width: 2, height: 2, data: new Uint8Array(4) }), /at least 3×3/);
  });

  test('similarity: itself ≈ 1, noisy ≈ high, a passing vehicle barely matters, flipped or another view is low', () => {
    const ref = makeReference(base, 0);
    assert.ok(similarityTo(ref, base)! > 0.99);
    assert.ok(similarityTo(ref, live(1))! > 0.8);
    assert.ok(similarityTo(ref, withBox(base, 10, 10, 14, 10, 30))! > 0.8, 'an object covering ~6% of the view');
    assert.ok(similarityTo(ref, hflip(base))! < 0.4);
    assert.ok(similarityTo(ref, scene(64, 36, 99))! < 0.4);
    assert.equal(similarityTo(ref, scene(32, 18, 7)), null, 'another size cannot be compared');
    assert.equal(ncc([1, 1, 1], [1, 2, 3]), 0, 'a flat signal correlates with nothing');
  });

  test('a stored reference decodes to the same comparison', () => {
    const ref = makeReference(base, 42);
    const back = decodeReference(JSON.parse(JSON.stringify(encodeReference(ref))));
    assert.equal(back.capturedAt, 42);
    assert.ok(Math.abs(similarityTo(back, live(3))! - similarityTo(ref, live(3))!) < 0.01);
  });
});

describe('flags with hysteresis', () => {
  test('the untouched view raises nothing over a long run', () => {
    const r = run(clip(300, live));
    assert.deepEqual([...r.ever], []);
    assert.ok(r.detector.reference, 'the reference was captured from the first clean frame');
  });

  test('covered, dark, defocused and moved each rise after raiseAfter samples and clear after clearAfter', () => {
    const cases = [
      { flag: 'covered', frame: (i: number) => noisy(uniform(base, 140), 1, i) },
      { flag: 'dark', frame: (i: number) => noisy(darken(base, 0.1), 1, i) },
      { flag: 'defocused', frame: (i: number) => noisy(boxBlur(base, 1, 3), 1, i) },
      { flag: 'moved', frame: (i: number) => noisy(hflip(base), 6, i) },
    ] as const;
    for (const c of cases) {
      const frames = [...clip(5, live), ...clip(6, c.frame), ...clip(6, live)];
      const r = run(frames);
      const at = (i: number) => r.flags[i]!.includes(c.flag);
      assert.equal(at(6), false, `${c.flag}: not after 2 samples`);
      assert.equal(at(7), true, `${c.flag}: raised on the 3rd sample`);
      assert.equal(at(10), true);
      assert.equal(at(12), true, `${c.flag}: still raised after 2 clean samples`);
      assert.equal(at(13), false, `${c.flag}: cleared on the 3rd clean sample`);
      if (c.flag === 'defocused' || c.flag === 'moved') assert.deepEqual(r.flags[10], [c.flag], `${c.flag} alone`);
    }
  });

  test('a lens capped black is covered and dark; moved and defocused are not judged then', () => {
    const r = run([...clip(4, live), ...clip(8, (i) => noisy(uniform(base, 3), 1, i))]);
    assert.deepEqual(r.flags.at(-1), ['covered', 'dark']);
  });

  test('noise around a threshold does not flap: value and time hysteresis', () => {
    // Brightness alternating around darkMaxBrightness (25): never 3 in a row below it.
    const dim = (v: number) => uniform(base, v);
    const opts: TamperOptions = { ...DEFAULT_TAMPER_OPTIONS, thresholds: { ...DEFAULT_TAMPER_OPTIONS.thresholds, coveredMaxContrast: -1, coveredClearContrast: -1 } };
    const r = run(clip(40, (i) => dim(i % 3 === 2 ? 27 : 22)), opts);
    assert.ok(!r.ever.has('dark'), 'never three dark samples in a row');
    // Once raised, values between 25 and 35 keep it raised.
    const r2 = run([...clip(3, () => dim(20)), ...clip(20, (i) => dim(i % 2 ? 30 : 33))], opts);
    assert.ok(r2.flags.slice(3).every((f) => f.includes('dark')), 'stays raised inside the band');
  });

  test('the reference is not taken from a covered or dark view, nor when the camera is not known healthy', () => {
    const d = new TamperDetector();
    const captured = () => d.reference?.capturedAt ?? null;
    d.analyse(uniform(base, 0), 0, true);
    assert.equal(captured(), null);
    d.analyse(base, 1000, false);
    assert.equal(captured(), null);
    d.analyse(base, 2000, true);
    assert.equal(captured(), 2000);
  });

  test('resetting the reference clears moved; the new view becomes the reference', () => {
    const r = run([...clip(3, live), ...clip(5, (i) => noisy(hflip(base), 6, i))]);
    assert.deepEqual(r.detector.flags, ['moved']);
    assert.deepEqual(r.detector.resetReference(), ['moved']);
    const after = run(clip(10, (i) => noisy(hflip(base), 6, 50 + i)), DEFAULT_TAMPER_OPTIONS, r.detector, 10_000);
    assert.deepEqual([...after.ever], []);
    assert.equal(after.detector.reference?.capturedAt, 10_000);
  });

  test('state survives a restart: raised flags and their times are restored', () => {
    const r = run([...clip(3, live), ...clip(4, (i) => noisy(hflip(base), 6, i))]);
    const since = r.detector.state.raised.moved;
    assert.equal(since, 5000);
    const restored = new TamperDetector(DEFAULT_TAMPER_OPTIONS, r.detector.state);
    assert.deepEqual(restored.flags, ['moved']);
    assert.deepEqual(restored.state.raised, { moved: 5000 });
  });

  test('evaluate picks the clear threshold for a raised flag', () => {
    const obs = { at: 0, stats: { ...frameStats(base), brightness: 30 }, similarity: 0.6, detailRatio: 0.5 };
    const th = DEFAULT_TAMPER_OPTIONS.thresholds;
    assert.deepEqual(evaluate(obs, new Set(), th), { covered: false, dark: false, defocused: false, moved: false });
    assert.deepEqual(evaluate(obs, new Set(['dark', 'moved', 'defocused']), th), { covered: false, dark: true, defocused: null, moved: null });
    assert.deepEqual(evaluate({ ...obs, stats: { ...obs.stats, brightness: 100 } }, new Set(['moved', 'defocused']), th), { covered: false, dark: false, defocused: null, moved: true }, 'defocus is not judged on a moved view');
    assert.deepEqual(evaluate({ ...obs, stats: { ...obs.stats, brightness: 100 }, similarity: 0.9 }, new Set(['moved', 'defocused']), th), { covered: false, dark: false, defocused: true, moved: false });
  });
});
