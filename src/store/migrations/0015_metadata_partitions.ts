import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from './index';
import { monthPartitionDdl, monthStartUtc, monthsCovering } from '../../metadata/partitions';

/**
 * Metadata at scale (src/metadata, docs/design/metadata-scale.md). PostgreSQL only; SQLite keeps its
 * tables as they are.
 *
 * - analytics_events becomes range-partitioned by started_at, one partition per UTC month, primary key
 *   (started_at, id) (a partitioned table's keys must hold the partition column); the indexes of 0004 are
 *   recreated on the parent plus (id) for reads and updates of one event.
 * - audit_records becomes range-partitioned by `at`, one partition per UTC month. Its primary key becomes
 *   (at, seq) and the chain uniqueness (chain, chain_seq, at): appends take the node lock and the chain head
 *   FOR UPDATE, so (chain, chain_seq) stays unique by construction, and verification reports any
 *   duplicate as `inserted`. The seq sequence is kept (owned by the new table), so seq keeps counting.
 *
 * Existing rows are copied (table renamed, partitioned table LIKE it, partitions for every month its rows
 * cover and last month … two ahead, rows copied, old table dropped), as 0013 did for search_tracks.
 */
async function partitionTable(db: Kysely<unknown>, table: string, column: string): Promise<void> {
  await sql.raw(`alter table ${table} rename to ${table}_unpartitioned`).execute(db);
  await sql.raw(`create table ${table} (like ${table}_unpartitioned including defaults including constraints) partition by range (${column})`).execute(db);
  const r = await sql<{ lo: string | null; hi: string | null }>`select min(${sql.ref(column)}) as lo, max(${sql.ref(column)}) as hi from ${sql.table(`${table}_unpartitioned`)}`.execute(db);
  const now = Date.now();
  const lo = Math.min(monthStartUtc(now, -1), r.rows[0]?.lo == null ? Infinity : Number(r.rows[0].lo));
  const hi = Math.max(monthStartUtc(now, 2), r.rows[0]?.hi == null ? -Infinity : Number(r.rows[0].hi));
  for (const m of monthsCovering(lo, hi)) await sql.raw(monthPartitionDdl(table, m)).execute(db);
  await sql.raw(`insert into ${table} select * from ${table}_unpartitioned`).execute(db);
}

export async function up(db: Kysely<unknown>, { engine }: MigrationContext): Promise<void> {
  if (engine !== 'postgres') return;

  await partitionTable(db, 'analytics_events', 'started_at');
  await sql`drop table analytics_events_unpartitioned`.execute(db);
  await sql`alter table analytics_events add primary key (started_at, id)`.execute(db);
  const ev = async (name: string, cols: string[]) => db.schema.createIndex(name).on('analytics_events').columns(cols).execute();
  await ev('analytics_events_id', ['id']);
  await ev('analytics_events_camera_start', ['camera_id', 'started_at']);
  await ev('analytics_events_created', ['created_at']);
  await ev('analytics_events_scope', ['owner', 'district', 'started_at']);
  await ev('analytics_events_track', ['camera_id', 'track_id']);
  await ev('analytics_events_job', ['job_id', 'started_at']);

  await partitionTable(db, 'audit_records', 'at');
  await sql`alter sequence audit_records_seq_seq owned by audit_records.seq`.execute(db);
  await sql`drop table audit_records_unpartitioned`.execute(db);
  await sql`alter table audit_records add primary key (at, seq)`.execute(db);
  await sql`alter table audit_records add constraint audit_records_chain_seq unique (chain, chain_seq, at)`.execute(db);
  await sql`create index audit_records_seq on audit_records (seq)`.execute(db);
  await sql`create index audit_records_chain on audit_records (chain, chain_seq)`.execute(db);
  await sql`create index audit_records_actor on audit_records (actor_id, at)`.execute(db);
  await sql`create index audit_records_case on audit_records (case_ref, at)`.execute(db);
}
