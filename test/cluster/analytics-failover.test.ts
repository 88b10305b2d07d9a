import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { openSmartView } from '../../src/app/app';
import { deleteStream, NATS_URL, natsSkip, uniqueNatsNames } from '../../src/bus/testing';
import { ClusterRepository } from '../../src/cluster/cluster.repository';
import { parseConfig } from '../../src/config/load';
import { silentLogger } from '../../src/core/logger';
import { DEFAULT_TOOLS, runFfmpeg } from '../../src/media/ffmpeg';
import { analyticsSettingsSchema } from '../../src/rules/model';
import { openTestStore } from '../support/engines';
import { SHARED_DIR } from '../support/shared';
import { clusterKey, createCameras, startNode, until, type ClusterEnv, type NodeProc } from './support';

const FOOTAGE = path.join(SHARED_DIR, 'media/intel-sample-videos/one-by-one-person-detection.mp4');
const YOLOX = path.join(SHARED_DIR, 'models/detection/yolox_nano_416.onnx');
const CAMERAS = ['af-1', 'af-2'];
const TTL = { heartbeatMs: 500, leaseTtlMs: 4000, fenceMarginMs: 1500 };
const skip = natsSkip() || (!existsSync(FOOTAGE) || !existsSync(YOLOX) ? `needs ${FOOTAGE} and ${YOLOX} (../shared)` : false);

/**
 * Issue #11: the analytics role with SIGKILL. Two `serve --roles analytics` processes on one PostgreSQL database
 * analyse two cameras (looped people footage, YOLOX-nano); the node holding a camera is SIGKILLed (with its
 * ffmpeg children): the camera's analytics lease moves to the other node once it expires, analysis resumes
 * there (new track events of the camera, their snapshots on the survivor's disk), and the lease log shows no
 * camera analysed by two nodes at once.
 */
describe('cluster: analytics nodes fail over', { skip }, () => {
  test('SIGKILL of an analytics node: its cameras are analysed on the other node within the lease time, never by two at once', { timeout: 120_000 }, async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'sv-cluster-af-'));
    const pg = await openTestStore('postgres');
    const names = uniqueNatsNames();
    const env: ClusterEnv = { root, pgUrl: pg.url!, nats: { ...names, servers: [NATS_URL] }, key: clusterKey() };
    const nodes: NodeProc[] = [];
    const dump = () => nodes.map((n) => `--- ${n.id}\n${n.log().slice(-3000)}`).join('\n');
    try {
      // People in view for the whole loop, so a fresh pipeline sees someone at once.
      const clip = path.join(root, 'people.ts');
      await runFfmpeg(DEFAULT_TOOLS, ['-y', '-ss', '5', '-t', '8', '-i', FOOTAGE, '-an', '-vf', 'scale=480:-2,fps=10', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '10', '-bf', '0', '-f', 'mpegts', clip], { timeoutMs: 60_000 });
      await createCameras(env, clip, CAMERAS);
      const setup = await openSmartView(parseConfig({ dataDir: path.join(root, 'setup'), store: { engine: 'postgres', postgresUrl: pg.url }, log: { level: 'silent' } }), silentLogger());
      try {
        for (const id of CAMERAS) await setup.rules.putSettings({ principal: null, ip: null }, id, analyticsSettingsSchema.parse({ enabled: true }));
      } finally {
        await setup.close();
      }
      const analytics = { enabled: true, detector: { model: YOLOX, family: 'yolox', classes: ['person'] }, pool: { workers: 1 }, sampling: { fps: 2 } };
      for (const id of ['an-a', 'an-b']) {
        nodes.push(startNode(env, id, { roles: 'analytics', ttl: TTL, config: { analytics, cluster: { capacity: { recorder: 0, analytics: 4 } } } }));
      }
      const db = pg.store.db;
      const repo = new ClusterRepository(db, 'postgres');
      const tracksSince = async (cameraId: string, since: number) =>
        db.selectFrom('analytics_events').select(['id', 'snapshot', 'created_at']).where('camera_id', '=', cameraId).where('kind', '=', 'track').where('created_at', '>', since).execute();

      // Both cameras analysed, one on each node (fair share), each producing track events.
      const t0 = Date.now();
      await until('both cameras analysed, one per node, with track events', async () => {
        const leases = await repo.leases('analytics', await repo.dbNow());
        if (leases.length !== 2 || new Set(leases.map((l) => l.nodeId)).size !== 2) return false;
        for (const id of CAMERAS) if (!(await tracksSince(id, t0 - 60_000)).length) return false;
        return true;
      }, 70_000, 500).catch((err: unknown) => {
        throw new Error(`${String(err)}\n${dump()}`);
      });

      const leases = await repo.leases('analytics', await repo.dbNow());
      const victimLease = leases[0]!;
      const victim = nodes.find((n) => n.id === victimLease.nodeId)!;
      const survivor = nodes.find((n) => n !== victim)!;
      const cam = victimLease.cameraId;
      const killedDb = await repo.dbNow();
      victim.kill();
      await victim.exited;

      // The lease moves to the survivor: not before the victim's lease expired, and within a lease time of the kill
      // (plus the heartbeat that notices it).
      const moved = await until(`${cam}'s analytics lease on ${survivor.id}`, async () => {
        const h = (await repo.history('analytics', cam)).filter((x) => x.nodeId === survivor.id && x.acquiredAt > killedDb);
        return h[0];
      }, 20_000, 200);
      const movedAfterMs = moved.acquiredAt - killedDb;
      assert.ok(movedAfterMs <= TTL.leaseTtlMs + 2 * TTL.heartbeatMs, `the lease moved ${movedAfterMs} ms after the kill (lease ${TTL.leaseTtlMs} ms + 2 heartbeats)`);
      console.log(`analytics lease of ${cam} moved to ${survivor.id} ${movedAfterMs} ms after SIGKILL of ${victim.id} (database clock)`);

      // Analysis resumes there: new track events of the camera after the takeover, their snapshots on the survivor's disk.
      const resumed = await until(`track events of ${cam} from ${survivor.id}`, async () => {
        const rows = await tracksSince(cam, moved.acquiredAt);
        return rows.length ? rows : undefined;
      }, 40_000, 500).catch((err: unknown) => {
        throw new Error(`${String(err)}\n${dump()}`);
      });
      console.log(`first track event of ${cam} on ${survivor.id} ${Number(resumed[0]!.created_at) - killedDb} ms after the kill`);
      for (const r of resumed.filter((x) => x.snapshot)) {
        assert.ok(existsSync(path.join(root, survivor.id, 'snapshots', r.snapshot!)), `snapshot ${r.snapshot} written by ${survivor.id}`);
        assert.ok(!existsSync(path.join(root, victim.id, 'snapshots', r.snapshot!)), `snapshot ${r.snapshot} not on the killed node`);
      }
      const now = await repo.leases('analytics', await repo.dbNow());
      assert.deepEqual(now.map((l) => [l.cameraId, l.nodeId]).sort(), CAMERAS.map((c) => [c, survivor.id]), 'the survivor analyses both cameras');

      // Never two nodes at once: each camera's lease epochs follow one another.
      assert.equal(await survivor.stop(), 0, survivor.log().slice(-3000));
      for (const c of CAMERAS) {
        const h = await repo.history('analytics', c);
        for (let k = 1; k < h.length; k++) {
          assert.ok(h[k - 1]!.releasedAt !== null && h[k - 1]!.releasedAt! <= h[k]!.acquiredAt, `${c}: analytics lease epochs overlap: ${JSON.stringify(h)}`);
        }
      }
      const victimEpoch = (await repo.history('analytics', cam)).filter((x) => x.nodeId === victim.id).at(-1)!;
      assert.equal(victimEpoch.reason, 'expired', "the killed node's lease ended by expiry, not by a release");
    } finally {
      for (const n of nodes) n.kill();
      await Promise.all(nodes.map((n) => n.exited));
      await pg.cleanup();
      await deleteStream(names.stream).catch((err: unknown) => console.error('stream not deleted', err));
      rmSync(root, { recursive: true, force: true });
    }
  });
});
