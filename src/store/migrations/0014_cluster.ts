import type { Kysely } from 'kysely';
import type { MigrationContext } from './index';

/**
 * Cluster mode (src/cluster, docs/design/cluster.md): the nodes of a cluster with their heartbeats, the
 * cluster's key fingerprint, camera leases per role (one holder at a time, with a fencing epoch), and the
 * history of every lease (the proof that no camera was held by two nodes at once). Lease times are the
 * database's clock, never a node's.
 */
export async function up(db: Kysely<unknown>, { engine }: MigrationContext): Promise<void> {
  const big = engine === 'postgres' ? 'bigint' : 'integer';
  await db.schema
    .createTable('cluster_meta')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('cluster_nodes')
    .addColumn('node_id', 'text', (c) => c.primaryKey())
    .addColumn('roles', 'text', (c) => c.notNull()) // JSON array
    .addColumn('capacity', 'text', (c) => c.notNull()) // JSON {recorder, analytics}
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('host', 'text', (c) => c.notNull())
    .addColumn('api_url', 'text')
    .addColumn('started_at', big, (c) => c.notNull())
    .addColumn('heartbeat_at', big, (c) => c.notNull())
    .addColumn('clock_skew_ms', big, (c) => c.notNull())
    .addColumn('load', 'text', (c) => c.notNull()) // JSON {recorder: held, analytics: held, ...}
    .addColumn('status', 'text', (c) => c.notNull()) // up | left
    .execute();
  await db.schema
    .createTable('camera_leases')
    .addColumn('camera_id', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull()) // recorder | analytics
    .addColumn('node_id', 'text', (c) => c.notNull())
    .addColumn('epoch', big, (c) => c.notNull())
    .addColumn('acquired_at', big, (c) => c.notNull())
    .addColumn('expires_at', big, (c) => c.notNull())
    .addPrimaryKeyConstraint('camera_leases_pk', ['camera_id', 'role'])
    .execute();
  await db.schema.createIndex('camera_leases_node').on('camera_leases').columns(['node_id', 'role']).execute();
  await db.schema
    .createTable('camera_lease_log')
    .addColumn('camera_id', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('epoch', big, (c) => c.notNull())
    .addColumn('node_id', 'text', (c) => c.notNull())
    .addColumn('acquired_at', big, (c) => c.notNull())
    .addColumn('released_at', big)
    .addColumn('release_reason', 'text') // released | lost | expired
    .addPrimaryKeyConstraint('camera_lease_log_pk', ['camera_id', 'role', 'epoch'])
    .execute();
}
