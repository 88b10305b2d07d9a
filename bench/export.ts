/**
 * Evidence export benchmark.
 *
 *   npx tsx bench/export.ts [--segments 60] [--seconds 10] [--size 1280x720] [--bitrate 2M] [--runs 3] [--keep]
 *   npx tsx bench/export.ts --smoke        (6 small segments, one run: a CI check that it works)
 *
 * Set-up (not timed): one H.264 TS segment of --seconds at --size and --bitrate (keyframe every
 * second) is encoded, copied --segments times into a recorder-style layout under a temp data dir
 * and indexed with SegmentRepository; a site (openSmartView, SQLite) with one camera.
 * Timed, on the same warm files:
 *   export    – ExportService.create → job done: checks, keyframe probe, concat → MP4 by stream copy,
 *               SHA-256 of every source (compared with the index) and of the clip, manifest, signature;
 *   concat    – baseline: plain `ffmpeg -f concat -safe 0 -i list -c copy out.mp4` of the same segments;
 *   sha256    – baseline: SHA-256 of the sources and of the clip (Node, streaming; what sha256sum does);
 *   sha256sum – the coreutils binary over the same files, for reference;
 *   verify    – verifyBundle of the finished bundle (not part of the target).
 * Prints one JSON line on stdout (medians over --runs); progress on stderr. Target: export < 3 s
 * for 10 minutes of one camera (60 × 10 s, 720p, ~2 Mbps).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { keysDir, openSmartView } from '../src/app/app';
import { MemoryBus } from '../src/bus/memory';
import { parseConfig } from '../src/config/load';
import { silentLogger } from '../src/core/logger';
import { sha256File } from '../src/evidence/bundle';
import { principal, seedFootage, T0 } from '../src/evidence/evidence.fixtures';
import { trustFrom } from '../src/evidence/trust';
import { verifyBundle } from '../src/evidence/verify';
import { DEFAULT_TOOLS, runFfmpeg } from '../src/media/ffmpeg';

const { values: a } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    segments: { type: 'string' },
    seconds: { type: 'string', default: '10' },
    size: { type: 'string' },
    bitrate: { type: 'string' },
    runs: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const SEGMENTS = Number(a.segments ?? (a.smoke ? 6 : 60));
const SECONDS = Number(a.seconds);
const [W, H] = (a.size ?? (a.smoke ? '320x180' : '1280x720')).split('x').map(Number) as [number, number];
const BITRATE = a.bitrate ?? (a.smoke ? '300k' : '2M');
const RUNS = Number(a.runs ?? (a.smoke ? 1 : 3));
for (const [k, v] of Object.entries({ SEGMENTS, SECONDS, W, H, RUNS })) if (!Number.isInteger(v) || v <= 0) throw new Error(`bad argument: ${k} = ${v}`);

const log = (m: string) => void process.stderr.write(`[export-bench] ${m}\n`);
const since = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor((xs.length - 1) / 2)]!;
const r3 = (x: number) => Math.round(x * 1000) / 1000;

const dir = mkdtempSync(path.join(os.tmpdir(), 'sv-export-bench-'));
const config = parseConfig({ dataDir: dir, store: { engine: 'sqlite' }, log: { level: 'silent' } });
const sv = await openSmartView(config, silentLogger(), { busOverride: new MemoryBus() });
try {
  // ---- set-up, not timed
  const t0 = process.hrtime.bigint();
  const template = path.join(dir, 'template.ts');
  await runFfmpeg(DEFAULT_TOOLS, [
    '-f', 'lavfi', '-i', `testsrc2=size=${W}x${H}:rate=25:duration=${SECONDS}`,
    '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-b:v', BITRATE, '-maxrate', BITRATE, '-bufsize', BITRATE,
    '-g', '25', '-keyint_min', '25', '-sc_threshold', '0', '-bf', '0', '-f', 'mpegts', '-y', template,
  ], { timeoutMs: 300_000 });
  const sys = { principal: null, ip: null };
  await sv.orgs.ensureDefault();
  await sv.cameras.create(sys, { id: 'bench-cam', name: 'Bench', owner: 'police', location: { lat: 22.3, lon: 114.2, district: 'Central', address: '' }, source: { url: 'rtsp://10.0.0.1/x', transport: 'auto' }, tags: [] });
  const storage = path.join(dir, 'recordings');
  const segs = await seedFootage(sv.store.db, storage, 'bench-cam', T0, { count: SEGMENTS, seconds: SECONDS, width: W, height: H, template });
  const files = segs.map((s) => path.join(storage, s.path));
  const sourceBytes = segs.reduce((n, s) => n + s.bytes, 0);
  const mbps = (sourceBytes * 8) / (SEGMENTS * SECONDS) / 1e6;
  log(`set up ${SEGMENTS} × ${SECONDS} s ${W}x${H} segments, ${(sourceBytes / 1e6).toFixed(1)} MB (${mbps.toFixed(2)} Mbit/s) in ${since(t0).toFixed(1)} s`);

  const inv = principal('bench', [{ role: 'investigator', organisations: null, districts: null }]);
  // Real, open cases naming the exporter (the access policy's 'exports' row checks them), made before the timing.
  for (let run = 0; run < RUNS; run++) await sv.forensic.cases.create({ principal: inv, ip: null }, { ref: `BENCH-${run}`, purpose: 'benchmark', authorisedUsers: [], expiresAt: Date.now() + 86_400_000 });
  const fromMs = T0;
  const toMs = T0 + SEGMENTS * SECONDS * 1000;
  const times = { export: [] as number[], concat: [] as number[], sha256: [] as number[], sha256sum: [] as number[], verify: [] as number[] };
  let lastBundle = '';
  let verifiedOk = true;
  for (let run = 0; run < RUNS; run++) {
    // ---- the real thing
    let t = process.hrtime.bigint();
    const ex = await sv.evidence.create({ principal: inv, ip: null, caseRef: `BENCH-${run}` }, { cameraIds: ['bench-cam'], fromMs, toMs, purpose: 'benchmark' });
    await sv.evidence.idle();
    times.export.push(since(t));
    const done = await sv.evidence.get({ principal: inv, ip: null }, ex.id);
    if (done.status !== 'done') throw new Error(`export failed: ${done.error}`);
    lastBundle = path.join(dir, 'exports', ex.id);
    const clip = path.join(lastBundle, 'cameras/bench-cam/original.mp4');

    // ---- baseline: plain concat by stream copy
    const list = path.join(dir, 'list.txt');
    writeFileSync(list, `ffconcat version 1.0\n${files.map((f) => `file '${f}'`).join('\n')}\n`);
    t = process.hrtime.bigint();
    await runFfmpeg(DEFAULT_TOOLS, ['-f', 'concat', '-safe', '0', '-i', list, '-c', 'copy', '-f', 'mp4', '-y', path.join(dir, 'plain.mp4')], { timeoutMs: 300_000 });
    times.concat.push(since(t));

    // ---- baseline: hashing what the export hashes (sources + clip)
    t = process.hrtime.bigint();
    for (const f of [...files, clip]) await sha256File(f);
    times.sha256.push(since(t));
    t = process.hrtime.bigint();
    const s = spawnSync('sha256sum', [...files, clip], { stdio: ['ignore', 'ignore', 'pipe'] });
    if (s.status === 0) times.sha256sum.push(since(t));

    t = process.hrtime.bigint();
    const report = await verifyBundle(lastBundle, trustFrom({ siteKeysDir: keysDir(config) }));
    times.verify.push(since(t));
    verifiedOk &&= report.ok;
    if (!report.ok) log(`verify FAILED: ${JSON.stringify(report.problems)}`);
    log(`run ${run + 1}/${RUNS}: export ${times.export.at(-1)!.toFixed(3)} s, concat ${times.concat.at(-1)!.toFixed(3)} s, sha256 ${times.sha256.at(-1)!.toFixed(3)} s`);
    if (run < RUNS - 1) rmSync(lastBundle, { recursive: true, force: true });
  }
  const clipBytes = statSync(path.join(lastBundle, 'cameras/bench-cam/original.mp4')).size;
  const exportS = median(times.export);
  const baseline = median(times.concat) + median(times.sha256);
  process.stdout.write(`${JSON.stringify({
    bench: 'export',
    smoke: a.smoke,
    segments: SEGMENTS,
    secondsOfVideo: SEGMENTS * SECONDS,
    size: `${W}x${H}`,
    sourceMB: r3(sourceBytes / 1e6),
    sourceMbps: r3(mbps),
    clipMB: r3(clipBytes / 1e6),
    runs: RUNS,
    exportSeconds: r3(exportS),
    exportSecondsAll: times.export.map(r3),
    concatSeconds: r3(median(times.concat)),
    sha256Seconds: r3(median(times.sha256)),
    sha256sumSeconds: times.sha256sum.length ? r3(median(times.sha256sum)) : null,
    verifySeconds: r3(median(times.verify)),
    exportOverConcatPlusSha256: r3(exportS / baseline),
    bundleFiles: readdirSync(lastBundle, { recursive: true }).length,
    verifiedOk,
    targetMet: exportS < 3,
    node: process.version,
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? 'unknown',
  })}\n`);
  if (!verifiedOk) process.exitCode = 1;
} finally {
  await sv.close();
  if (a.keep) log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
