/**
 * Cluster failover (issue #11): time from a recorder node's death to all of its cameras recording again
 * on the other nodes.
 *
 *   npx tsx bench/cluster-failover.ts [--smoke] [--cameras 9]
 *
 * Real parts: 3 `smartview serve --roles recorder` processes in cluster mode on one fresh PostgreSQL
 * database (shared server) and the shared NATS (own stream, deleted afterwards), cameras playing a looped
 * file in real time, 2 s segments, heartbeat 500 ms, lease 4 s, fence margin 1.5 s.
 * Baseline in the same run: a clean stop (SIGTERM: the node stops its cameras and releases their leases,
 * a handover). Then SIGKILL of another node (process group: its ffmpeg children die too), whose leases
 * must expire on the database's clock first. "Recording again" = the first segment indexed on another
 * node whose start time is after the stop/kill (what playback will show). Target: < 15 s after a kill.
 * One JSON line on stdout.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deleteStream, NATS_URL, uniqueNatsNames } from '../src/bus/testing';
import { ClusterRepository } from '../src/cluster/cluster.repository';
import { openTestStore } from '../test/support/engines';
import { makeTestClip } from '../test/support/media';
import { clusterKey, createCameras, startNode, until, type ClusterEnv, type NodeProc } from '../test/cluster/support';
import { args, finish, intArg, log, machine } from './lib/common';
import { round } from './lib/stats';

const a = args({ smoke: 'boolean', cameras: 'string' });
const smoke = a.smoke === true;
const CAMERAS = intArg(a.cameras, smoke ? 3 : 9);
const TTL = { heartbeatMs: 500, leaseTtlMs: 4000, fenceMarginMs: 1500 };

async function main(): Promise<void> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'sv-bench-cluster-'));
  const pg = await openTestStore('postgres');
  const names = uniqueNatsNames();
  const env: ClusterEnv = { root, pgUrl: pg.url!, nats: { ...names, servers: [NATS_URL] }, key: clusterKey() };
  const nodes: NodeProc[] = [];
  try {
    const ids = Array.from({ length: CAMERAS }, (_, i) => `bf-${i + 1}`);
    const clip = makeTestClip(path.join(root, 'clip.ts'), { seconds: 6, width: 320, height: 180, fps: 10, gopSeconds: 1, format: 'ts' });
    await createCameras(env, clip, ids);
    const db = pg.store.db;
    const repo = new ClusterRepository(db, 'postgres');
    for (const id of ['node-1', 'node-2', 'node-3']) nodes.push(startNode(env, id, { ttl: TTL }));
    const t0 = Date.now();
    await until('all cameras recording on three nodes', async () => {
      const leases = await repo.leases('recorder', await repo.dbNow());
      const segs = await db.selectFrom('segments').select('camera_id').where('start_ms', '>=', t0).distinct().execute();
      return leases.length === CAMERAS && new Set(leases.map((l) => l.nodeId)).size === 3 && segs.length === CAMERAS;
    }, 90_000, 500);

    /** ms from `at` until every camera in `cams` has a segment on another node starting after `at`. */
    const resumed = async (victim: string, cams: string[], at: number): Promise<{ worstMs: number; meanMs: number }> => {
      const first = await until('cameras recording again', async () => {
        const rows = await db.selectFrom('segments').select(['camera_id', 'start_ms']).where('camera_id', 'in', cams).where('node', '!=', victim).where('start_ms', '>=', at).orderBy('start_ms').execute();
        const m = new Map<string, number>();
        for (const r of rows) if (!m.has(r.camera_id)) m.set(r.camera_id, Number(r.start_ms) - at);
        return m.size === cams.length ? [...m.values()] : undefined;
      }, 60_000, 200);
      return { worstMs: Math.max(...first), meanMs: round(first.reduce((s, x) => s + x, 0) / first.length, 0) };
    };
    const held = async (nodeId: string) => (await repo.leases('recorder', await repo.dbNow(), nodeId)).map((l) => l.cameraId);

    // Baseline: a clean stop (handover).
    const clean = nodes[0]!;
    const cleanCams = await held(clean.id);
    const stopAt = Date.now();
    await clean.stop();
    const handover = await resumed(clean.id, cleanCams, stopAt);
    log('clean stop (handover)', { cameras: cleanCams.length, ...handover });

    // Wait until the survivors hold everything, then kill one of them.
    await until('survivors hold every camera', async () => (await repo.leases('recorder', await repo.dbNow())).length === CAMERAS, 30_000, 200);
    const victim = nodes[1]!;
    const lost = await held(victim.id);
    const killAt = Date.now();
    victim.kill();
    const failover = await resumed(victim.id, lost, killAt);
    log('SIGKILL (failover)', { cameras: lost.length, ...failover });

    await nodes[2]!.stop();
    finish({
      bench: 'cluster-failover', smoke, cameras: CAMERAS, nodes: 3, lease: TTL, segmentSeconds: 2,
      baselineCleanStop: { cameras: cleanCams.length, ...handover },
      sigkill: { cameras: lost.length, ...failover },
      target: { failoverMs: 15_000 }, met: failover.worstMs < 15_000,
      machine: machine(), loadavg: os.loadavg().map((x) => round(x, 1)),
    });
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
