/**
 * Evidence export of footage held by another cluster node (issue #11): what the fetch over the node-to-node path
 * (cluster-key HMAC, SHA-256 verified against the index) costs compared with exporting on the node that holds it.
 *
 *   npx tsx bench/cluster-remote-export.ts [--smoke] [--seconds 300] [--runs 3]
 *
 * Real parts: two `smartview serve --roles api` processes in cluster mode on one fresh PostgreSQL database and the
 * shared NATS (own stream, deleted afterwards). The camera's footage (720p test pattern, H.264, 10 s MPEG-TS
 * segments) is indexed as held by node-a, on node-a's disk. Baseline in the same run: the export made on node-a
 * (local files). Measured: the same export made on node-b (every segment fetched from node-a, verified, then
 * bundled and signed). Time = POST /api/exports until the export is done (polled every 100 ms). Runs alternate.
 * No target in the issue; the result says what a remote export costs. One JSON line on stdout.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSmartView } from '../src/app/app';
import { deleteStream, NATS_URL, uniqueNatsNames } from '../src/bus/testing';
import { ClusterRepository } from '../src/cluster/cluster.repository';
import { parseConfig } from '../src/config/load';
import { silentLogger } from '../src/core/logger';
import { openTestStore } from '../test/support/engines';
import { cutFootage, recordFootage } from '../test/support/footage';
import { makeTestClip } from '../test/support/media';
import { clusterKey, createCameras, startNode, until, type ClusterEnv, type NodeProc } from '../test/cluster/support';
import { args, finish, intArg, log, machine } from './lib/common';
import { round } from './lib/stats';

const a = args({ smoke: 'boolean', seconds: 'string', runs: 'string' });
const smoke = a.smoke === true;
const SECONDS = intArg(a.seconds, smoke ? 30 : 300);
const RUNS = intArg(a.runs, smoke ? 1 : 3);
const CAM = 'bx-1';
const CASE = 'HKP-BENCH-1';
const PURPOSE = 'Benchmark of an export across nodes';

async function main(): Promise<void> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'sv-bench-rx-'));
  const pg = await openTestStore('postgres');
  const names = uniqueNatsNames();
  const env: ClusterEnv = { root, pgUrl: pg.url!, nats: { ...names, servers: [NATS_URL] }, key: clusterKey() };
  const nodes: NodeProc[] = [];
  try {
    const clip = makeTestClip(path.join(root, 'clip.ts'), { seconds: SECONDS, width: 1280, height: 720, fps: 25, gopSeconds: 1, format: 'ts' });
    await createCameras(env, clip, [CAM]);
    const footage = await cutFootage(clip, { offsetSeconds: 0, seconds: SECONDS, pieceSeconds: 10, width: 1280, fps: 25 });
    const startMs = Date.parse('2026-11-20T08:00:00Z');
    const rows = await recordFootage({ store: pg.store, root: path.join(root, 'node-a', 'recordings'), cameraId: CAM, footage, startMs, node: 'node-a' });
    footage.close();
    const bytes = rows.reduce((n, r) => n + r.bytes, 0);
    const setup = await openSmartView(parseConfig({ dataDir: path.join(root, 'setup'), store: { engine: 'postgres', postgresUrl: pg.url }, log: { level: 'silent' } }), silentLogger());
    let token: string;
    try {
      const inv = await setup.users.create({ principal: null, ip: null }, { username: 'inv', password: 'Kowloon-Tong-Pass-2026', grants: [{ role: 'investigator', organisations: ['police'], districts: null }] });
      token = (await setup.auth.createToken({ principal: null, ip: null }, { name: 'bench', userId: inv.id })).token;
    } finally {
      await setup.close();
    }
    for (const id of ['node-a', 'node-b']) nodes.push(startNode(env, id, { roles: 'api' }));
    const repo = new ClusterRepository(pg.store.db, 'postgres');
    const urls = await until('both nodes registered', async () => {
      const m = new Map((await repo.nodes()).map((n) => [n.nodeId, n.apiUrl]));
      return m.get('node-a') && m.get('node-b') ? m : undefined;
    }, 60_000);
    const call = async (base: string, method: string, p: string, body?: unknown) => {
      const res = await fetch(`${base}${p}`, {
        method, headers: { authorization: `Bearer ${token}`, 'x-purpose': PURPOSE, 'x-case-ref': CASE, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined,
      });
      return { status: res.status, json: (await res.json()) as Record<string, any> };
    };
    const c = await call(urls.get('node-a')!, 'POST', '/api/cases', { ref: CASE, purpose: PURPOSE, authorisedUsers: [], expiresAt: Date.now() + 86_400_000 });
    if (c.status !== 201) throw new Error(`case: ${JSON.stringify(c.json)}`);
    const exportOn = async (node: string): Promise<number> => {
      const base = urls.get(node)!;
      const t0 = performance.now();
      const r = await call(base, 'POST', '/api/exports', { cameraIds: [CAM], fromMs: startMs, toMs: startMs + SECONDS * 1000, purpose: PURPOSE });
      if (r.status !== 202) throw new Error(`export on ${node}: ${r.status} ${JSON.stringify(r.json)}`);
      let v = r.json;
      while (v.status === 'running') {
        await new Promise((res) => setTimeout(res, 100));
        v = (await call(base, 'GET', `/api/exports/${v.id}`)).json;
      }
      if (v.status !== 'done') throw new Error(`export on ${node} ${v.status}: ${v.error}`);
      return performance.now() - t0;
    };
    const local: number[] = [];
    const remote: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      local.push(await exportOn('node-a'));
      remote.push(await exportOn('node-b'));
      log(`run ${i + 1}`, { localMs: round(local[i]!, 0), remoteMs: round(remote[i]!, 0) });
    }
    const med = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
    const mb = bytes / 1e6;
    finish({
      bench: 'cluster-remote-export', smoke, footageSeconds: SECONDS, segments: rows.length, megabytes: round(mb, 1), runs: RUNS,
      baselineLocal: { medianMs: round(med(local), 0), runsMs: local.map((x) => round(x, 0)), mbPerS: round(mb / (med(local) / 1000), 1) },
      remote: { medianMs: round(med(remote), 0), runsMs: remote.map((x) => round(x, 0)), mbPerS: round(mb / (med(remote) / 1000), 1) },
      remoteOverLocal: round(med(remote) / med(local), 2),
      machine: machine(), loadavg: os.loadavg().map((x) => round(x, 1)),
    });
    for (const n of nodes) await n.stop();
  } finally {
    for (const n of nodes) n.kill();
    await Promise.all(nodes.map((n) => n.exited));
    await pg.cleanup();
    await deleteStream(names.stream).catch((err: unknown) => console.error('stream not deleted', err));
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
