import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { LeaseRole } from './cluster.repository';

/** What the metrics read at scrape time. */
interface Watched {
  nodeId: string;
  assignments: Map<LeaseRole, { size(): number }>;
  registry: { skewMs: number };
}

/**
 * Cluster metrics of this node (GET /metrics): leases held per role, lease renewal latency, self-fencing
 * events, clock skew to the database. Kept in their own registry, merged into the node's by register().
 */
export class ClusterMetrics {
  private node?: Watched;
  private readonly renewSeconds: Histogram<'role'>;
  private readonly fencedTotal: Counter<'role'>;

  /** `registry`: the node's (HealthMetrics.registry), so GET /metrics shows them. */
  constructor(readonly registry: Registry = new Registry()) {
    this.renewSeconds = new Histogram({
      name: 'smartview_cluster_lease_renew_seconds', help: 'Time to renew this node\'s leases of a role (database round trips)', labelNames: ['role'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers: [this.registry],
    });
    this.fencedTotal = new Counter({
      name: 'smartview_cluster_fenced_total', help: 'Cameras this node stopped because its leases could not be renewed in time (self-fencing)', labelNames: ['role'], registers: [this.registry],
    });
    const held: Gauge<'role'> = new Gauge({
      name: 'smartview_cluster_leases_held', help: 'Camera leases this node holds, per role', labelNames: ['role'], registers: [this.registry],
      collect: () => {
        held.reset();
        for (const [role, a] of this.node?.assignments ?? []) held.set({ role }, a.size());
      },
    });
    const skew: Gauge = new Gauge({
      name: 'smartview_cluster_clock_skew_ms', help: 'This node\'s clock minus the database\'s (ms), measured at each heartbeat', registers: [this.registry],
      collect: () => skew.set(this.node?.registry.skewMs ?? 0),
    });
  }

  watch(node: Watched): void {
    this.node = node;
  }

  renewed(role: LeaseRole, ms: number): void {
    this.renewSeconds.observe({ role }, ms / 1000);
  }

  fenced(role: LeaseRole, cameras: number): void {
    this.fencedTotal.inc({ role }, cameras);
  }

  fencedCount(role: LeaseRole): Promise<number> {
    return this.fencedTotal.get().then((m) => m.values.find((v) => v.labels.role === role)?.value ?? 0);
  }
}
