import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from './index';
import { monthsBetween, trackMonthStart, trackPartitionDdl } from '../../search/partitions';

/**
 * Forensic search at scale (src/search, docs/design/forensic-search.md):
 *
 * - PostgreSQL: search_tracks becomes range-partitioned by started_at, one partition per UTC month (like
 *   plate_sightings). An existing table is migrated with its rows: renamed, a partitioned table LIKE it is
 *   created, partitions for every month its rows cover (and last month to two months ahead), rows copied,
 *   old table dropped, then the primary key (started_at, id) — a partitioned table's keys must hold the
 *   partition column — and the (attribute, started_at, id) indexes on the parent (so on every partition),
 *   plus (id) for reads of one track by id (one probe per partition). SQLite keeps its one table.
 * - Both engines: search_coverage, the spans of time the live analytics pipeline of a camera analysed (and
 *   so indexed), written by the indexer; with the analysis jobs they tell what footage was never analysed.
 */
export async function up(db: Kysely<unknown>, { engine }: MigrationContext): Promise<void> {
  const pg = engine === 'postgres';
  const big = pg ? 'bigint' : 'integer';
  if (pg) {
    await sql`alter table search_tracks rename to search_tracks_unpartitioned`.execute(db);
    await sql`create table search_tracks (like search_tracks_unpartitioned including defaults including constraints) partition by range (started_at)`.execute(db);
    const r = await sql<{ lo: string | null; hi: string | null }>`select min(started_at) as lo, max(started_at) as hi from search_tracks_unpartitioned`.execute(db);
    const now = Date.now();
    const lo = Math.min(trackMonthStart(now, -1), r.rows[0]?.lo == null ? Infinity : Number(r.rows[0].lo));
    const hi = Math.max(trackMonthStart(now, 2), r.rows[0]?.hi == null ? -Infinity : Number(r.rows[0].hi));
    for (const m of monthsBetween(lo, hi)) await sql.raw(trackPartitionDdl(m)).execute(db);
    await sql`insert into search_tracks select * from search_tracks_unpartitioned`.execute(db);
    await sql`drop table search_tracks_unpartitioned`.execute(db);
    await sql`alter table search_tracks add primary key (started_at, id)`.execute(db);
    const idx = async (name: string, cols: string[]) => db.schema.createIndex(name).on('search_tracks').columns(cols).execute();
    // (started_at, id) is the primary key; the rest as in 0008, now per partition.
    await idx('search_tracks_id', ['id']);
    await idx('search_tracks_camera_time', ['camera_id', 'started_at', 'id']);
    await idx('search_tracks_class_time', ['class', 'started_at', 'id']);
    await idx('search_tracks_upper_time', ['upper_colour', 'started_at', 'id']);
    await idx('search_tracks_lower_time', ['lower_colour', 'started_at', 'id']);
    await idx('search_tracks_vcolour_time', ['vehicle_colour', 'started_at', 'id']);
    await idx('search_tracks_plate_time', ['plate', 'started_at', 'id']);
    await idx('search_tracks_job', ['job_id']);
  }

  await db.schema
    .createTable('search_coverage')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('camera_id', 'text', (c) => c.notNull())
    .addColumn('node', 'text', (c) => c.notNull())
    .addColumn('from_ms', big, (c) => c.notNull())
    .addColumn('to_ms', big, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('search_coverage_camera').on('search_coverage').columns(['camera_id', 'from_ms']).execute();
}
