import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { serve, type Running } from '../../src/app/app';
import { ClusterRepository } from '../../src/cluster/cluster.repository';
import { parseConfig } from '../../src/config/load';
import { silentLogger } from '../../src/core/logger';
import { segmentRelPath } from '../../src/record/layout';
import { SegmentRepository } from '../../src/record/segment.repository';
import { testSegment } from '../../src/retention/retention.fixtures';
import { NODE_HEADER, nodeSignature, SIGNATURE_HEADER, TIME_HEADER } from '../../src/storage-tiers/remote-segments';
import { openTestStore, type TestStore } from '../support/engines';
import { ADMIN_PASSWORD } from '../support/server';

/**
 * Two in-process nodes on one PostgreSQL database: node-b holds a segment on its storage; a user asks node-a,
 * which fetches it from node-b with a cluster-key-signed request. node-b down: a clear 503.
 */
const KEY = 'cluster-key-for-tests-0123456789';
let pg: TestStore;
const dirs: string[] = [];
let a: Running;
let b: Running | undefined;
let token: string;
let segId: number;
let bytes: Buffer;

async function node(id: string): Promise<Running> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `sv-${id}-`));
  dirs.push(dataDir);
  const config = parseConfig({
    dataDir, server: { port: 0, host: '127.0.0.1' }, store: { engine: 'postgres', postgresUrl: pg.url }, roles: ['api'], log: { level: 'silent' },
    cluster: { enabled: true, nodeId: id, key: KEY },
  });
  return serve(config, silentLogger(), { initialAdminPassword: ADMIN_PASSWORD });
}

async function register(r: Running, id: string, heartbeatAgoMs = 0): Promise<void> {
  const repo = new ClusterRepository(r.sv.store.db, 'postgres');
  const now = await repo.dbNow();
  await repo.upsertNode({ nodeId: id, roles: ['api', 'recorder'], capacity: { recorder: 10, analytics: 0 }, version: 'test', host: 'localhost', apiUrl: r.url!, startedAt: now, heartbeatAt: now - heartbeatAgoMs, clockSkewMs: 0, load: {}, status: 'up' });
}

before(async () => {
  pg = await openTestStore('postgres');
  await pg.store.close();
  a = await node('node-a');
  b = await node('node-b');
  // each node registers itself with its api URL (src/cluster NodeRegistry; the URL is known once the api listens: next heartbeat)
  let nodes = await new ClusterRepository(a.sv.store.db, 'postgres').nodes();
  for (let i = 0; i < 100 && nodes.some((n) => !n.apiUrl); i++) {
    await new Promise((r) => setTimeout(r, 100));
    nodes = await new ClusterRepository(a.sv.store.db, 'postgres').nodes();
  }
  assert.deepEqual(nodes.map((n) => [n.nodeId, n.apiUrl]), [['node-a', a.url], ['node-b', b.url]]);
  const admin = (await a.sv.users.list({ principal: null, ip: null })).find((u) => u.username === 'admin')!;
  token = (await a.sv.auth.createToken({ principal: null, ip: null }, { name: 't', userId: admin.id })).token;
  const r = await fetch(`${a.url}/api/cameras`, {
    method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ id: 'cam-1', name: 'Gate', owner: 'police', location: { lat: 22.3, lon: 114.2, district: 'Central', address: '' }, source: { url: 'rtsp://10.0.0.9/main' } }),
  });
  assert.equal(r.status, 201, await r.text());
  const seg = testSegment();
  bytes = readFileSync(seg.file);
  const start = Date.parse('2026-11-01T00:00:00Z');
  const rel = segmentRelPath('cam-1', start);
  const abs = path.join(b.sv.config.dataDir, 'recordings', rel);
  mkdirSync(path.dirname(abs), { recursive: true });
  copyFileSync(seg.file, abs);
  await new SegmentRepository(a.sv.store.db).insertMany([{ cameraId: 'cam-1', node: 'node-b', storage: 'local', path: rel, startMs: start, endMs: start + 1000, bytes: seg.bytes, codec: 'h264', width: 160, height: 90, keyframes: [0], sha256: seg.sha256, status: 'ok', createdAt: start }]);
  segId = (await new SegmentRepository(a.sv.store.db).latest('cam-1'))!.id;
});

after(async () => {
  await b?.stop();
  await a.stop();
  await pg.cleanup();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test('an api node that does not hold a segment proxies it from the node that does (whole and ranged)', async () => {
  const res = await fetch(`${a.url}/api/playback/segments/${segId}`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'video/mp2t');
  assert.deepEqual(Buffer.from(await res.arrayBuffer()), bytes);
  const part = await fetch(`${a.url}/api/playback/segments/${segId}`, { headers: { authorization: `Bearer ${token}`, range: 'bytes=100-299' } });
  assert.equal(part.status, 206);
  assert.equal(part.headers.get('content-range'), `bytes 100-299/${bytes.length}`);
  assert.deepEqual(Buffer.from(await part.arrayBuffer()), bytes.subarray(100, 300));
  const anon = await fetch(`${a.url}/api/playback/segments/${segId}`);
  assert.equal(anon.status, 401, 'the user is still authenticated on the node they talk to');
});

test('the holder serves its segments only to correctly signed peers', async () => {
  const p = `/api/cluster/segments/${segId}`;
  assert.equal((await fetch(`${b!.url}${p}`)).status, 401);
  const t = Date.now();
  const wrong = await fetch(`${b!.url}${p}`, { headers: { [NODE_HEADER]: 'node-x', [TIME_HEADER]: String(t), [SIGNATURE_HEADER]: nodeSignature('another-cluster-key-0123456789', 'GET', p, t, 'node-x') } });
  assert.equal(wrong.status, 401);
  assert.match(await wrong.text(), /same cluster.key/);
  const old = t - 5 * 60_000;
  const replay = await fetch(`${b!.url}${p}`, { headers: { [NODE_HEADER]: 'node-x', [TIME_HEADER]: String(old), [SIGNATURE_HEADER]: nodeSignature(KEY, 'GET', p, old, 'node-x') } });
  assert.equal(replay.status, 401);
  const ok = await fetch(`${b!.url}${p}`, { headers: { [NODE_HEADER]: 'node-x', [TIME_HEADER]: String(t), [SIGNATURE_HEADER]: nodeSignature(KEY, 'GET', p, t, 'node-x') } });
  assert.equal(ok.status, 200);
  assert.equal((await ok.arrayBuffer()).byteLength, bytes.length);
});

test('the holder down: a clear 503 (unreachable, then stale heartbeat)', async () => {
  const bUrl = b!.url!;
  await b!.stop();
  b = undefined;
  // registered and heartbeating (as far as the database knows) but not answering
  await register({ sv: a.sv, url: bUrl } as Running, 'node-b');
  const res = await fetch(`${a.url}/api/playback/segments/${segId}`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(res.status, 503);
  const body = (await res.json()) as { error: { code: string; message: string } };
  assert.equal(body.error.code, 'node_unreachable');
  assert.match(body.error.message, /node-b/);
  const repo = new ClusterRepository(a.sv.store.db, 'postgres');
  const nb = (await repo.nodes()).find((n) => n.nodeId === 'node-b')!;
  await repo.upsertNode({ ...nb, heartbeatAt: nb.heartbeatAt - 60_000 });
  const stale = await fetch(`${a.url}/api/playback/segments/${segId}`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(stale.status, 503);
  assert.equal(((await stale.json()) as { error: { code: string } }).error.code, 'node_down');
});
