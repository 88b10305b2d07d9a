/**
 * Frame sampling cost: the analytics samplers (src/sample) against plain ffmpeg decodes of the same
 * stream at the same output size, measured in the same run.
 *
 *   npx tsx bench/sampling.ts [--smoke] [--seconds 60] [--reps 3] [--live-seconds 20]
 *
 * Streams: a generated 720p H.264 clip (testsrc2 + noise, 25 fps, GOP 2 s) and, when ../shared is
 * present, the shared footage. Per stream, two rates:
 *   - at or below the keyframe rate (keyframe-only decoding): sampler vs
 *     `ffmpeg -skip_frame nokey -i … -vf scale=W:H -f null -`            (target ≤ 1.3×)
 *   - above it (full decode): sampler vs `ffmpeg -i … -vf scale=W:H -f null -`  (target ≤ 1.1×)
 * Cost = CPU seconds of ffmpeg (this process's reaped children: /proc/self/stat cutime+cstime) plus
 * this process's own CPU (the JS side: reading, cutting and handing over the frames). The file
 * sampler (sampleFile) runs as fast as it can; with --live-seconds the live CameraSampler on the
 * looping file at its native rate is compared with the same baselines read with -re.
 * The file sampler's cost includes its one-off ffprobe of the file (size, GOP, duration); the ratio
 * without it (the steady state of a long file, of recordings whose index gives size and keyframes,
 * and of a live camera after start) is printed too. After a warm-up run, reps alternate baseline and sampler; the median ratio is reported. A table on stderr, one JSON line on stdout.
 */
import { readFileSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { silentLogger } from '../src/core/logger';
import { DEFAULT_TOOLS, runTool } from '../src/media/ffmpeg';
import { probeSource } from '../src/media/probe';
import { fitWithin, keyframesSuffice } from '../src/sample/args';
import { sampleFile } from '../src/sample/file-sampler';
import { CameraSampler } from '../src/sample/sampler';
import { SHARED_DIR } from '../test/support/shared';
import { args, finish, intArg, log, machine } from './lib/common';
import { median, round } from './lib/stats';

const a = args({ smoke: 'boolean', seconds: 'string', reps: 'string', 'live-seconds': 'string' });
const smoke = a.smoke === true;
const SECONDS = intArg(a.seconds, smoke ? 8 : 60);
const REPS = intArg(a.reps, smoke ? 1 : 3);
const LIVE_S = typeof a['live-seconds'] === 'string' ? intArg(a['live-seconds'], 20) : 0;
const MAX_SIDE = 416;
const TICK = 100; // USER_HZ

function makeClip(file: string): string {
  const r = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=1280x720:rate=25:duration=${SECONDS}`, '-vf', 'noise=alls=12:allf=t',
    '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-g', '50', '-keyint_min', '50', '-sc_threshold', '0', '-bf', '0', file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`could not make ${file}: ${r.stderr}`);
  return file;
}

/** CPU seconds: this process, and its children that have exited and been reaped. */
function cpuNow(): { self: number; children: number } {
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  const u = process.cpuUsage();
  return { self: (u.user + u.system) / 1e6, children: (Number(f[13]) + Number(f[14])) / TICK };
}

function pidCpu(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / TICK;
}

interface Cost { cpuS: number; jsS: number; frames: number; wallS: number }

async function measure(fn: () => Promise<number>): Promise<Cost> {
  const c0 = cpuNow();
  const t0 = performance.now();
  const frames = await fn();
  const c1 = cpuNow();
  return { cpuS: c1.self - c0.self + (c1.children - c0.children), jsS: c1.self - c0.self, frames, wallS: (performance.now() - t0) / 1000 };
}

async function baseline(file: string, keyframesOnly: boolean, w: number, h: number, realtimeS = 0): Promise<number> {
  const rt = realtimeS ? ['-re', '-stream_loop', '-1'] : [];
  const limit = realtimeS ? ['-t', String(realtimeS)] : [];
  await runTool(DEFAULT_TOOLS.ffmpegPath, ['-hide_banner', '-nostdin', '-loglevel', 'error', '-threads', '1', '-filter_threads', '1', ...(keyframesOnly ? ['-skip_frame', 'nokey'] : []), ...rt, '-i', file, ...limit, '-map', '0:v:0', '-an', '-vf', `scale=${w}:${h}:flags=bilinear`, '-f', 'null', '-'], { timeoutMs: 900_000 });
  return 0;
}

async function fileSampler(file: string, fps: number, keyframesOnly: boolean): Promise<number> {
  let n = 0;
  let bytes = 0;
  for await (const f of sampleFile(DEFAULT_TOOLS, file, { fps, maxSide: MAX_SIDE, decode: keyframesOnly ? 'keyframes' : 'full' })) {
    n++;
    bytes += f.rgb.data[0]!; // touch the frame like a consumer would
  }
  return n + bytes * 0;
}

/** The live sampler on the looping file at its native rate for `seconds`: its ffmpeg's CPU plus this process's. */
async function liveSampler(file: string, fps: number, keyframesOnly: boolean, seconds: number): Promise<{ cpuS: number; jsS: number; frames: number }> {
  let frames = 0;
  const s = new CameraSampler({ tools: DEFAULT_TOOLS, source: 'bench', stream: { url: `file://${file}`, transport: 'auto' }, defaultTransport: 'tcp', fps, maxSide: MAX_SIDE, decode: keyframesOnly ? 'keyframes' : 'full', log: silentLogger(), onFrame: () => void frames++ });
  s.start();
  const t0 = Date.now();
  while (!s.info().pid && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 20));
  const pid = s.info().pid!;
  const c0 = pidCpu(pid);
  const j0 = process.cpuUsage();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const c1 = pidCpu(pid);
  const j = process.cpuUsage(j0);
  await s.stop();
  return { cpuS: c1 - c0 + (j.user + j.system) / 1e6, jsS: (j.user + j.system) / 1e6, frames };
}

interface Row { stream: string; mode: string; fps: number; keyframesOnly: boolean; out: string; samplerCpuS: number; samplerJsS: number; baselineCpuS: number; ratio: number; ratioWithoutProbe?: number; probeCpuS?: number; target: number; frames: number; samplerWallS: number; realTimeX: number }

const dir = mkdtempSync(path.join(os.tmpdir(), 'sv-bench-sampling-'));
try {
  const streams: Array<{ name: string; file: string }> = [{ name: 'lavfi-720p-gop2s', file: makeClip(path.join(dir, 'clip720.mp4')) }];
  const shared = path.join(SHARED_DIR, 'media/intel-sample-videos');
  for (const f of smoke ? ['car-detection.mp4'] : ['car-detection.mp4', 'one-by-one-person-detection.mp4']) if (existsSync(path.join(shared, f))) streams.push({ name: f, file: path.join(shared, f) });
  const rows: Row[] = [];
  for (const st of streams) {
    const p = await probeSource(DEFAULT_TOOLS, { url: `file://${st.file}`, transport: 'auto' }, { defaultTransport: 'tcp', analyzeSeconds: 6 });
    const gopMs = p.gopSeconds ? Math.round(p.gopSeconds * 1000) : null;
    const out = fitWithin({ width: p.width!, height: p.height! }, MAX_SIDE);
    const durS = p.durationSec ?? SECONDS;
    const kfRate = gopMs ? 1000 / gopMs : 0;
    const cases = [
      { fps: Math.round(kfRate * 100) / 100, keyframesOnly: true, target: 1.3 },
      { fps: 2, keyframesOnly: false, target: 1.1 },
    ];
    for (const c of cases) {
      if (c.keyframesOnly && !keyframesSuffice(c.fps, gopMs)) continue;
      const ratios: number[] = [];
      const steady: number[] = [];
      await fileSampler(st.file, c.fps, c.keyframesOnly); // warm-up (JIT, page cache)
      const probeCost = await measure(async () => {
        await probeSource(DEFAULT_TOOLS, { url: `file://${st.file}`, transport: 'auto' }, { defaultTransport: 'tcp', analyzeSeconds: 6 });
        return 0;
      });
      let last: { s: Cost; b: Cost } | undefined;
      for (let r = 0; r < REPS; r++) {
        const b = await measure(() => baseline(st.file, c.keyframesOnly, out.width, out.height));
        const s = await measure(() => fileSampler(st.file, c.fps, c.keyframesOnly));
        ratios.push(s.cpuS / Math.max(b.cpuS, 0.01));
        steady.push((s.cpuS - probeCost.cpuS) / Math.max(b.cpuS, 0.01));
        last = { s, b };
      }
      const row: Row = { stream: st.name, mode: 'file', fps: c.fps, keyframesOnly: c.keyframesOnly, out: `${out.width}x${out.height}`, samplerCpuS: round(last!.s.cpuS, 3), samplerJsS: round(last!.s.jsS, 3), baselineCpuS: round(last!.b.cpuS, 3), ratio: round(median(ratios), 3), ratioWithoutProbe: round(median(steady), 3), probeCpuS: round(probeCost.cpuS, 3), target: c.target, frames: last!.s.frames, samplerWallS: round(last!.s.wallS, 2), realTimeX: round(durS / last!.s.wallS, 1) };
      rows.push(row);
      log(`${st.name} file fps ${c.fps} ${c.keyframesOnly ? 'keyframes' : 'full'}: sampler ${row.samplerCpuS} s CPU (JS ${row.samplerJsS} s) vs baseline ${row.baselineCpuS} s → ${row.ratio}× (${row.ratioWithoutProbe}× without the one-off probe of ${row.probeCpuS} s; target ≤ ${c.target}×), ${row.frames} frames, ${row.realTimeX}× real time`);
      if (LIVE_S && st.name.startsWith('lavfi')) {
        const b = await measure(() => baseline(st.file, c.keyframesOnly, out.width, out.height, LIVE_S));
        const s = await liveSampler(st.file, c.fps, c.keyframesOnly, LIVE_S);
        const lr: Row = { stream: st.name, mode: 'live', fps: c.fps, keyframesOnly: c.keyframesOnly, out: `${out.width}x${out.height}`, samplerCpuS: round(s.cpuS, 3), samplerJsS: round(s.jsS, 3), baselineCpuS: round(b.cpuS, 3), ratio: round(s.cpuS / Math.max(b.cpuS, 0.01), 3), target: c.target, frames: s.frames, samplerWallS: LIVE_S, realTimeX: 1 };
        rows.push(lr);
        log(`${st.name} live fps ${c.fps}: sampler ${lr.samplerCpuS} s CPU vs baseline ${lr.baselineCpuS} s → ${lr.ratio}×`);
      }
    }
  }
  console.error('\nstream                          mode  fps   decode     out       sampler CPU s  baseline CPU s  ratio   no-probe  target  frames  ×real time');
  for (const r of rows) {
    console.error(`${r.stream.padEnd(32)}${r.mode.padEnd(6)}${String(r.fps).padEnd(6)}${(r.keyframesOnly ? 'keyframes' : 'full').padEnd(11)}${r.out.padEnd(10)}${String(r.samplerCpuS).padStart(13)}  ${String(r.baselineCpuS).padStart(14)}  ${String(r.ratio).padEnd(6)}  ${String(r.ratioWithoutProbe ?? '-').padEnd(8)}  ≤ ${String(r.target).padEnd(5)} ${String(r.frames).padStart(6)}  ${String(r.realTimeX).padStart(9)}`);
  }
  finish({ bench: 'sampling', smoke, machine: machine(), seconds: SECONDS, reps: REPS, maxSide: MAX_SIDE, rows, allWithinTarget: rows.every((r) => r.ratio <= r.target), steadyWithinTarget: rows.every((r) => (r.ratioWithoutProbe ?? r.ratio) <= r.target) });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
