import { sql } from 'kysely';
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

/** The only code that reads and writes the cluster tables. Lease times are the database's clock (`now` comes from dbNow()). */
export class ClusterRepository {
  constructor(private readonly db: Db, private readonly engine: Engine) {}

  /** The database's clock in UTC ms (SQLite: this process's clock — one node only). */
  async dbNow(): Promise<number> {
    if (this.engine === 'sqlite') return Date.now();
    const r = await sql<{ ms: string }>`select floor(extract(epoch from clock_timestamp()) * 1000)::bigint as ms`.execute(this.db);
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
   * epoch (the fencing token), or null when another node holds it.
   */
  async claim(nodeId: string, role: LeaseRole, cameraId: string, now: number, ttlMs: number): Promise<number | null> {
    return this.db.transaction().execute(async (tx) => {
      const before = await tx.selectFrom('camera_leases').select(['epoch', 'expires_at']).where('camera_id', '=', cameraId).where('role', '=', role).executeTakeFirst();
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
      return epoch;
    });
  }

  /** Gives a lease back (the node stopped the camera first). Only the holder of that epoch can. */
  async release(nodeId: string, role: LeaseRole, lease: Lease, now: number): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      // The row stays (expired at once) so the next holder's epoch follows this one.
      const gone = await tx.updateTable('camera_leases').set({ expires_at: 0 }).where('camera_id', '=', lease.cameraId).where('role', '=', role).where('node_id', '=', nodeId).where('epoch', '=', lease.epoch).executeTakeFirst();
      if (Number(gone.numUpdatedRows) === 0) return;
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

  async leaseCounts(role: LeaseRole, now: number): Promise<Map<string, number>> {
    const rows = await this.db.selectFrom('camera_leases').select(['node_id', (eb) => eb.fn.countAll<string>().as('n')]).where('role', '=', role).where('expires_at', '>=', now).groupBy('node_id').execute();
    return new Map(rows.map((r) => [r.node_id, Number(r.n)]));
  }
}
