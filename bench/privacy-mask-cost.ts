/**
 * The cost of a MASKED live stream against the plain stream-copy remux of the same camera, in the same run.
 *
 *   npx tsx bench/privacy-mask-cost.ts [--seconds 30] [--smoke]
 *
 * Source: a pre-encoded H.264 clip (testsrc2, GOP 1 s, 25 fps) read in real time (`-re -stream_loop -1`), at the
 * main-stream size 1280×720 and at a sub-stream size 640×360. For each, two ffmpeg run side by side for the
 * same wall time with exactly the arguments src/live uses:
 *   copy   – liveOutputArgs (stream copy into fragmented MP4: what unmasked viewers share);
 *   masked – maskedLiveOutputArgs (decode, scale to ≤ privacy.encoder.liveMaxHeight lines, 3 mask polygons filled
 *            with drawbox, libx264 -preset <privacy.encoder.preset> -tune zerolatency -crf 23, keyframe every second,
 *            no B-frames, into fragmented MP4: what every masked viewer of that camera shares).
 * CPU = user + system seconds from /proc/<pid>/stat over the measured window (after a warm-up), as % of one core.
 * The masked stream is ONE per camera however many masked viewers watch (LiveHub shares it), so the cost per
 * extra viewer is only the fan-out of the fragments (as for copy). Last stdout line: JSON.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { privacySchema } from '../src/config/privacy.schema';
import { liveOutputArgs } from '../src/live/camera-source';
import { DEFAULT_TOOLS, runFfmpeg, spawnFfmpeg } from '../src/media/ffmpeg';
import { maskedLiveOutputArgs, maskFilter } from '../src/media/privacy-filters';
import { rasterise } from '../src/privacy/raster';
import { args, finish, intArg, log, machine } from './lib/common';
import { cpuSeconds, loadAverage } from './lib/recorder';

const a = args({ seconds: 'string', smoke: 'boolean' });
const SECONDS = a.smoke ? 3 : intArg(a.seconds, 30);
const WARM_MS = a.smoke ? 1000 : 3000;
const cfg = privacySchema.parse({});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const polys = [
  { label: 'a', points: [[0.05, 0.05], [0.3, 0.08], [0.28, 0.4], [0.06, 0.35]] as Array<[number, number]> },
  { label: 'b', points: [[0.6, 0.1], [0.95, 0.1], [0.95, 0.3], [0.6, 0.3]] as Array<[number, number]> },
  { label: 'c', points: [[0.4, 0.6], [0.55, 0.9], [0.3, 0.95]] as Array<[number, number]> },
];
const filter = maskFilter(rasterise(polys, cfg.maskGrid.columns, cfg.maskGrid.rows), cfg.maskGrid.columns, cfg.maskGrid.rows, cfg.fillColor);

async function measure(clip: string): Promise<{ copyPct: number; maskedPct: number; ratio: number; copyBytes: number; maskedBytes: number }> {
  const input = ['-re', '-stream_loop', '-1', '-i', clip];
  const kids = {
    copy: spawnFfmpeg(DEFAULT_TOOLS, ['-loglevel', 'error', ...input, ...liveOutputArgs({ fragmentMs: 250, transcode: false })], { stdout: 'pipe' }),
    masked: spawnFfmpeg(DEFAULT_TOOLS, ['-loglevel', 'error', ...input, ...maskedLiveOutputArgs({ fragmentMs: 250, filter, maxHeight: cfg.encoder.liveMaxHeight, encoder: cfg.encoder })], { stdout: 'pipe' }),
  };
  const bytes = { copy: 0, masked: 0 };
  let counting = false;
  for (const [k, c] of Object.entries(kids) as Array<['copy' | 'masked', (typeof kids)['copy']]>) c.stdout!.on('data', (d: Buffer) => counting && (bytes[k] += d.length));
  try {
    await sleep(WARM_MS);
    const c0 = cpuSeconds(kids.copy.pid!) ?? NaN;
    const m0 = cpuSeconds(kids.masked.pid!) ?? NaN;
    counting = true;
    const t0 = performance.now();
    await sleep(SECONDS * 1000);
    const wall = (performance.now() - t0) / 1000;
    const c1 = cpuSeconds(kids.copy.pid!) ?? NaN;
    const m1 = cpuSeconds(kids.masked.pid!) ?? NaN;
    const copyPct = ((c1 - c0) / wall) * 100;
    const maskedPct = ((m1 - m0) / wall) * 100;
    if (!(bytes.copy > 0 && bytes.masked > 0)) throw new Error(`a stream produced nothing (copy ${bytes.copy} B, masked ${bytes.masked} B)`);
    return { copyPct: +copyPct.toFixed(1), maskedPct: +maskedPct.toFixed(1), ratio: +(maskedPct / Math.max(copyPct, 0.1)).toFixed(1), copyBytes: bytes.copy, maskedBytes: bytes.masked };
  } finally {
    for (const c of Object.values(kids)) c.kill('SIGKILL');
  }
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'sv-bench-maskcost-'));
try {
  const results: Record<string, unknown> = {};
  for (const [name, size] of [['main 1280x720', '1280x720'], ['sub 640x360', '640x360']] as const) {
    const clip = path.join(dir, `${size}.mp4`);
    await runFfmpeg(DEFAULT_TOOLS, ['-y', '-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=25:duration=10`, '-c:v', 'libx264', '-preset', 'veryfast', '-g', '25', '-bf', '0', '-pix_fmt', 'yuv420p', clip], { timeoutMs: 120_000 });
    const r = await measure(clip);
    results[name] = r;
    log(`${name}: copy ${r.copyPct}% of a core, masked ${r.maskedPct}% (${r.ratio}×); load ${loadAverage().join(' ')}`);
  }
  finish({
    bench: 'privacy-mask-cost', seconds: SECONDS, encoder: `libx264 -preset ${cfg.encoder.preset} -tune zerolatency -crf ${cfg.encoder.crf}, ≤ ${cfg.encoder.liveMaxHeight} lines, keyframe every 1 s, no B-frames`,
    masks: polys.length, results, note: 'one masked stream per camera, shared by all its masked viewers', loadAverage: loadAverage(), machine: machine(),
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
