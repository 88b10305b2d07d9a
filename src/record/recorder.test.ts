import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { makeTestClip } from '../../test/support/media';
import { fileLogger, FlakyIndex, incoming, testRecorder, waitFor } from '../../test/support/recorder';
import { rtspUnavailable, startRtspServer, type RtspServer } from '../../test/support/rtsp';
import { openTestStore, type TestStore } from '../../test/support/engines';
import type { Recorder } from './recorder';
import { StoreRecordingIndex } from './recording-index';
import { RecordingRepository } from './recording.repository';
import { SegmentRepository, type NewSegment } from './segment.repository';

/**
 * The recorder against a real RTSP server (gst-rtsp-server looping a pre-encoded H.264 clip) and
 * a real store: 2 s segments, quick restarts.
 */
const skip = rtspUnavailable() ?? false;
const dir = mkdtempSync(path.join(os.tmpdir(), 'sv-recorder-'));
const USER = 'operator';
const PASSWORD = 'Kowloon-Tong-Secret-77';
let clip: string;
let srv: RtspServer;
let ts: TestStore;

const started: Recorder[] = [];
const make = (o: Parameters<typeof testRecorder>[0]): Recorder => {
  const r = testRecorder(o);
  started.push(r);
  return r;
};

before(async () => {
  if (skip) return;
  clip = makeTestClip(path.join(dir, 'clip.mp4'), { seconds: 10, width: 320, height: 180, fps: 25, gopSeconds: 1 });
  // A busy picture (~3 Mbit/s) for the crash test: ffmpeg's muxer writes in 256 KiB blocks.
  const busy = path.join(dir, 'busy.mp4');
  const r = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25:duration=4', '-vf', 'noise=alls=30:allf=t',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-g', '25', '-keyint_min', '25', '-sc_threshold', '0', '-bf', '0', '-b:v', '3M', '-maxrate', '3M', '-bufsize', '3M', busy], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ffmpeg: ${r.stderr}`);
  srv = await startRtspServer({ mounts: [{ path: '/cam', file: clip }, { path: '/busy', file: busy }] });
  ts = await openTestStore('sqlite');
});
after(async () => {
  await Promise.all(started.map((r) => r.stop())); // a failed test leaves none running
  await srv?.stop();
  await ts?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

function collect(rec: Recorder): NewSegment[] {
  const out: NewSegment[] = [];
  rec.on('segment', (s) => out.push(s));
  return out;
}

function assertAbut(segs: NewSegment[], what: string): void {
  for (let i = 1; i < segs.length; i++) assert.equal(segs[i]!.startMs, segs[i - 1]!.endMs, `${what}: segment ${i} starts where ${i - 1} ends`);
}

test('records segments whose times abut and follow the wall clock; a source outage is a gap with a reason, closed when recording resumes', { skip, timeout: 60_000 }, async () => {
  const root = path.join(dir, 'a');
  const index = new StoreRecordingIndex(ts.store);
  const { log } = fileLogger(path.join(dir, 'a.log'));
  const rec = make({ id: 'cam-a', url: srv.url('/cam'), root, index, log });
  const segs = collect(rec);
  const t0 = Date.now();
  await rec.start();
  await waitFor('2 segments', () => segs.length >= 2);
  const tKill = Date.now();
  srv.kill();
  await waitFor('the outage noticed', () => rec.status().state === 'offline');
  await new Promise((r) => setTimeout(r, 1200));
  const tRestart = Date.now();
  await srv.restart();
  await waitFor('2 segments after the restart', () => segs.filter((s) => s.startMs >= tRestart - 500).length >= 2);
  await rec.stop();

  const all = await new SegmentRepository(ts.store.db).inRange('cam-a', 0, Date.now() + 60_000);
  assert.equal(all.length, segs.length, 'every segment is indexed');
  const run1 = segs.filter((s) => s.endMs <= tKill + 2000);
  const run2 = segs.filter((s) => s.startMs >= tRestart - 500);
  assert.equal(run1.length + run2.length, segs.length);
  assertAbut(run1, 'run 1');
  assertAbut(run2, 'run 2');
  assert.ok(run1[0]!.startMs >= t0 - 200 && run1[0]!.startMs <= t0 + 4000, `first segment starts when recording began (${run1[0]!.startMs - t0} ms)`);
  const recorded1 = run1.reduce((n, s) => n + s.endMs - s.startMs, 0);
  assert.equal(recorded1, run1.at(-1)!.endMs - run1[0]!.startMs, 'durations sum to the wall span');
  assert.ok(Math.abs(run1.at(-1)!.endMs - tKill) < 1500, `run 1 ends when the source died (${run1.at(-1)!.endMs - tKill} ms)`);
  for (const s of segs) {
    assert.equal(s.codec, 'h264');
    assert.ok(existsSync(path.join(root, s.path)), `${s.path} is in place`);
    assert.equal(statSync(path.join(root, s.path)).size, s.bytes);
    assert.equal(s.keyframes[0], 0, 'segments start at a keyframe');
  }
  assert.equal(run1[1]!.status, 'ok');
  assert.equal(run1[1]!.width, 320);

  const gaps = await new RecordingRepository(ts.store.db).gapsInRange('cam-a', 0, Date.now() + 60_000);
  const outage = gaps.find((g) => g.startMs === run1.at(-1)!.endMs);
  assert.ok(outage, `a gap opens where run 1 ends: ${JSON.stringify(gaps)}`);
  assert.ok(['unreachable', 'exited'].includes(outage.reason), outage.reason);
  assert.equal(outage.endMs, run2[0]!.startMs, 'the gap closes where recording resumes');
  assert.ok(run2[0]!.startMs >= tRestart - 300 && run2[0]!.startMs < tRestart + 5000, `run 2 starts after the source is back (${run2[0]!.startMs - tRestart} ms)`);
  assert.equal(gaps.at(-1)!.reason, 'stopped');
  assert.equal(gaps.at(-1)!.endMs, null, 'stopping the recorder leaves a gap open until it records again');
  const health = await new RecordingRepository(ts.store.db).health('cam-a');
  assert.ok(health && health.reconnects >= 1 && health.lastSegmentAt === segs.at(-1)!.endMs, JSON.stringify(health));
  assert.deepEqual(readdirSync(incoming(root, 'cam-a')), [], '.incoming is empty after a clean stop');
});

test('wrong credentials: status auth_failed with what to do; the password never reaches the logs', { skip, timeout: 30_000 }, async () => {
  const authSrv = await startRtspServer({ mounts: [{ path: '/cam', file: clip }], auth: { user: USER, password: PASSWORD } });
  try {
    const logFile = fileLogger(path.join(dir, 'auth.log'));
    const root = path.join(dir, 'auth');
    const rec = make({ id: 'cam-auth', url: authSrv.url('/cam'), root, index: new StoreRecordingIndex(ts.store), log: logFile.log, username: USER, password: 'wrong-' + PASSWORD });
    await rec.start();
    const st = await waitFor('auth_failed', () => (rec.status().reason === 'auth_failed' ? rec.status() : undefined));
    assert.equal(st.state, 'offline');
    assert.match(st.lastError ?? '', /^auth_failed: .*username and password/);
    await rec.stop();
    const gaps = await new RecordingRepository(ts.store.db).gapsInRange('cam-auth', 0, Date.now() + 1000);
    assert.ok(gaps.some((g) => g.reason === 'auth_failed'), JSON.stringify(gaps));
    const health = await new RecordingRepository(ts.store.db).health('cam-auth');
    assert.match(health?.lastError ?? '', /^auth_failed/);

    // With the right password the same camera records.
    const ok = make({ id: 'cam-auth', url: authSrv.url('/cam'), root, index: new StoreRecordingIndex(ts.store), log: logFile.log, username: USER, password: PASSWORD });
    const segs = collect(ok);
    await ok.start();
    await waitFor('a segment with the right credentials', () => segs.length >= 1);
    await ok.stop();
    const text = await logFile.text();
    assert.ok(text.includes('401 Unauthorized'), 'ffmpeg\'s refusal is logged');
    for (const secret of [PASSWORD, encodeURIComponent(PASSWORD), 'wrong-' + PASSWORD]) assert.ok(!text.includes(secret), `the log never holds ${secret}`);
  } finally {
    await authSrv.stop();
  }
});

test('an unreachable camera: status offline with reason unreachable, retried with back-off', { skip, timeout: 20_000 }, async () => {
  const rec = make({ id: 'cam-down', url: 'rtsp://127.0.0.1:9/nothing', root: path.join(dir, 'down'), index: new StoreRecordingIndex(ts.store), log: fileLogger(path.join(dir, 'down.log')).log });
  await rec.start();
  const st = await waitFor('two failed attempts', () => (rec.status().restarts >= 2 ? rec.status() : undefined));
  await rec.stop();
  assert.equal(st.reason, 'unreachable');
  assert.match(st.lastError ?? '', /^unreachable: .*powered and on the network/);
  const health = await new RecordingRepository(ts.store.db).health('cam-down');
  assert.equal(health?.state, 'offline');
});

test('a truncated segment is indexed as truncated, garbage is moved aside, a killed ffmpeg leaves a truncated segment — and recording goes on', { skip, timeout: 40_000 }, async () => {
  const root = path.join(dir, 'trunc');
  const inc = incoming(root, 'cam-t');
  mkdirSync(inc, { recursive: true });
  const whole = makeTestClip(path.join(dir, 'whole.ts'), { seconds: 2, width: 320, height: 180, fps: 25, gopSeconds: 1, format: 'ts' });
  const bytes = readFileSync(whole);
  writeFileSync(path.join(inc, '1000-000000.ts'), bytes.subarray(0, Math.floor(bytes.length / 2) + 100)); // a crash mid-write
  writeFileSync(path.join(inc, '1000-000001.ts'), Buffer.from('this is not a transport stream\n'.repeat(200)));
  const rec = make({ id: 'cam-t', url: srv.url('/busy'), root, index: new StoreRecordingIndex(ts.store), log: fileLogger(path.join(dir, 'trunc.log')).log });
  const segs = collect(rec);
  await rec.start();
  assert.equal(segs.length, 1, 'the leftover with video is indexed at start-up');
  assert.equal(segs[0]!.status, 'truncated');
  assert.ok(segs[0]!.endMs - segs[0]!.startMs > 400 && segs[0]!.endMs - segs[0]!.startMs < 2000);
  assert.ok(existsSync(path.join(root, '.quarantine', 'cam-t', '1000-000001.ts')), 'garbage moved aside');

  await waitFor('a live segment', () => segs.length >= 2);
  // The newest file is the segment in progress: kill ffmpeg once part of it is on disk.
  await waitFor('a segment in progress on disk', () => {
    const newest = readdirSync(inc).sort().at(-1);
    return newest !== undefined && statSync(path.join(inc, newest)).size >= 200_000;
  });
  process.kill(rec.pid!, 'SIGKILL'); // ffmpeg dies mid-segment
  await waitFor('the cut-off segment', () => segs.some((s, i) => i >= 2 && s.status === 'truncated'));
  const n = segs.length;
  await waitFor('recording resumed', () => segs.length >= n + 1 && rec.status().state === 'online');
  await rec.stop();
  const indexed = await new SegmentRepository(ts.store.db).inRange('cam-t', 0, Date.now() + 60_000);
  assert.equal(indexed.length, segs.length);
  assert.ok(indexed.filter((s) => s.status === 'truncated').length >= 2);
  const gaps = await new RecordingRepository(ts.store.db).gapsInRange('cam-t', 0, Date.now() + 60_000);
  assert.ok(gaps.some((g) => g.reason === 'exited' && g.endMs !== null), `the crash is a closed gap: ${JSON.stringify(gaps)}`);
});

test('store unavailable: segments are spooled (memory and disk) and indexed once it returns, even by the next process', { skip, timeout: 40_000 }, async () => {
  const root = path.join(dir, 'spool');
  const flaky = new FlakyIndex(new StoreRecordingIndex(ts.store));
  const segRepo = new SegmentRepository(ts.store.db);
  const indexedCount = async () => (await segRepo.inRange('cam-s', 0, Date.now() + 60_000)).length;
  flaky.down = true;
  const rec = make({ id: 'cam-s', url: srv.url('/cam'), root, index: flaky, log: fileLogger(path.join(dir, 'spool.log')).log });
  const segs = collect(rec);
  await rec.start();
  await waitFor('2 segments while the store is down', () => segs.length >= 2);
  assert.equal(await indexedCount(), 0);
  assert.ok(rec.status().spooled >= 3, `spooled: ${rec.status().spooled}`);
  const spool = path.join(root, '.spool', 'cam-s.jsonl');
  assert.ok(readFileSync(spool, 'utf8').split('\n').filter(Boolean).length >= 3, 'the spool file holds them');
  flaky.down = false;
  await waitFor('the spool drained', async () => (await indexedCount()) >= 2 && rec.status().spooled === 0);
  await waitFor('the spool file removed once everything is indexed', () => !existsSync(spool));

  flaky.down = true;
  const before = segs.length;
  await waitFor('another segment while down', () => segs.length > before);
  await rec.stop(); // the store is still down: what is pending stays in the spool file
  assert.ok(existsSync(spool));
  const next = make({ id: 'cam-s', url: srv.url('/cam'), root, index: new StoreRecordingIndex(ts.store), log: fileLogger(path.join(dir, 'spool2.log')).log });
  await next.start();
  await waitFor('the previous process\'s spool indexed', async () => (await indexedCount()) >= segs.length);
  await next.stop();
  const all = await segRepo.inRange('cam-s', 0, Date.now() + 60_000);
  for (const s of segs) assert.ok(all.some((x) => x.path === s.path && x.sha256 === s.sha256), `${s.path} indexed`);
});
