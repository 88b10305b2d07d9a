import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { DEFAULT_TOOLS, runFfmpeg } from '../../src/media/ffmpeg';
import { makeTestClip } from '../support/media';
import { writeRecordings } from '../support/recordings';
import { startTestServer, type TestServer } from '../support/server';
import { SHARED_DIR, sharedSkip } from '../support/shared';
import { runCli, type CliOptions } from '../support/cli';

const YOLOX = path.join(SHARED_DIR, 'models/detection/yolox_nano_416.onnx');

const run = (args: string[], opts: CliOptions = {}) => runCli(args, opts);

const lines = (s: string) => s.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, any>);

let dir: string;
let srv: TestServer;
let token: string;
const T0 = Math.floor((Date.now() - 3_600_000) / 1000) * 1000;

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'sv-analyse-cli-'));
  srv = await startTestServer({ config: { analytics: { pool: { workers: 1 } } } });
  const admin = await srv.token('admin');
  const res = await fetch(`${srv.url}/api/cameras`, {
    method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({ id: 'cam-1', name: 'cam-1', owner: 'police', location: { lat: 22.3, lon: 114.2, district: 'Central' }, source: { url: 'rtsp://10.0.0.2/cam-1' } }),
  });
  assert.equal(res.status, 201);
  await srv.createUser('inv', 'Kowloon-Tong-Pass-2026', [{ role: 'investigator' }]);
  token = await srv.token('inv');
  await writeRecordings({ store: srv.running.sv.store, root: path.join(srv.dataDir, 'recordings'), cameraId: 'cam-1', runs: [{ startMs: T0, seconds: 60, pieceSeconds: 10 }] });
});
after(async () => {
  await srv.close();
  rmSync(dir, { recursive: true, force: true });
});

test('analyse <file> runs locally with the built-in detector: JSON lines, a summary, progress on stderr', async () => {
  const clip = makeTestClip(path.join(dir, 'pattern.mp4'), { seconds: 6, width: 320, height: 180 });
  const r = await run(['analyse', clip, '--fps', '2', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = lines(r.stdout);
  const summary = out.at(-1)!;
  assert.equal(summary.type, 'summary');
  assert.ok(summary.frames >= 10 && summary.frames <= 14, `6 s at 2 fps, got ${summary.frames}`);
  assert.ok(summary.detector_calls <= summary.frames);
  assert.ok(out.slice(0, -1).every((l) => l.type === 'appeared' || l.type === 'lost'));
  assert.match(r.stderr, /frames, \d+ detector calls/);
});

test('analyse <file> with an ONNX model finds and follows the people in real footage', { skip: sharedSkip('models/detection/yolox_nano_416.onnx') || sharedSkip('media/intel-sample-videos/one-by-one-person-detection.mp4') }, async () => {
  const clip = path.join(dir, 'person.mp4');
  await runFfmpeg(DEFAULT_TOOLS, ['-y', '-ss', '5', '-t', '15', '-i', path.join(SHARED_DIR, 'media/intel-sample-videos/one-by-one-person-detection.mp4'), '-an', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '10', clip], { timeoutMs: 60_000 });
  const r = await run(['analyse', clip, '--model', YOLOX, '--family', 'yolox', '--classes', 'person', '--fps', '2', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = lines(r.stdout);
  const appeared = out.filter((l) => l.type === 'appeared');
  assert.ok(appeared.length >= 1, r.stdout);
  assert.ok(appeared.every((l) => l.label === 'person'));
  const [x, y, w, h] = appeared[0]!.box as [number, number, number, number];
  assert.ok(w > 50 && h > 150 && x + w <= 768 + 1 && y >= -1, `a person's box in source pixels (768×432): ${appeared[0]!.box}`);
  const lost = out.filter((l) => l.type === 'lost');
  assert.deepEqual(lost.map((l) => l.track).sort(), appeared.map((l) => l.track).sort(), 'every track ends');
});

test('analyse: bad usage is explained', async () => {
  const none = await run(['analyse']);
  assert.notEqual(none.code, 0);
  assert.match(none.stderr, /give a video file, or --camera/);
  const fam = await run(['analyse', path.join(dir, 'x.mp4'), '--model', YOLOX, '--family', 'resnet']);
  assert.notEqual(fam.code, 0);
  assert.match(fam.stderr, /does not exist|--family must be one of yolox, nanodet, fastestdet, yolo/);
});

test('analyse --camera creates a job on the server and follows it to the end', async () => {
  const r = await run(['analyse', '--camera', 'cam-1', '--from', new Date(T0).toISOString(), '--to', new Date(T0 + 8_000).toISOString(), '--fps', '1', '--json'], { env: { SMARTVIEW_URL: srv.url, SMARTVIEW_TOKEN: token } });
  assert.equal(r.code, 0, r.stderr);
  const job = lines(r.stdout).find((l) => l.type === 'job')!;
  assert.equal(job.state, 'done');
  assert.equal(job.progress, 1);
  assert.ok(job.frames >= 7 && job.frames <= 9, `8 s at 1 fps, got ${job.frames}`);
  assert.match(r.stderr, /analysis job aj-\S+ created/);
});

test('Ctrl-C cancels the server job', async () => {
  let sent = false;
  const r = await run(['analyse', '--camera', 'cam-1', '--from', new Date(T0).toISOString(), '--to', new Date(T0 + 60_000).toISOString(), '--fps', '10', '--json'], {
    env: { SMARTVIEW_URL: srv.url, SMARTVIEW_TOKEN: token },
    onStderr: (text, kill) => {
      if (!sent && /created/.test(text)) {
        sent = true;
        setTimeout(() => kill('SIGINT'), 1500);
      }
    },
  });
  assert.equal(r.code, 130, r.stderr);
  const job = lines(r.stdout).find((l) => l.type === 'job')!;
  assert.equal(job.state, 'cancelled');
  const v = (await (await fetch(`${srv.url}/api/analysis/jobs/${job.id}`, { headers: { authorization: `Bearer ${token}` } })).json()) as { state: string };
  assert.equal(v.state, 'cancelled');
});
