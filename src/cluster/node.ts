import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { errorMessage, OperationalError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { ClusterRepository, LeaseRole, NodeRow } from './cluster.repository';

export interface NodeRegistryOptions {
  repo: ClusterRepository;
  nodeId: string;
  roles: string[];
  capacity: Record<LeaseRole, number>;
  version: string;
  apiUrl: string | null;
  /** Read at each heartbeat (the api listens after the node joined). */
  apiUrlOf?: () => string | null;
  /** The shared cluster key; its SHA-256 fingerprint must match the cluster's. */
  key: string | undefined;
  heartbeatMs: number;
  maxClockSkewMs: number;
  log: Logger;
  /** What this node currently holds, per role (shown in the cluster view). */
  load: () => Record<string, number>;
  /** This node's wall clock (default Date.now; tests inject an offset). */
  now?: () => number;
}

export function keyFingerprint(key: string): string {
  return createHash('sha256').update(`smartview-cluster\u0000${key}`).digest('hex');
}

/**
 * This node in `cluster_nodes`: refuses to join a cluster whose key differs, then heartbeats with its load and
 * the skew between its clock and the database's (reported above maxClockSkewMs; leases never use node clocks).
 */
export class NodeRegistry {
  private timer?: NodeJS.Timeout;
  private startedAt = 0;
  skewMs = 0;

  constructor(private readonly o: NodeRegistryOptions) {}

  async join(): Promise<void> {
    if (!this.o.key) throw new OperationalError('cluster_key_missing', 'cluster.key is not set: every node of a cluster needs the same key (set SMARTVIEW_CLUSTER__KEY)');
    const mine = keyFingerprint(this.o.key);
    const theirs = await this.o.repo.keyFingerprint(mine);
    if (theirs !== mine) {
      throw new OperationalError('cluster_key_mismatch', `cluster.key does not match this cluster's key (fingerprint ${theirs.slice(0, 12)}…, this node ${mine.slice(0, 12)}…): the node is refused; use the cluster's key`);
    }
    this.startedAt = (this.o.now ?? Date.now)();
    await this.beat();
    this.timer = setInterval(() => void this.beat().catch((err: unknown) => this.o.log.warn({ err: errorMessage(err) }, 'cluster heartbeat failed; retrying')), this.o.heartbeatMs);
    this.timer.unref();
  }

  async leave(): Promise<void> {
    clearInterval(this.timer);
    await this.write('left').catch((err: unknown) => this.o.log.warn({ err: errorMessage(err) }, 'could not mark this node as left (it times out by itself)'));
  }

  async beat(): Promise<void> {
    await this.write('up');
  }

  private async write(status: 'up' | 'left'): Promise<void> {
    const now = this.o.now ?? Date.now;
    const before = now();
    const dbNow = await this.o.repo.dbNow();
    const after = now();
    this.skewMs = Math.round((before + after) / 2 - dbNow);
    if (Math.abs(this.skewMs) > this.o.maxClockSkewMs) {
      this.o.log.warn({ skewMs: this.skewMs, maxClockSkewMs: this.o.maxClockSkewMs }, 'this node\'s clock differs from the database\'s: fix NTP on this host (segment times come from the node clock)');
    }
    const row: NodeRow = {
      nodeId: this.o.nodeId, roles: this.o.roles, capacity: this.o.capacity, version: this.o.version, host: hostname(), apiUrl: this.o.apiUrlOf?.() ?? this.o.apiUrl,
      startedAt: this.startedAt, heartbeatAt: dbNow, clockSkewMs: this.skewMs, load: this.o.load(), status,
    };
    await this.o.repo.upsertNode(row);
  }
}
