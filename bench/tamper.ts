/**
 * Camera health benchmark: what tamper detection costs.
 *
 *   npx tsx bench/tamper.ts [--smoke] [--seconds 60] [--iterations 20000] [--sampler-seconds 60]
 *
 * 1. Analysis: TamperDetector.analyse on 64×36 frames (statistics + block similarity with the
 *    reference + hysteresis), µs per frame; frames decoded from real footage when ../shared is
 *    present, else from a test clip.
 * 2. Baseline, same run: the decode itself — ffmpeg with the sampler's arguments over a recorded
 *    clip as fast as it can (`-benchmark` utime+stime), CPU per sampled frame, keyframes only
 *    (`-skip_frame nokey`, what the sampler uses when the interval ≥ GOP) and full decode; for a
 *    640×360 sub-stream and a 1920×1080 main stream (25 fps, GOP 2 s).
 * 3. The sampler per camera at 1 frame / 5 s in real time (FrameSampler on a looping file source
 *    read at its native rate): its ffmpeg's CPU (/proc/<pid>/stat) as % of one core.
 * Prints one JSON line on stdout; progress on stderr.
 */
import { readFileSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { silentLogger } from '../src/core/logger';
import { decodeFrames } from '../src/health/frames';
import { FrameSampler, samplerArgs } from '../src/health/sampler';
import type { GreyFrame } from '../src/health/tamper';
import { TamperDetector } from '../src/health/tamper-state';
import { DEFAULT_TOOLS, runTool } from '../src/media/ffmpeg';
import { ffmpegInputArgs } from '../src/ingest/source';
import { SHARED_DIR } from '../test/support/shared';
import { args, finish, intArg, log, machine } from './lib/common';
import { median, round } from './lib/stats';

const a = args({ smoke: 'boolean', seconds: 'string', iterations: 'string', 'sampler-seconds': 'string' });
const smoke = a.smoke === true;
const SECONDS = intArg(a.seconds, smoke ? 10 : 60);
const ITER = intArg(a.iterations, smoke ? 2000 : 20_000);
const SAMPLER_S = intArg(a['sampler-seconds'], smoke ? 3 : 60);
const INTERVAL_MS = 5000;
const SIZE = { width: 64, height: 36 };
const STREAMS = smoke ? [{ name: '640x360', w: 640, h: 360 }] : [{ name: '640x360', w: 640, h: 360 }, { name: '1920x1080', w: 1920, h: 1080 }];

function makeClip(file: string, w: number, h: number, seconds: number): string {
  // A busy picture (test pattern + noise) so the encoder spends bits like a real scene.
  const r = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=${w}x${h}:rate=25:duration=${seconds}`, '-vf', 'noise=alls=12:allf=t',
    '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-g', '50', '-keyint_min', '50', '-sc_threshold', '0', '-bf', '0', file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`could not make ${file}: ${r.stderr}`);
  return file;
}

/** µs per analyse() over `frames`, cycling, after a warm-up; the median of 5 passes. */
function analysisCost(frames: GreyFrame[]): { usPerFrame: number } {
  const passes: number[] = [];
  for (let p = 0; p < 5; p++) {
    const d = new TamperDetector();
    d.analyse(frames[0]!, 0, true);
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < ITER; i++) d.analyse(frames[i % frames.length]!, i * 5000, true);
    passes.push(Number(process.hrtime.bigint() - t0) / 1e3 / ITER);
  }
  return { usPerFrame: round(median(passes), 2) };
}

async function decodeCpu(file: string, keyframesOnly: boolean): Promise<{ cpuMsPerFrame: number; frames: number; cpuS: number }> {
  const argv = ['-hide_banner', '-nostdin', '-benchmark', '-loglevel', 'info', ...samplerArgs({ inputArgs: ['-i', file], intervalMs: INTERVAL_MS, keyframesOnly, ...SIZE })
    .filter((x, i, arr) => !(x === '-loglevel' || arr[i - 1] === '-loglevel'))];
  const r = await runTool(DEFAULT_TOOLS.ffmpegPath, argv, { timeoutMs: 600_000 });
  const m = /utime=([\d.]+)s stime=([\d.]+)s/.exec(r.stderr);
  if (!m) throw new Error(`ffmpeg -benchmark printed no times: ${r.stderr.slice(-300)}`);
  const frames = Math.floor(r.stdout.length / (SIZE.width * SIZE.height));
  const cpuS = Number(m[1]) + Number(m[2]);
  return { cpuMsPerFrame: round((cpuS * 1000) / frames, 2), frames, cpuS: round(cpuS, 3) };
}

function cpuTicks(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(f[11]) + Number(f[12]); // utime + stime (fields 14, 15)
}

async function samplerCpu(file: string, keyframesOnly: boolean): Promise<{ cpuPercentOfCore: number; frames: number }> {
  const s = new FrameSampler({
    tools: DEFAULT_TOOLS, inputArgs: ffmpegInputArgs({ url: `file://${file}`, transport: 'auto' }, { defaultTransport: 'tcp' }), intervalMs: INTERVAL_MS, keyframesOnly, ...SIZE,
    restartInitialDelayMs: 1000, restartMaxDelayMs: 5000, stallTimeoutMs: 30_000, log: silentLogger(), onFrame: () => undefined,
  });
  s.start();
  await new Promise((r) => setTimeout(r, 2000)); // start-up (probe, first keyframe) is not the steady state
  const pid = s.pid;
  if (!pid) throw new Error('sampler did not start');
  const t0 = Date.now();
  const c0 = cpuTicks(pid);
  const f0 = s.stats.frames;
  await new Promise((r) => setTimeout(r, SAMPLER_S * 1000));
  const ticks = cpuTicks(pid) - c0;
  const wall = (Date.now() - t0) / 1000;
  const frames = s.stats.frames - f0;
  await s.stop();
  return { cpuPercentOfCore: round((ticks / 100 / wall) * 100, 2), frames };
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'sv-bench-tamper-'));
try {
  const footage = path.join(SHARED_DIR, 'media/intel-sample-videos/one-by-one-person-detection.mp4');
  const analysisSource = existsSync(footage) ? footage : makeClip(path.join(dir, 'analysis.mp4'), 640, 360, 10);
  log(`decoding analysis frames from ${path.basename(analysisSource)}`);
  const frames = await decodeFrames(DEFAULT_TOOLS, analysisSource, { ...SIZE, fps: '1', maxFrames: 60 });
  const analysis = analysisCost(frames);
  log(`analysis: ${analysis.usPerFrame} µs per 64×36 frame (${ITER} × 5)`);

  const streams: Record<string, unknown>[] = [];
  for (const st of STREAMS) {
    log(`stream ${st.name}: making a ${SECONDS} s clip`);
    const clip = makeClip(path.join(dir, `${st.name}.mp4`), st.w, st.h, SECONDS);
    const key = await decodeCpu(clip, true);
    const full = await decodeCpu(clip, false);
    log(`  decode per sampled frame: keyframes only ${key.cpuMsPerFrame} ms, full ${full.cpuMsPerFrame} ms (${key.frames} frames)`);
    const rtKey = await samplerCpu(clip, true);
    const rtFull = await samplerCpu(clip, false);
    log(`  sampler at 1 frame/5 s, real time: keyframes only ${rtKey.cpuPercentOfCore} % of a core, full decode ${rtFull.cpuPercentOfCore} %`);
    streams.push({
      stream: st.name, clipSeconds: SECONDS, sampledFrames: key.frames,
      decodeCpuMsPerSampledFrame: { keyframesOnly: key.cpuMsPerFrame, full: full.cpuMsPerFrame },
      analysisShareOfKeyframeDecode: round(analysis.usPerFrame / 1000 / key.cpuMsPerFrame, 4),
      samplerCpuPercentOfCore: { keyframesOnly: rtKey.cpuPercentOfCore, full: rtFull.cpuPercentOfCore },
      camerasPerCore: { keyframesOnly: round(100 / Math.max(rtKey.cpuPercentOfCore, 0.01), 0), full: round(100 / Math.max(rtFull.cpuPercentOfCore, 0.01), 0) },
      samplerSeconds: SAMPLER_S, samplerFrames: { keyframesOnly: rtKey.frames, full: rtFull.frames },
    });
  }
  finish({ bench: 'tamper', smoke, machine: machine(), frame: `${SIZE.width}x${SIZE.height}`, intervalMs: INTERVAL_MS, analysisSource: path.basename(analysisSource), analysisUsPerFrame: analysis.usPerFrame, iterations: ITER, streams });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
