import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { openSmartView } from '../../src/app/app';
import { deleteStream, NATS_URL, natsSkip, uniqueNatsNames } from '../../src/bus/testing';
import { ClusterRepository } from '../../src/cluster/cluster.repository';
import { parseConfig } from '../../src/config/load';
import { silentLogger } from '../../src/core/logger';
import { trustFrom } from '../../src/evidence/trust';
import { verifyBundle } from '../../src/evidence/verify';
import { openTestStore } from '../support/engines';
import { makeTestClip } from '../support/media';
import { clusterKey, createCameras, freePort, startNode, until, type ClusterEnv, type NodeProc } from './support';

const CAM = 'rx-1';
const CASE = 'HKP-2026-1101';
const PURPOSE = 'Robbery at the Sha Tin footbridge';
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Issue #11: evidence export and snapshots of footage held by ANOTHER recorder node. node-a (recorder + api)
 * records the camera on its own disk; node-b (api only) is asked for an export and a snapshot: it fetches the
 * segments from node-a over the cluster-key node-to-node path, verifies them against the index's SHA-256, then
 * bundles and signs. A segment altered on node-a's disk, or node-a SIGKILLed: a clear error naming the node and
 * the time range, and no bundle (nothing partial signed). Also: node-a binds 0.0.0.0 and advertises
 * cluster.advertisedUrl; node-b binds 0.0.0.0 without it and registers a reachable address, with a warning.
 */
describe('cluster: exports and snapshots of footage on another node', { skip: natsSkip() }, () => {
  test('fetched from the holder and verified; altered or holder down: a clear error naming the node and range, nothing signed', { timeout: 90_000 }, async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'sv-cluster-rx-'));
    const pg = await openTestStore('postgres');
    const names = uniqueNatsNames();
    const env: ClusterEnv = { root, pgUrl: pg.url!, nats: { ...names, servers: [NATS_URL] }, key: clusterKey() };
    const nodes: NodeProc[] = [];
    const dump = () => nodes.map((n) => `--- ${n.id}\n${n.log().slice(-3000)}`).join('\n');
    try {
      const clip = makeTestClip(path.join(root, 'clip.ts'), { seconds: 6, width: 320, height: 180, fps: 10, gopSeconds: 1, format: 'ts' });
      await createCameras(env, clip, [CAM]);
      // The investigator and their token, in the cluster's database (valid on every api node).
      const setup = await openSmartView(parseConfig({ dataDir: path.join(root, 'setup'), store: { engine: 'postgres', postgresUrl: pg.url }, log: { level: 'silent' } }), silentLogger());
      let token: string;
      try {
        const inv = await setup.users.create({ principal: null, ip: null }, { username: 'inv', password: 'Kowloon-Tong-Pass-2026', grants: [{ role: 'investigator', organisations: ['police'], districts: null }] });
        token = (await setup.auth.createToken({ principal: null, ip: null }, { name: 'rx', userId: inv.id })).token;
      } finally {
        await setup.close();
      }

      const portA = await freePort();
      const advertisedA = `http://127.0.0.1:${portA}`;
      nodes.push(startNode(env, 'node-a', { roles: 'recorder,api', config: { server: { host: '0.0.0.0', port: portA }, cluster: { advertisedUrl: advertisedA } } }));
      nodes.push(startNode(env, 'node-b', { roles: 'api', config: { server: { host: '0.0.0.0', port: 0 } } }));
      const [a, b] = nodes as [NodeProc, NodeProc];
      const db = pg.store.db;
      const repo = new ClusterRepository(db, 'postgres');

      // Advertised URLs: node-a the setting; node-b (no setting, wildcard bind) a reachable address, never 0.0.0.0, warned.
      const registered = await until('both nodes registered with an api URL', async () => {
        const rows = await repo.nodes();
        const m = new Map(rows.map((n) => [n.nodeId, n.apiUrl]));
        return m.get('node-a') && m.get('node-b') ? m : undefined;
      }, 30_000).catch((err: unknown) => {
        throw new Error(`${String(err)}\n${dump()}`);
      });
      assert.equal(registered.get('node-a'), advertisedA);
      const urlB = new URL(registered.get('node-b')!);
      assert.notEqual(urlB.hostname, '0.0.0.0');
      assert.match(b.log(), /set cluster\.advertisedUrl/);
      const apiB = `http://127.0.0.1:${urlB.port}`; // the test itself talks to node-b over loopback
      const call = async (method: string, p: string, body?: unknown) => {
        const res = await fetch(`${apiB}${p}`, {
          method, headers: { authorization: `Bearer ${token}`, 'x-purpose': PURPOSE, 'x-case-ref': CASE, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined,
        });
        const json = res.headers.get('content-type')?.includes('json');
        return { status: res.status, headers: res.headers, json: json ? ((await res.json()) as Record<string, any>) : undefined, bytes: json ? undefined : Buffer.from(await res.arrayBuffer()) };
      };
      const c = await call('POST', '/api/cases', { ref: CASE, purpose: PURPOSE, authorisedUsers: [], expiresAt: Date.now() + 86_400_000 });
      assert.equal(c.status, 201, JSON.stringify(c.json));

      // Three closed segments of the camera, all on node-a.
      const segs = await until('three segments recorded on node-a', async () => {
        const rows = await db.selectFrom('segments').selectAll().where('camera_id', '=', CAM).orderBy('start_ms').execute();
        return rows.length >= 3 ? rows : undefined;
      }, 40_000, 500).catch((err: unknown) => {
        throw new Error(`${String(err)}\n${dump()}`);
      });
      assert.ok(segs.every((s) => s.node === 'node-a'));
      const [s1, s2, s3] = segs.map((s) => ({ id: Number(s.id), start: Number(s.start_ms), end: Number(s.end_ms), path: s.path })) as [{ id: number; start: number; end: number; path: string }, ...Array<{ id: number; start: number; end: number; path: string }>];
      const exportsDir = path.join(root, 'node-b', 'exports');
      const runExport = async (fromMs: number, toMs: number) => {
        const r = await call('POST', '/api/exports', { cameraIds: [CAM], fromMs, toMs, purpose: PURPOSE });
        if (r.status !== 202) return r;
        let v = r.json!;
        for (let i = 0; i < 200 && v.status === 'running'; i++) {
          await new Promise((res) => setTimeout(res, 100));
          v = (await call('GET', `/api/exports/${v.id}`)).json!;
        }
        return { ...r, json: v };
      };
      const noBundle = (id: string) => {
        const left = existsSync(exportsDir) ? readdirSync(exportsDir).filter((f) => f.startsWith(id)) : [];
        assert.deepEqual(left, [], `nothing of export ${id} is left on node-b (no bundle, no partial, no fetched segments)`);
      };

      // 1. Export on node-b of footage held by node-a: done, and the bundle verifies against node-b's site key.
      const ok = await runExport(s1.start, s3!.end);
      assert.equal(ok.status, 202, JSON.stringify(ok.json));
      assert.equal(ok.json!.status, 'done', `${ok.json!.error}\n${dump()}`);
      const tar = await call('GET', `/api/exports/${ok.json!.id}/download`);
      assert.equal(tar.status, 200);
      writeFileSync(path.join(root, 'bundle.tar'), tar.bytes!);
      const keys = (await call('GET', '/api/keys')).json!.items as Array<{ publicKeyPem: string; current: boolean }>;
      writeFileSync(path.join(root, 'site.pem'), keys.find((k) => k.current)!.publicKeyPem);
      const report = await verifyBundle(path.join(root, 'bundle.tar'), trustFrom({ pubkeyFiles: [path.join(root, 'site.pem')] }));
      assert.deepEqual(report.problems, []);
      const manifest = JSON.parse(readFileSync(path.join(exportsDir, ok.json!.id, 'manifest.json'), 'utf8')) as { cameras: Array<{ sourceSegments: Array<{ path: string; sha256: string }> }> };
      assert.deepEqual(manifest.cameras[0]!.sourceSegments.map((x) => x.path), [s1.path, s2!.path, s3!.path], 'the three segments of node-a are the sources');
      assert.deepEqual(manifest.cameras[0]!.sourceSegments.map((x) => x.sha256), segs.slice(0, 3).map((s) => s.sha256), 'each verified against the index');
      assert.deepEqual(readdirSync(exportsDir).sort(), [ok.json!.id], 'the fetched copies were removed');

      // 2. Snapshot on node-b of a moment held by node-a.
      const shot = await call('GET', `/api/cameras/${CAM}/snapshot?at=${s2!.start + 500}`);
      assert.equal(shot.status, 200, JSON.stringify(shot.json));
      assert.equal(shot.headers.get('content-type'), 'image/jpeg');
      assert.equal(shot.headers.get('x-snapshot-source'), 'recording');
      assert.deepEqual([...shot.bytes!.subarray(0, 2)], [0xff, 0xd8], 'a JPEG');

      // 3. A segment altered on node-a's disk: export and snapshot refuse it (SHA-256 against the index), nothing signed.
      const file2 = path.join(root, 'node-a', 'recordings', s2!.path);
      const bytes2 = readFileSync(file2);
      const mid = Math.floor(bytes2.length / 2);
      bytes2[mid] = bytes2[mid]! ^ 0xff;
      writeFileSync(file2, bytes2);
      const altered = await runExport(s1.start, s3!.end);
      assert.equal(altered.json!.status, 'failed');
      assert.match(altered.json!.error, /does not match the index.*not used/);
      assert.match(altered.json!.error, new RegExp(`camera ${CAM}`));
      noBundle(altered.json!.id);
      const badShot = await call('GET', `/api/cameras/${CAM}/snapshot?at=${s2!.start + 500}`);
      assert.equal(badShot.status, 503);
      assert.equal(badShot.json!.error.code, 'segment_altered');

      // 4. node-a SIGKILLed: while its heartbeat is still fresh the fetch fails; once stale the export is refused
      // at once. Either way the error names node-a and the time range, and nothing is signed.
      a.kill();
      await a.exited;
      const range = new RegExp(`node 'node-a'`);
      const early = await runExport(s3!.start, s3!.end);
      if (early.status === 202) {
        assert.equal(early.json!.status, 'failed');
        assert.match(early.json!.error, range);
        assert.match(early.json!.error, new RegExp(`${iso(s3!.start)} to ${iso(s3!.end)}`));
        noBundle(early.json!.id);
      } else {
        assert.equal(early.status, 503, JSON.stringify(early.json));
        assert.match(early.json!.error.message, range);
      }
      await until('node-a seen as down (heartbeat older than the lease)', async () => {
        const n = (await repo.nodes()).find((x) => x.nodeId === 'node-a')!;
        return (await repo.dbNow()) - n.heartbeatAt > 4_000;
      }, 15_000);
      const down = await runExport(s1.start, s3!.end);
      assert.equal(down.status, 503, JSON.stringify(down.json));
      assert.equal(down.json!.error.code, 'node_down');
      assert.match(down.json!.error.message, /node 'node-a', which is down/);
      assert.match(down.json!.error.message, new RegExp(`camera ${CAM} from ${iso(s1.start)} to `));
      const audit = await db.selectFrom('audit_records').select(['outcome', 'details']).where('action', '=', 'export.create').execute();
      assert.ok(audit.some((r) => r.outcome === 'failed' && String(r.details).includes('node_down')), 'the refusal is audited');
      const downShot = await call('GET', `/api/cameras/${CAM}/snapshot?at=${s1.start + 500}`);
      assert.equal(downShot.status, 503);
      assert.equal(downShot.json!.error.code, 'node_down');
      assert.match(downShot.json!.error.message, /node 'node-a'/);
      assert.deepEqual(readdirSync(exportsDir).sort(), [ok.json!.id], 'only the good bundle exists on node-b');
      assert.equal(await b.stop(), 0, b.log().slice(-3000));
    } finally {
      for (const n of nodes) n.kill();
      await Promise.all(nodes.map((n) => n.exited));
      await pg.cleanup();
      await deleteStream(names.stream).catch((err: unknown) => console.error('stream not deleted', err));
      rmSync(root, { recursive: true, force: true });
    }
  });
});
