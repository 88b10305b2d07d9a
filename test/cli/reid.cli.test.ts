import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { SHARED_DIR, sharedSkip } from '../support/shared';
import { runCli } from '../support/cli';

const OSNET = path.join(SHARED_DIR, 'models/reid/osnet_x0_25_msmt17.onnx');
const DETECTOR = path.join(SHARED_DIR, 'models/detection/fastestdet_352.onnx');
const skip = sharedSkip('models/reid');

const run = (args: string[]) => runCli(args);

type Line = { source: string; model: string; vector: number[] };
const lines = (s: string) => s.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line);
const cos = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);

function png(file: string, colour: string, size = '40x100'): void {
  const r = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `color=c=${colour}:s=${size}`, '-frames:v', '1', file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

let dir: string;
before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'sv-reid-cli-'));
  mkdirSync(path.join(dir, 'crops/a'), { recursive: true });
  png(path.join(dir, 'crops/a/red1.png'), 'red');
  png(path.join(dir, 'crops/a/red2.png'), 'red', '50x120');
  png(path.join(dir, 'crops/blue.png'), 'blue');
  writeFileSync(path.join(dir, 'crops/notes.txt'), 'not an image');
  png(path.join(dir, 'single.png'), 'green');
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('model-free: one unit vector a line, directories recursive, sources below the directory', async () => {
  const r = await run(['reid', 'embed', path.join(dir, 'crops'), path.join(dir, 'single.png'), '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = lines(r.stdout);
  assert.deepEqual(out.map((l) => l.source), ['a/red1.png', 'a/red2.png', 'blue.png', path.join(dir, 'single.png')]);
  for (const l of out) {
    assert.equal(l.model, 'hsv-parts-v1');
    assert.ok(Math.abs(cos(l.vector, l.vector) - 1) < 1e-3);
  }
  assert.ok(cos(out[0]!.vector, out[1]!.vector) > 0.99, 'the same colour at another size');
  assert.ok(cos(out[0]!.vector, out[2]!.vector) < 0.2, 'red against blue');
});

test('with the OSNet model: 512-d unit vectors', { skip }, async () => {
  const r = await run(['reid', 'embed', path.join(dir, 'crops'), '--model', OSNET, '--threads', '1', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = lines(r.stdout);
  assert.equal(out.length, 3);
  for (const l of out) {
    assert.equal(l.vector.length, 512);
    assert.ok(Math.abs(cos(l.vector, l.vector) - 1) < 1e-3);
  }
  assert.ok(cos(out[0]!.vector, out[1]!.vector) > cos(out[0]!.vector, out[2]!.vector));
});

test('a model with the wrong output size, and a missing input, fail with a clear message', { skip: sharedSkip('models/detection') }, async () => {
  const wrong = await run(['reid', 'embed', path.join(dir, 'single.png'), '--model', DETECTOR, '--json']);
  assert.equal(wrong.code, 1);
  assert.equal(wrong.stdout, '');
  assert.match(wrong.stderr, /re-identification model/);
  const missing = await run(['reid', 'embed', path.join(dir, 'nope.png'), '--json']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /nope\.png does not exist/);
});

test('smartview search: by description and --similar-to inside a case; refused without an authorised case', async () => {
  const { startTestServer } = await import('../support/server');
  const { personCrop, track, RED, BLUE, WHITE, BLACK } = await import('../../src/search/search.fixtures');
  const srv = await startTestServer({ engine: 'sqlite' });
  try {
    const admin = await srv.token('admin');
    const post = (p: string, body: unknown, token = admin) => fetch(`${srv.url}${p}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal((await post('/api/cameras', { id: 'cam-a', name: 'cam-a', owner: 'police', location: { lat: 22.28, lon: 114.17, district: 'Wan Chai' }, source: { url: 'rtsp://10.0.0.9/s' } })).status, 201);
    await srv.createUser('ivy', 'Investigator-Pass-1234', [{ role: 'investigator' }]);
    const ivy = await srv.token('ivy');
    assert.equal((await post('/api/cases', { ref: 'CLI-1', purpose: 'CLI search test', authorisedUsers: [], expiresAt: Date.now() + 86_400_000 }, ivy)).status, 201);
    const T0 = Date.now() - 3_600_000;
    srv.running.sv.forensic.indexer.onTrackLost('cam-a', track(1, 'person', T0, T0 + 5000), personCrop(RED, BLUE, 1));
    srv.running.sv.forensic.indexer.onTrackLost('cam-a', track(2, 'person', T0 + 1000, T0 + 6000), personCrop(WHITE, BLACK, 2));
    srv.running.sv.forensic.indexer.onTrackLost('cam-a', track(3, 'person', T0 + 2000, T0 + 7000), personCrop(RED, BLUE, 3));
    await srv.running.sv.forensic.indexer.idle();
    const common = ['--url', srv.url, '--token', ivy, '--from', String(T0 - 1000), '--to', String(T0 + 60_000)];
    const red = await run(['search', ...common, '--case', 'CLI-1', '--upper', 'red', '--json']);
    assert.equal(red.code, 0, red.stderr);
    const reds = red.stdout.trim().split('\n').map((l) => JSON.parse(l) as { id: string; upperColour: string });
    assert.deepEqual(reds.map((r) => r.upperColour), ['red', 'red']);
    const sim = await run(['search', ...common, '--case', 'CLI-1', '--similar-to', reds[1]!.id, '--json']);
    assert.equal(sim.code, 0, sim.stderr);
    assert.equal((JSON.parse(sim.stdout.trim().split('\n')[0]!) as { id: string }).id, reds[0]!.id);
    const refused = await run(['search', ...common, '--case', 'NOT-A-CASE']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /Case 'NOT-A-CASE' does not exist or you are not among its authorised users/);
  } finally {
    await srv.close();
  }
});
