import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { uniqueNatsNames } from '../../src/bus/testing';
import { openTestStore } from '../support/engines';
import { makeTestClip } from '../support/media';
import { privateNatsUnavailable, startPrivateNats } from '../support/private-nats';
import { clusterKey, createCameras, startNode, until, type ClusterEnv, type NodeProc } from './support';

/**
 * Issue #11: NATS restarting mid-run (a PRIVATE nats-server with JetStream on another port). Leases live
 * in PostgreSQL, so recording goes on through the outage; the nodes reconnect to NATS by themselves and
 * a camera added after the restart is recorded too.
 */
describe('cluster: NATS restart', { skip: privateNatsUnavailable() || false }, () => {
  test('recorder nodes survive a NATS crash, keep recording, reconnect; a camera added afterwards is recorded', { timeout: 150_000 }, async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'sv-cluster-nats-'));
    const pg = await openTestStore('postgres');
    const nats = await startPrivateNats();
    const nodes: NodeProc[] = [];
    try {
      const env: ClusterEnv = { root, pgUrl: pg.url!, nats: { ...uniqueNatsNames(), servers: [nats.url] }, key: clusterKey() };
      const clip = makeTestClip(path.join(root, 'clip.ts'), { seconds: 6, width: 320, height: 180, fps: 10, gopSeconds: 1, format: 'ts' });
      await createCameras(env, clip, ['nr-1', 'nr-2']);
      for (const id of ['node-n1', 'node-n2']) nodes.push(startNode(env, id));
      const db = pg.store.db;
      const recordedSince = async (since: number) => new Set((await db.selectFrom('segments').select('camera_id').where('start_ms', '>=', since).execute()).map((r) => r.camera_id));
      const t0 = Date.now();
      await until('both cameras recording', async () => (await recordedSince(t0 - 60_000)).size === 2, 60_000, 500).catch((err: unknown) => {
        throw new Error(`${String(err)}\n${nodes.map((n) => `--- ${n.id}\n${n.log().slice(-3000)}`).join('\n')}`);
      });

      await nats.kill();
      const downAt = Date.now();
      await sleep(4000);
      // Leases are in PostgreSQL: recording went on while NATS was down.
      await until('recording during the NATS outage', async () => (await recordedSince(downAt)).size === 2, 10_000, 500);
      await nats.start();
      for (const n of nodes) assert.equal(n.child.exitCode, null, `${n.id} survived the NATS crash:\n${n.log().slice(-3000)}`);

      // A camera added after the restart is taken and recorded.
      await createCameras(env, clip, ['nr-3']);
      const after = Date.now();
      await until('the new camera recorded', async () => (await recordedSince(after)).has('nr-3'), 30_000, 500).catch((err: unknown) => {
        throw new Error(`${String(err)}\n${nodes.map((n) => `--- ${n.id}\n${n.log().slice(-3000)}`).join('\n')}`);
      });
      for (const n of nodes) assert.equal(await n.stop(), 0, n.log().slice(-3000));
    } finally {
      for (const n of nodes) n.kill();
      await Promise.all(nodes.map((n) => n.exited));
      await nats.destroy();
      await pg.cleanup();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
