import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { serve, type Running } from '../../src/app/app';
import { cameraInputSchema } from '../../src/cameras/camera.model';
import { parseConfig } from '../../src/config/load';
import { silentLogger } from '../../src/core/logger';
import { analyticsSettingsSchema } from '../../src/rules/model';
import { openTestStore } from '../support/engines';
import { makeTestClip } from '../support/media';
import { until } from './support';

const SYS = { principal: null, ip: null };
const CLUSTER = { enabled: true, key: 'analytics-lease-test-key-42', heartbeatMs: 500, leaseTtlMs: 4000, fenceMarginMs: 1500 };

/**
 * Issue #11: the analytics role in cluster mode. Two analytics nodes (in-process, one PostgreSQL database):
 * each camera with analytics on runs on exactly one of them; a camera whose analytics are off runs nowhere;
 * when a node leaves, the other takes its cameras.
 */
test('analytics nodes share the cameras with analytics on, each on exactly one node; a leaving node hands its cameras over', { timeout: 120_000 }, async () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'sv-cluster-an-'));
  const pg = await openTestStore('postgres');
  const nodes: Running[] = [];
  try {
    const clip = makeTestClip(path.join(root, 'clip.ts'), { seconds: 6, width: 320, height: 180, fps: 10, gopSeconds: 1, format: 'ts' });
    const mk = (nodeId: string) => parseConfig({
      dataDir: path.join(root, nodeId), roles: ['analytics'], store: { engine: 'postgres', postgresUrl: pg.url }, log: { level: 'silent' }, health: { enabled: false }, crowd: { enabled: false },
      analytics: { pool: { workers: 1 }, sampling: { fps: 1 } }, cluster: { ...CLUSTER, nodeId, capacity: { recorder: 0, analytics: 4 } },
    });
    nodes.push(await serve(mk('an-1'), silentLogger()));
    const sv = nodes[0]!.sv;
    for (const id of ['an-cam-1', 'an-cam-2', 'an-cam-3', 'an-off']) {
      await sv.cameras.create(SYS, cameraInputSchema.parse({ id, name: id, owner: 'police', location: { lat: 22.3, lon: 114.2, district: 'Central' }, source: { url: `file://${clip}` } }));
    }
    for (const id of ['an-cam-1', 'an-cam-2', 'an-cam-3']) await sv.rules.putSettings(SYS, id, analyticsSettingsSchema.parse({ enabled: true }));
    nodes.push(await serve(mk('an-2'), silentLogger()));
    const [a, b] = nodes as [Running, Running];
    const running = () => [...a.analytics!.cameras(), ...b.analytics!.cameras()].sort();
    await until('the three cameras analysed, over both nodes', async () => {
      const all = running();
      return all.length === 3 && a.analytics!.cameras().length > 0 && b.analytics!.cameras().length > 0;
    }, 40_000, 250).catch((err: unknown) => {
      throw new Error(`${String(err)}: an-1 ${a.analytics!.cameras().join(',')} an-2 ${b.analytics!.cameras().join(',')}`);
    });
    assert.deepEqual(running(), ['an-cam-1', 'an-cam-2', 'an-cam-3'], 'each camera on exactly one node; an-off nowhere');
    const leases = await a.sv.cluster.leases({ role: 'analytics' });
    assert.deepEqual(leases.leases.map((l) => l.cameraId).sort(), ['an-cam-1', 'an-cam-2', 'an-cam-3']);

    // an-1 leaves cleanly: an-2 takes everything.
    await a.stop();
    nodes.shift();
    await until('an-2 analyses the three cameras', async () => b.analytics!.cameras().length === 3, 20_000, 250);
  } finally {
    for (const n of nodes) await n.stop();
    await pg.cleanup();
    rmSync(root, { recursive: true, force: true });
  }
});
