import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { Registry } from 'prom-client';
import { silentLogger } from '../core/logger';
import { ENGINES, openTestStore, type TestStore } from '../../test/support/engines';
import { ClusterRepository } from './cluster.repository';
import { ClusterService } from './cluster.service';
import { LeaseManager } from './lease-manager';
import { ClusterMetrics } from './metrics';
import { NodeRegistry } from './node';

/** Clock skew between a node and the database is measured, stored, shown (API view) and exported (metrics). */
for (const engine of ENGINES) {
  describe(`cluster view and clock skew (${engine})`, () => {
    const opened: TestStore[] = [];
    after(async () => {
      for (const s of opened) await s.cleanup();
    });

    test('a node whose clock runs 5 s ahead is reported (node row, view, metric); a silent node shows as lost', async () => {
      const ts = await openTestStore(engine);
      opened.push(ts);
      const repo = new ClusterRepository(ts.store.db, ts.store.engine);
      const mk = (nodeId: string, offsetMs: number) => new NodeRegistry({
        repo, nodeId, roles: ['recorder'], capacity: { recorder: 4, analytics: 0 }, version: 't', apiUrl: null, key: 'a-cluster-key-of-this-test', heartbeatMs: 60_000, maxClockSkewMs: 1000,
        log: silentLogger(), load: () => ({ recorder: 2 }), now: () => Date.now() + offsetMs,
      });
      const ahead = mk('node-ahead', 5000);
      const good = mk('node-good', 0);
      await ahead.join();
      await good.join();
      assert.ok(Math.abs(ahead.skewMs - 5000) < 500, `skew measured ${ahead.skewMs}`);
      assert.ok(Math.abs(good.skewMs) < 500, `skew measured ${good.skewMs}`);

      const view = new ClusterService(ts.store, { leaseTtlMs: 2000, maxClockSkewMs: 1000 });
      const { nodes } = await view.nodes();
      const a = nodes.find((n) => n.nodeId === 'node-ahead')!;
      const g = nodes.find((n) => n.nodeId === 'node-good')!;
      assert.equal(a.clockSkewOk, false);
      assert.ok(Math.abs(a.clockSkewMs - 5000) < 500);
      assert.equal(g.clockSkewOk, true);
      assert.deepEqual(a.load, { recorder: 2 });
      assert.equal(a.status, 'up');

      // The metric of the node carries the same skew.
      const metrics = new ClusterMetrics(new Registry());
      metrics.watch({ nodeId: 'node-ahead', assignments: new Map([['recorder', { size: () => 2 }]]), registry: ahead });
      const text = await metrics.registry.metrics();
      const skew = Number(/^smartview_cluster_clock_skew_ms (\S+)$/m.exec(text)?.[1]);
      assert.ok(Math.abs(skew - 5000) < 500, text);
      assert.match(text, /smartview_cluster_leases_held\{role="recorder"\} 2/);

      // A node that stops heartbeating for longer than a lease is shown as lost; a clean leave as left.
      await good.leave();
      await new Promise((r) => setTimeout(r, 2300));
      const later = await view.nodes();
      assert.equal(later.nodes.find((n) => n.nodeId === 'node-ahead')!.status, 'lost');
      assert.equal(later.nodes.find((n) => n.nodeId === 'node-good')!.status, 'left');
      await ahead.leave();
    });

    test('the leases view lists who holds which camera; renewals and fences are counted', async () => {
      const ts = await openTestStore(engine);
      opened.push(ts);
      const repo = new ClusterRepository(ts.store.db, ts.store.engine);
      const metrics = new ClusterMetrics(new Registry());
      const started: string[] = [];
      const m = new LeaseManager({
        repo, nodeId: 'node-1', role: 'recorder', candidates: async () => ['c1', 'c2', 'c3'], capacity: 10, heartbeatMs: 200, leaseTtlMs: 1500, fenceMarginMs: 500, log: silentLogger(),
        holder: { start: async (id) => void started.push(id), stop: async () => undefined },
        observer: { renewed: (ms) => metrics.renewed('recorder', ms), fenced: (n) => metrics.fenced('recorder', n) },
      });
      await m.tick();
      assert.deepEqual(m.cameras(), ['c1', 'c2', 'c3']);
      const view = new ClusterService(ts.store, { leaseTtlMs: 1500, maxClockSkewMs: 1000 });
      const { leases } = await view.leases({ nodeId: 'node-1' });
      assert.deepEqual(leases.map((l) => [l.cameraId, l.nodeId, l.epoch]), [['c1', 'node-1', 1], ['c2', 'node-1', 1], ['c3', 'node-1', 1]]);
      assert.deepEqual((await view.leases({ nodeId: 'node-2' })).leases, []);
      const text = await metrics.registry.metrics();
      assert.match(text, /smartview_cluster_lease_renew_seconds_count\{role="recorder"\} 1/);
      await m.stop();
      assert.deepEqual((await view.leases({})).leases, [], 'a clean stop releases every lease');
    });
  });
}
