/**
 * Plate reading benchmark.
 *
 *   npx tsx bench/plates.ts [--smoke] [--synthetic 200]
 *
 * Same run, one intra-op thread per model:
 * 1. Recognition per plate: PlateReader.readCrop on the Chinese crops (resize, tensor, session.run, grammar
 *    decoding), interleaved with the baselines, bare PP-OCRv4 rec session.run at 48×320 and 48×160; target ≤ 15 ms.
 * 2. Full image (localise + read): readImage on the CCPD 720×1160 images, interleaved with the baseline bare det
 *    session.run at 384×640 (what the reader feeds it); target < 150 ms.
 * 3. Exact whole-plate accuracy on CCPD (16), the Chinese crops (1,000) and the synthetic Hong Kong set, with
 *    errors per character class (province character / letters / digits; length = a read of the wrong length).
 * CCPD and the crops need ../shared (skipped without it); the synthetic set does not. Table on stderr, one JSON
 * line on stdout.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import type { RgbImage } from '../src/detect/types';
import { DEFAULT_TOOLS } from '../src/media/ffmpeg';
import { decodeImageFile } from '../src/media/images';
import { CN_PROVINCES } from '../src/plates/grammar/charset';
import { defaultModelPaths } from '../src/plates/read/models';
import { PlateReader } from '../src/plates/read/reader';
import { generateHkPlates } from '../src/plates/synth/hk-plates';
import { prng } from '../test/support/prng';
import { SHARED_DIR, sharedSkip } from '../test/support/shared';
import { args, finish, intArg, log, machine } from './lib/common';
import { median, round } from './lib/stats';

const a = args({ smoke: 'boolean', synthetic: 'string' });
const smoke = a.smoke === true;
const N_SYNTH = intArg(a.synthetic, smoke ? 20 : 200);
const ITER = smoke ? 10 : 100;
const PLATES = path.join(SHARED_DIR, 'plates');

interface Accuracy {
  n: number;
  exact: number;
  rate: number;
  errors: { province: number; letter: number; digit: number; length: number };
}

const classOf = (c: string): 'province' | 'letter' | 'digit' => (/[0-9]/.test(c) ? 'digit' : /[A-Z]/.test(c) ? 'letter' : 'province');
/** Letter O and digit 0 count as the same, as ../shared/checks/plates.sh scores them. */
const fold = (s: string): string => s.replace(/O/g, '0');

function score(pairs: { truth: string; got: string }[]): Accuracy {
  const errors = { province: 0, letter: 0, digit: 0, length: 0 };
  let exact = 0;
  for (const { truth, got } of pairs) {
    const t = [...fold(truth)];
    const g = [...fold(got)];
    if (t.join('') === g.join('')) {
      exact++;
      continue;
    }
    if (t.length !== g.length) {
      errors.length++;
      continue;
    }
    t.forEach((c, i) => {
      if (g[i] !== c) errors[CN_PROVINCES.includes(c) ? 'province' : classOf(c)]++;
    });
  }
  return { n: pairs.length, exact, rate: pairs.length ? round(exact / pairs.length, 4) : 0, errors };
}

function timeIt<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  return fn().then((value) => ({ ms: performance.now() - t0, value }));
}

log('loading models (1 thread each)');
const reader = await PlateReader.load({ threads: 1 });
const m = defaultModelPaths();
const raw = await ort.InferenceSession.create(m.recModel, { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all', logSeverityLevel: 3 });

const det = await ort.InferenceSession.create(m.detModel, { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all', logSeverityLevel: 3 });
const tensor = (c: number, h: number, w: number): ort.Tensor => new ort.Tensor('float32', new Float32Array(c * h * w).map((_, i) => ((i * 7919) % 255) / 127.5 - 1), [1, c, h, w]);
const rec320 = tensor(3, 48, 320);
const rec160 = tensor(3, 48, 160);
const timed = async (fn: () => Promise<unknown>): Promise<number> => (await timeIt(fn)).ms;

const result: Record<string, unknown> = { bench: 'plates', smoke, machine: machine() };
const timing = { rawRec48x320Ms: [] as number[], rawRec48x160Ms: [] as number[], readCropMs: [] as number[], rawDetMs: [] as number[], readImageMs: [] as number[] };
for (let i = 0; i < 3; i++) await raw.run({ x: rec320 });

// Chinese crops: recognition time per plate and accuracy.
const cropSkip = sharedSkip('plates/cn-plate-crops');
if (!cropSkip) {
  const dir = path.join(PLATES, 'cn-plate-crops');
  const files = readdirSync(dir).filter((f) => f.endsWith('.jpg')).sort().filter((_, i) => !smoke || i % 20 === 0);
  const images = await Promise.all(files.map((f) => decodeImageFile(DEFAULT_TOOLS, path.join(dir, f))));
  // Interleaved with the bare session.run baselines so machine noise hits all three alike.
  for (const img of images.slice(0, Math.min(images.length, ITER))) {
    timing.rawRec48x320Ms.push(await timed(() => raw.run({ x: rec320 })));
    timing.rawRec48x160Ms.push(await timed(() => raw.run({ x: rec160 })));
    timing.readCropMs.push(await timed(() => reader.readCrop(img)));
  }
  const pairs: { truth: string; got: string }[] = [];
  for (let i = 0; i < images.length; i++) pairs.push({ truth: files[i]!.slice(0, -4), got: (await reader.readImage(images[i]!))[0]?.text ?? '' });
  result.cnCrops = score(pairs);
} else result.cnCrops = { skipped: cropSkip };

const ccpdSkip = sharedSkip('plates/ccpd-samples');
if (!ccpdSkip) {
  const rows = readFileSync(path.join(PLATES, 'ccpd-samples/GT_decoded_from_filenames.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
  const pairs: { truth: string; got: string }[] = [];
  // The detector input the reader uses for a 720×1160 image (longer side 640, multiples of 32).
  const detInput = tensor(3, 640, 384);
  for (const r of rows) {
    const img: RgbImage = await decodeImageFile(DEFAULT_TOOLS, path.join(PLATES, 'ccpd-samples/ccpd_base', r[0]!));
    for (let rep = 0; rep < (smoke ? 1 : 3); rep++) {
      timing.rawDetMs.push(await timed(() => det.run({ x: detInput })));
      const t = await timeIt(() => reader.readImage(img));
      timing.readImageMs.push(t.ms);
      if (rep === 0) pairs.push({ truth: r[6]!, got: t.value[0]?.text ?? '' });
    }
  }
  result.ccpd = score(pairs);
} else result.ccpd = { skipped: ccpdSkip };

const med = (xs: number[]): number | null => (xs.length ? round(median(xs)) : null);
const speed = Object.fromEntries(Object.entries(timing).map(([k, v]) => [k, med(v)]));
result.speed = speed;

const tmp = mkdtempSync(path.join(os.tmpdir(), 'sv-bench-plates-'));
try {
  log(`generating ${N_SYNTH} synthetic Hong Kong plates`);
  const synth = await generateHkPlates(DEFAULT_TOOLS, { dir: tmp, n: N_SYNTH, rand: prng(20261124) });
  const pairs: { truth: string; got: string }[] = [];
  const byKind: Record<string, { n: number; exact: number }> = {};
  for (const p of synth) {
    const got = (await reader.readImage(await decodeImageFile(DEFAULT_TOOLS, path.join(tmp, p.file))))[0]?.text ?? '';
    pairs.push({ truth: p.text, got });
    for (const k of [p.kind, p.night ? 'night' : 'day', p.inScene ? 'scene' : 'crop', p.colour, p.twoRows ? 'two-row' : 'one-row']) {
      const b = (byKind[k] ??= { n: 0, exact: 0 });
      b.n++;
      if (got === p.text) b.exact++;
    }
  }
  result.syntheticHk = { ...score(pairs), byKind };
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

const row = (name: string, v: unknown): string => `${name.padEnd(34)} ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`;
log(
  [
    '',
    row('raw rec 48×320 (baseline), ms', speed.rawRec48x320Ms),
    row('raw rec 48×160 (baseline), ms', speed.rawRec48x160Ms),
    row('recognition per plate, ms (≤ 15)', speed.readCropMs),
    row('raw det 384×640 (baseline), ms', speed.rawDetMs),
    row('full image localise+read, ms (<150)', speed.readImageMs),
    row('CCPD full images (≥ 15/16)', result.ccpd),
    row('Chinese crops (≥ 90%)', result.cnCrops),
    row('synthetic Hong Kong (≥ 95%)', result.syntheticHk),
  ].join('\n'),
);
finish(result);
