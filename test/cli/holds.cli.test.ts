import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import SQLite from 'better-sqlite3';
import { segmentRelPath } from '../../src/record/layout';
import { testSegment } from '../../src/retention/retention.fixtures';
import { startTestServer, type TestServer } from '../support/server';
import { runCli } from '../support/cli';


const run = (args: string[], env: Record<string, string> = {}) => runCli(args, { env });

let srv: TestServer;
let env: Record<string, string>;
let dir: string;
before(async () => {
  srv = await startTestServer();
  const admin = await srv.token('admin');
  await fetch(`${srv.url}/api/cameras`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({ id: 'cam-1', name: 'Gate', owner: 'police', location: { lat: 22.3, lon: 114.2, district: 'Central', address: '' }, source: { url: 'rtsp://10.0.0.9/main' } }),
  });
  await srv.createUser('inv', 'Lantau-Peak-Pass-12', [{ role: 'investigator' }]);
  env = { SMARTVIEW_URL: srv.url, SMARTVIEW_TOKEN: await srv.token('inv') };
  dir = mkdtempSync(path.join(os.tmpdir(), 'sv-holds-cli-'));
});
after(async () => {
  await srv.close();
  rmSync(dir, { recursive: true, force: true });
});

test('holds add, list and release go through the API with a token', async () => {
  const add = await run(['holds', 'add', '--camera', 'cam-1', '--from', '2026-03-01T08:00:00+08:00', '--to', '2026-03-01T09:00:00+08:00', '--case', 'HK-77', '--reason', 'theft', '--json'], env);
  assert.equal(add.code, 0, add.stderr);
  const hold = JSON.parse(add.stdout);
  assert.equal(hold.startMs, Date.parse('2026-03-01T00:00:00Z'));
  assert.equal(hold.caseRef, 'HK-77');
  const list = await run(['holds', 'list', '--active', '--json'], env);
  assert.equal(list.code, 0, list.stderr);
  assert.deepEqual(list.stdout.trim().split('\n').map((l) => JSON.parse(l).id), [hold.id]);
  const rel = await run(['holds', 'release', String(hold.id), '--reason', 'case closed'], env);
  assert.equal(rel.code, 0, rel.stderr);
  assert.match(rel.stderr, /released/);
  const again = await run(['holds', 'release', String(hold.id), '--reason', 'again'], env);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /already released/);
  const vague = await run(['holds', 'add', '--camera', 'cam-1', '--from', '2026-03-01T08:00', '--to', '2026-03-01T09:00Z', '--case', 'X', '--reason', 'r'], env);
  assert.equal(vague.code, 1);
  assert.match(vague.stderr, /--from: expected UTC milliseconds or ISO 8601 with a zone/);
});

test('retention run sweeps the local store and this node\'s storages, and says so', async () => {
  const cfg = path.join(dir, 'smartview.yaml');
  writeFileSync(cfg, `dataDir: ${JSON.stringify(path.join(dir, 'data'))}\nlog:\n  level: silent\n`);
  const first = await run(['retention', 'run', '--config', cfg, '--json']);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stderr, /acting on the local sqlite store/);
  const start = Date.now() - 40 * 86_400_000;
  const rel = segmentRelPath('cam-old', start);
  const file = path.join(dir, 'data', 'recordings', rel);
  mkdirSync(path.dirname(file), { recursive: true });
  copyFileSync(testSegment().file, file);
  const db = new SQLite(path.join(dir, 'data', 'smartview.db'));
  db.prepare(`insert into segments (camera_id, node, storage, path, start_ms, end_ms, bytes, codec, width, height, keyframes, sha256, status, created_at)
    values ('cam-old', 'site-1', 'local', ?, ?, ?, ?, 'h264', null, null, '[]', ?, 'ok', ?)`).run(rel, start, start + 1000, testSegment().bytes, testSegment().sha256, start);
  db.close();
  const second = await run(['retention', 'run', '--config', cfg, '--json']);
  assert.equal(second.code, 0, second.stderr);
  const summary = JSON.parse(second.stdout);
  assert.equal(summary.deleted.age.count, 1);
  assert.equal(existsSync(file), false);
});
