import type { Store } from '../store/store';
import { ClusterRepository, type LeaseRole } from './cluster.repository';

export interface ClusterNodeView {
  nodeId: string;
  roles: string[];
  capacity: Record<LeaseRole, number>;
  /** Cameras held per role (from the node's last heartbeat). */
  load: Record<string, number>;
  version: string;
  host: string;
  apiUrl: string | null;
  status: 'up' | 'left' | 'lost';
  startedAt: number;
  heartbeatAt: number;
  /** Now minus the last heartbeat, both on the database's clock. */
  heartbeatAgeMs: number;
  /** The node's clock minus the database's at its last heartbeat. */
  clockSkewMs: number;
  clockSkewOk: boolean;
}

/** The cluster view (GET /api/cluster/*): nodes with their load and health, and who holds which camera. */
export class ClusterService {
  private readonly repo: ClusterRepository;

  constructor(store: Store, private readonly o: { leaseTtlMs: number; maxClockSkewMs: number }) {
    this.repo = new ClusterRepository(store.db, store.engine);
  }

  async nodes(): Promise<{ now: number; nodes: ClusterNodeView[] }> {
    const now = await this.repo.dbNow();
    const rows = await this.repo.nodes();
    return {
      now,
      nodes: rows.map((n) => ({
        nodeId: n.nodeId, roles: n.roles, capacity: n.capacity, load: n.load, version: n.version, host: n.host, apiUrl: n.apiUrl,
        // A node silent for longer than a lease is lost: its cameras are (being) taken by the others.
        status: n.status === 'up' && now - n.heartbeatAt > this.o.leaseTtlMs ? 'lost' : n.status,
        startedAt: n.startedAt, heartbeatAt: n.heartbeatAt, heartbeatAgeMs: Math.max(0, now - n.heartbeatAt),
        clockSkewMs: n.clockSkewMs, clockSkewOk: Math.abs(n.clockSkewMs) <= this.o.maxClockSkewMs,
      })),
    };
  }

  /** Every camera id (the recorder role's lease candidates). */
  cameraIds(): Promise<string[]> {
    return this.repo.cameraIds();
  }

  async leases(f: { nodeId?: string; role?: LeaseRole }): Promise<{ now: number; leases: Awaited<ReturnType<ClusterRepository['leases']>> }> {
    const now = await this.repo.dbNow();
    return { now, leases: await this.repo.leases(f.role, now, f.nodeId) };
  }
}
