import type { Registry } from 'prom-client';
import type { Config } from '../config/schema';
import { UserError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { GapReason } from '../record/recording.repository';
import type { Store } from '../store/store';
import { ClusterRepository, type Claim, type LeaseRole } from './cluster.repository';
import { defaultNodeId, LeaseManager, type LeaseHolder } from './lease-manager';
import { ClusterMetrics } from './metrics';
import { NodeRegistry } from './node';

/** What a role manager (RecorderManager, AnalyticsManager) does when a camera is assigned to or taken from this node. */
export interface AssignmentTarget {
  assigned(cameraId: string): Promise<void>;
  unassigned(cameraId: string): Promise<void>;
}

/**
 * The cameras of one role this node holds a lease for: the LeaseManager's holder (start/stop the camera's
 * work through the role manager) and the role manager's assignment port (holds, gap reason).
 */
export class RoleAssignment implements LeaseHolder {
  private readonly held = new Map<string, Claim['previous']>();
  private target?: AssignmentTarget;

  attach(target: AssignmentTarget): void {
    this.target = target;
  }

  holds(cameraId: string): boolean {
    return this.held.has(cameraId);
  }

  gapReason(cameraId: string): GapReason | undefined {
    const previous = this.held.get(cameraId);
    return previous === 'expired' ? 'failover' : previous === 'released' ? 'handover' : undefined;
  }

  size(): number {
    return this.held.size;
  }

  async start(cameraId: string, _epoch: number, previous: Claim['previous']): Promise<void> {
    this.held.set(cameraId, previous);
    await this.target?.assigned(cameraId);
  }

  async stop(cameraId: string): Promise<void> {
    this.held.delete(cameraId);
    await this.target?.unassigned(cameraId);
  }
}

/** This node's id in the cluster: cluster.nodeId, or <site.id>-<host>-<port>. */
export function clusterNodeId(config: Config): string {
  return config.cluster.nodeId ?? defaultNodeId(config.site.id, config.server.port);
}

/** Refuses cluster mode on a store other nodes cannot share (said at start-up, with the keys to set). */
export function checkClusterConfig(config: Config, log: Logger): void {
  if (!config.cluster.enabled) return;
  if (config.store.engine !== 'postgres') {
    throw new UserError('cluster_needs_postgres', `cluster.enabled is true but store.engine is '${config.store.engine}': every node of a cluster shares one PostgreSQL database (set store.engine: postgres and store.postgresUrl, or cluster.enabled: false)`);
  }
  if (config.bus.engine !== 'nats') log.warn({ bus: config.bus.engine }, 'cluster mode with bus.engine memory: events do not reach the other nodes (set bus.engine: nats)');
}

export interface ClusterOptions {
  config: Config;
  store: Store;
  log: Logger;
  version: string;
  /** Roles this process runs (config.roles). */
  roles: string[];
  apiUrl?: () => string | null;
  /** Cameras the analytics role may take (those with analytics on). */
  analyticsCandidates: () => Promise<string[]>;
  /** Every camera of the inventory (the recorder role's candidates). */
  recorderCandidates: () => Promise<string[]>;
  /** The node's Prometheus registry (HealthMetrics.registry). */
  metricsRegistry?: Registry;
}

/** Cluster mode of one process (docs/design/cluster.md): the node's registration and one LeaseManager per leased role it runs. */
export class ClusterNode {
  readonly nodeId: string;
  readonly repo: ClusterRepository;
  readonly registry: NodeRegistry;
  readonly metrics: ClusterMetrics;
  readonly assignments = new Map<LeaseRole, RoleAssignment>();
  private readonly managers = new Map<LeaseRole, LeaseManager>();

  constructor(private readonly o: ClusterOptions) {
    const c = o.config.cluster;
    this.metrics = new ClusterMetrics(o.metricsRegistry);
    this.nodeId = clusterNodeId(o.config);
    this.repo = new ClusterRepository(o.store.db, o.store.engine);
    const log = o.log.child({ scope: 'cluster', node: this.nodeId });
    // Analytics leases only where the analytics role really runs (analytics.enabled), or its cameras would sit unanalysed.
    const leased = (['recorder', 'analytics'] as const).filter((r) => o.roles.includes(r) && (r !== 'analytics' || o.config.analytics.enabled));
    for (const role of leased) {
      const holder = new RoleAssignment();
      this.assignments.set(role, holder);
      this.managers.set(role, new LeaseManager({
        repo: this.repo, nodeId: this.nodeId, role, holder, capacity: c.capacity[role], heartbeatMs: c.heartbeatMs, leaseTtlMs: c.leaseTtlMs, fenceMarginMs: c.fenceMarginMs, log,
        candidates: role === 'recorder' ? o.recorderCandidates : o.analyticsCandidates,
        observer: { renewed: (ms) => this.metrics.renewed(role, ms), fenced: (n) => this.metrics.fenced(role, n) },
      }));
    }
    this.registry = new NodeRegistry({
      repo: this.repo, nodeId: this.nodeId, roles: o.roles, capacity: { recorder: leased.includes('recorder') ? c.capacity.recorder : 0, analytics: leased.includes('analytics') ? c.capacity.analytics : 0 },
      version: o.version, apiUrl: null, apiUrlOf: o.apiUrl, key: c.key, heartbeatMs: c.heartbeatMs, maxClockSkewMs: c.maxClockSkewMs, log,
      load: () => Object.fromEntries([...this.assignments].map(([role, a]) => [role, a.size()])),
    });
    this.metrics.watch(this);
  }

  assignment(role: LeaseRole): RoleAssignment | undefined {
    return this.assignments.get(role);
  }

  /** Joins the cluster (refused with another key): throws before any camera is taken. */
  async join(): Promise<void> {
    await this.registry.join();
  }

  /** Starts taking leases (after the role managers are attached). */
  startLeases(): void {
    for (const m of this.managers.values()) m.start();
  }

  /** Leaves cleanly: cameras stopped and their leases released, so the other nodes take them at once. */
  async stop(): Promise<void> {
    await Promise.all([...this.managers.values()].map((m) => m.stop()));
    await this.registry.leave();
  }
}
