import { PostgresAdapter, sql } from 'kysely';
import type { Db } from '../store/store';

/**
 * Monthly range partitions of the metadata tables on PostgreSQL (one shared helper for every
 * partitioned kind; plate_sightings and search_tracks keep their own creation code from #5/#10 but use
 * the same naming, `<table>_YYYYMM`, so maintenance and retention here cover them too). SQLite keeps
 * one table per kind. See docs/design/metadata-scale.md.
 */
export type MetadataKind = 'events' | 'tracks' | 'sightings' | 'audit';

export interface PartitionedTable {
  kind: MetadataKind;
  table: string;
  /** The integer UTC ms column the table is partitioned on. */
  column: string;
  /** Advisory lock id that serialises this table's DDL (shared with the room that created it). */
  lockId: number;
}

export const PARTITIONED_TABLES: readonly PartitionedTable[] = [
  { kind: 'events', table: 'analytics_events', column: 'started_at', lockId: 727277 },
  { kind: 'tracks', table: 'search_tracks', column: 'started_at', lockId: 727276 },
  { kind: 'sightings', table: 'plate_sightings', column: 'seen_at', lockId: 727275 },
  { kind: 'audit', table: 'audit_records', column: 'at', lockId: 727278 },
];

export function tableOf(kind: MetadataKind): PartitionedTable {
  const t = PARTITIONED_TABLES.find((x) => x.kind === kind);
  if (!t) throw new Error(`unknown metadata kind '${kind}'`);
  return t;
}

export function monthStartUtc(ms: number, addMonths = 0): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + addMonths, 1);
}

export function monthPartitionName(table: string, monthStartMs: number): string {
  const d = new Date(monthStartMs);
  return `${table}_${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** `<table>_YYYYMM` → [from, to) in UTC ms, or null for a name that is not a monthly partition. */
export function parsePartitionName(table: string, name: string): { from: number; to: number } | null {
  const m = new RegExp(`^${table}_(\\d{4})(\\d{2})$`).exec(name);
  if (!m) return null;
  const from = Date.UTC(Number(m[1]), Number(m[2]) - 1, 1);
  return { from, to: monthStartUtc(from, 1) };
}

export function monthPartitionDdl(table: string, monthStartMs: number): string {
  const from = monthStartUtc(monthStartMs);
  return `create table if not exists ${monthPartitionName(table, from)} partition of ${table} for values from (${from}) to (${monthStartUtc(from, 1)})`;
}

/** Month starts covering [fromMs, toMs]. */
export function monthsCovering(fromMs: number, toMs: number): number[] {
  const out: number[] = [];
  for (let m = monthStartUtc(fromMs); m <= toMs; m = monthStartUtc(m, 1)) out.push(m);
  return out;
}

/** The partitions of `table` (child relation names), sorted. */
export async function listPartitions(db: Db, table: string): Promise<string[]> {
  const r = await sql<{ name: string }>`
    select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent
    where p.relname = ${table} order by c.relname`.execute(db);
  return r.rows.map((x) => x.name);
}

/** Creates the missing monthly partitions of `t` for these month starts (advisory lock: nodes may race). */
export async function ensureMonths(db: Db, t: PartitionedTable, months: readonly number[]): Promise<string[]> {
  const wanted = [...new Set(months.map((m) => monthStartUtc(m)))];
  if (!wanted.length) return [];
  return db.transaction().execute(async (tx) => {
    await sql`select pg_advisory_xact_lock(${t.lockId})`.execute(tx);
    const have = new Set(await listPartitions(tx, t.table));
    const created: string[] = [];
    for (const m of wanted) {
      if (have.has(monthPartitionName(t.table, m))) continue;
      await sql.raw(monthPartitionDdl(t.table, m)).execute(tx);
      created.push(monthPartitionName(t.table, m));
    }
    return created;
  });
}

/**
 * On the write path: makes sure rows at these times have a partition, without DDL or catalogue queries
 * for the usual case. This month and the next always exist (migration, then the daily maintenance
 * creates two ahead); any other month (old footage, a late audit record) is checked with to_regclass
 * and created when missing. Works inside a transaction (`db` may be one). No-op on SQLite.
 */
export async function ensureRowMonths(db: Db, t: PartitionedTable, times: readonly number[], nowMs = Date.now()): Promise<void> {
  if (!isPostgres(db)) return;
  const hot0 = monthStartUtc(nowMs);
  const hot1 = monthStartUtc(nowMs, 2);
  const months = [...new Set(times.map((x) => monthStartUtc(x)))].filter((m) => m < hot0 || m >= hot1);
  for (const m of months) {
    const r = await sql<{ oid: string | null }>`select to_regclass(${monthPartitionName(t.table, m)})::text as oid`.execute(db);
    if (r.rows[0]?.oid) continue;
    // A database not migrated to the partitioned table yet (before 0015/0013/0007): nothing to create.
    const p = await sql<{ n: number }>`select 1 as n from pg_partitioned_table where partrelid = to_regclass(${t.table})`.execute(db);
    if (!p.rows.length) return;
    await sql`select pg_advisory_xact_lock(${t.lockId})`.execute(db);
    await sql.raw(monthPartitionDdl(t.table, m)).execute(db);
  }
}

/** Whether `db` (a Kysely instance or transaction) talks to PostgreSQL. */
export function isPostgres(db: Db): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}
