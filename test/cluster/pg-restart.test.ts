import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { deleteStream, NATS_URL, natsSkip, uniqueNatsNames } from '../../src/bus/testing';
import { Store } from '../../src/store/store';
import { makeTestClip } from '../support/media';
import { privatePgUnavailable, startPrivatePg } from '../support/private-pg';
import { clusterKey, createCameras, startNode, until, type ClusterEnv, type NodeProc } from './support';

const CAMERAS = ['pr-1', 'pr-2', 'pr-3', 'pr-4'];

/**
 * Issue #11: PostgreSQL restarting mid-run (a PRIVATE instance: initdb + pg_ctl on another port). The nodes
 * cannot renew, so they fence themselves (stop their cameras before the leases can expire); when the
 * database is back they reconnect, take the cameras again, and no camera is ever recorded by two nodes at once.
 */
describe('cluster: PostgreSQL restart', { skip: natsSkip() || privatePgUnavailable() || false }, () => {
  test('nodes fence themselves while the database is down, reconnect and record again; nothing recorded twice', { timeout: 150_000 }, async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'sv-cluster-pg-'));
    const server = await startPrivatePg();
    const names = uniqueNatsNames();
    const nodes: NodeProc[] = [];
    try {
      const admin = new pg.Client({ connectionString: server.url() });
      await admin.connect();
      await admin.query('create database smartview');
      await admin.end();
      const env: ClusterEnv = { root, pgUrl: server.url('smartview'), nats: { ...names, servers: [NATS_URL] }, key: clusterKey() };
      const clip = makeTestClip(path.join(root, 'clip.ts'), { seconds: 6, width: 320, height: 180, fps: 10, gopSeconds: 1, format: 'ts' });
      await createCameras(env, clip, CAMERAS);
      for (const id of ['node-p', 'node-q']) nodes.push(startNode(env, id));

      const segmentsSince = async (since: number) => {
        const store = await Store.open({ engine: 'postgres', postgresUrl: env.pgUrl, poolSize: 1 });
        try {
          return await store.db.selectFrom('segments').select(['camera_id', 'node', 'start_ms', 'end_ms']).where('start_ms', '>=', since).orderBy('camera_id').orderBy('start_ms').execute();
        } finally {
          await store.close();
        }
      };
      const t0 = Date.now();
      await until('every camera recording', async () => new Set((await segmentsSince(t0 - 60_000)).map((s) => s.camera_id)).size === CAMERAS.length, 60_000, 1000)
        .catch((err: unknown) => {
          throw new Error(`${String(err)}\n${nodes.map((n) => `--- ${n.id}\n${n.log().slice(-3000)}`).join('\n')}`);
        });

      // The database crashes for longer than a lease: both nodes must fence themselves.
      server.crash();
      await sleep(7000);
      server.start();
      const restartedAt = Date.now();
      for (const n of nodes) {
        assert.equal(n.child.exitCode, null, `${n.id} survived the outage:\n${n.log().slice(-3000)}`);
        assert.match(n.log(), /leases could not be renewed in time/, `${n.id} fenced itself`);
      }

      // Back: the nodes reconnect by themselves and every camera records again.
      await until('every camera recording again after the restart', async () => new Set((await segmentsSince(restartedAt)).map((s) => s.camera_id)).size === CAMERAS.length, 45_000, 1000)
        .catch((err: unknown) => {
          throw new Error(`${String(err)}\n${nodes.map((n) => `--- ${n.id}\n${n.log().slice(-4000)}`).join('\n')}`);
        });
      for (const n of nodes) assert.equal(await n.stop(), 0, n.log().slice(-3000));

      const segs = await segmentsSince(0);
      for (const cam of CAMERAS) {
        const s = segs.filter((x) => x.camera_id === cam);
        for (let k = 1; k < s.length; k++) {
          assert.ok(Number(s[k - 1]!.end_ms) <= Number(s[k]!.start_ms), `${cam}: segment of ${s[k - 1]!.node} until ${s[k - 1]!.end_ms} overlaps one of ${s[k]!.node} from ${s[k]!.start_ms}`);
        }
      }
    } finally {
      for (const n of nodes) n.kill();
      await Promise.all(nodes.map((n) => n.exited));
      server.destroy();
      await deleteStream(names.stream).catch((err: unknown) => console.error('stream not deleted', err));
      rmSync(root, { recursive: true, force: true });
    }
  });
});
