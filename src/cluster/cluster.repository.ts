import { sql, type Transaction } from 'kysely';
import type { Database } from '../store/schema';
import type { Db, Engine } from '../store/store';

export type LeaseRole = 'recorder' | 'analytics';

export interface NodeRow {
  nodeId: string;
  roles: string[];
  capacity: Record<LeaseRole, number>;
  version: string;
  host: string;
  apiUrl: string | null;
  startedAt: number;
  heartbeatAt: number;
  clockSkewMs: number;
  load: Record<string, number>;
  status: 'up' | 'left';
}

export interface Lease {
  cameraId: string;
  epoch: number;
}

/** A lease just taken, and how the previous holder let it go: never held, released (clean handover), expired (its node died or was fenced). */
export interface Claim {
  epoch: number;
  previous: 'none' | 'released' | 'expired';
}

/** The only code that reads and writes the cluster tables. Lease times are the database's clock (`now` comes from dbNow()). */
export class ClusterRepository {
  constructor(private readonly db: Db, private readonly engine: Engine) {}

  /** The database's clock in UTC ms (SQLite: this process's clock — one node only). */
  async dbNow(): Promise<number> {
    return this.clock(this.db);
  }

  private async clock(db: Db | Transaction<Database>): Promise<number> {
    if (this.engine === 'sqlite') return Date.now();
    const r = await sql<{ ms: string }>`select floor(extract(epoch from clock_timestamp()) * 1000)::bigint as ms`.execute(db);
    return Number(r.rows[0]!.ms);
  }

  /** Records the cluster key's fingerprint if none is set; returns the one in force. */
  async keyFingerprint(fingerprint: string): Promise<string> {
    await this.db.insertInto('cluster_meta').values({ key: 'key_fingerprint', value: fingerprint }).onConflict((oc) => oc.column('key').doNothing()).execute();
    const row = await this.db.selectFrom('cluster_meta').select('value').where('key', '=', 'key_fingerprint').executeTakeFirstOrThrow();
    return row.value;
  }

  async upsertNode(n: NodeRow): Promise<void> {
    const row = {
      node_id: n.nodeId, roles: JSON.stringify(n.roles), capacity: JSON.stringify(n.capacity), version: n.version, host: n.host, api_url: n.apiUrl,
      started_at: n.startedAt, heartbeat_at: n.heartbeatAt, clock_skew_ms: n.clockSkewMs, load: JSON.stringify(n.load), status: n.status,
    };
    const { node_id: _id, ...rest } = row;
    await this.db.insertInto('cluster_nodes').values(row).onConflict((oc) => oc.column('node_id').doUpdateSet(rest)).execute();
  }

  async nodes(): Promise<NodeRow[]> {
    const rows = await this.db.selectFrom('cluster_nodes').selectAll().orderBy('node_id').execute();
    return rows.map((r) => ({
      nodeId: r.node_id, roles: JSON.parse(r.roles) as string[], capacity: JSON.parse(r.capacity) as Record<LeaseRole, number>, version: r.version, host: r.host,
      apiUrl: r.api_url, startedAt: Number(r.started_at), heartbeatAt: Number(r.heartbeat_at), clockSkewMs: Number(r.clock_skew_ms),
      load: JSON.parse(r.load) as Record<string, number>, status: r.status as 'up' | 'left',
    }));
  }

  /** Extends every lease this node holds for `role`; answers the leases it still holds. */
  async renew(nodeId: string, role: LeaseRole, now: number, ttlMs: number): Promise<Lease[]> {
    const rows = await this.db
      .updateTable('camera_leases')
      .set({ expires_at: now + ttlMs })
      .where('node_id', '=', nodeId)
      .where('role', '=', role)
      .returning(['camera_id', 'epoch'])
      .execute();
    return rows.map((r) => ({ cameraId: r.camera_id, epoch: Number(r.epoch) }));
  }

  /** Cameras of `role` whose lease is free: never taken, or expired by the database's clock. */
  async free(role: LeaseRole, cameraIds: string[], now: number): Promise<Set<string>> {
    if (cameraIds.length === 0) return new Set();
    const held = new Set<string>();
    for (let k = 0; k < cameraIds.length; k += 1000) {
      const rows = await this.db.selectFrom('camera_leases').select('camera_id').where('role', '=', role).where('expires_at', '>=', now).where('camera_id', 'in', cameraIds.slice(k, k + 1000)).execute();
      for (const r of rows) held.add(r.camera_id);
    }
    return new Set(cameraIds.filter((id) => !held.has(id)));
  }

  /**
   * Takes the lease of one camera if it is free (absent, or expired by the database's clock): one atomic
   * upsert whose update only applies to an expired row, so two nodes can never both win. Answers the new
   * epoch (the fencing token), or null when another node holds it. The time of the claim is read from the
   * database clock once the row is locked (not the caller's `now`, read earlier in its heartbeat): a release
   * or renewal committed before is always earlier, so the lease history is exact.
   */
  async claim(nodeId: string, role: LeaseRole, cameraId: string, earliest: number, ttlMs: number): Promise<Claim | null> {
    return this.db.transaction().execute(async (tx) => {
      let q = tx.selectFrom('camera_leases').select(['epoch', 'expires_at']).where('camera_id', '=', cameraId).where('role', '=', role);
      if (this.engine === 'postgres') q = q.forUpdate(); // SQLite: one writer at a time anyway
      const before = await q.executeTakeFirst();
      const now = Math.max(earliest, await this.clock(tx));
      const row = await tx
        .insertInto('camera_leases')
        .values({ camera_id: cameraId, role, node_id: nodeId, epoch: 1, acquired_at: now, expires_at: now + ttlMs })
        .onConflict((oc) =>
          oc.columns(['camera_id', 'role']).doUpdateSet({ node_id: nodeId, epoch: sql`camera_leases.epoch + 1`, acquired_at: now, expires_at: now + ttlMs }).where('camera_leases.expires_at', '<', now),
        )
        .returning(['epoch'])
        .executeTakeFirst();
      if (!row) return null;
      const epoch = Number(row.epoch);
      // The previous holder's history ends where its lease expired (it fenced itself before that).
      if (before) await tx.updateTable('camera_lease_log').set({ released_at: Number(before.expires_at), release_reason: 'expired' }).where('camera_id', '=', cameraId).where('role', '=', role).where('epoch', '=', Number(before.epoch)).where('released_at', 'is', null).execute();
      await tx.insertInto('camera_lease_log').values({ camera_id: cameraId, role, epoch, node_id: nodeId, acquired_at: now, released_at: null, release_reason: null }).execute();
      const previous: Claim['previous'] = !before ? 'none' : Number(before.expires_at) === 0 ? 'released' : 'expired';
      return { epoch, previous };
    });
  }

  /** Gives a lease back (the node stopped the camera first). Only the holder of that epoch can. */
  async release(nodeId: string, role: LeaseRole, lease: Lease, earliest: number): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      // The row stays (expired at once) so the next holder's epoch follows this one.
      const gone = await tx.updateTable('camera_leases').set({ expires_at: 0 }).where('camera_id', '=', lease.cameraId).where('role', '=', role).where('node_id', '=', nodeId).where('epoch', '=', lease.epoch).executeTakeFirst();
      if (Number(gone.numUpdatedRows) === 0) return;
      // Read after the row is locked by the update: a later claim (which waits for this commit) reads a later time.
      const now = Math.max(earliest, await this.clock(tx));
      await tx.updateTable('camera_lease_log').set({ released_at: now, release_reason: 'released' }).where('camera_id', '=', lease.cameraId).where('role', '=', role).where('epoch', '=', lease.epoch).execute();
    });
  }

  /** The lease history of a camera (oldest first): tests and the cluster view prove there was never an overlap. */
  async history(role: LeaseRole, cameraId?: string): Promise<Array<{ cameraId: string; epoch: number; nodeId: string; acquiredAt: number; releasedAt: number | null; reason: string | null }>> {
    let q = this.db.selectFrom('camera_lease_log').selectAll().where('role', '=', role);
    if (cameraId) q = q.where('camera_id', '=', cameraId);
    const rows = await q.orderBy('camera_id').orderBy('epoch').execute();
    return rows.map((r) => ({ cameraId: r.camera_id, epoch: Number(r.epoch), nodeId: r.node_id, acquiredAt: Number(r.acquired_at), releasedAt: r.released_at === null ? null : Number(r.released_at), reason: r.release_reason }));
  }

  /** The live leases of a role (optionally of one node), for the cluster view. */
  async leases(role: LeaseRole | undefined, now: number, nodeId?: string): Promise<Array<{ cameraId: string; role: LeaseRole; nodeId: string; epoch: number; acquiredAt: number; expiresAt: number }>> {
    let q = this.db.selectFrom('camera_leases').selectAll().where('expires_at', '>=', now);
    if (role) q = q.where('role', '=', role);
    if (nodeId) q = q.where('node_id', '=', nodeId);
    const rows = await q.orderBy('node_id').orderBy('role').orderBy('camera_id').limit(100_000).execute();
    return rows.map((r) => ({ cameraId: r.camera_id, role: r.role as LeaseRole, nodeId: r.node_id, epoch: Number(r.epoch), acquiredAt: Number(r.acquired_at), expiresAt: Number(r.expires_at) }));
  }

  /** Every camera id of the inventory (the recorder role's lease candidates). */
  async cameraIds(): Promise<string[]> {
    const rows = await this.db.selectFrom('cameras').select('id').orderBy('id').execute();
    return rows.map((r) => r.id);
  }

  async leaseCounts(role: LeaseRole, now: number): Promise<Map<string, number>> {
    const rows = await this.db.selectFrom('camera_leases').select(['node_id', (eb) => eb.fn.countAll<string>().as('n')]).where('role', '=', role).where('expires_at', '>=', now).groupBy('node_id').execute();
    return new Map(rows.map((r) => [r.node_id, Number(r.n)]));
  }
}
