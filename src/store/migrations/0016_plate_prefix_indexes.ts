import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from './index';

/**
 * Plate prefix search in time order (#11, docs/design/sightings.md "Prefix search"): two expression
 * indexes on the first 2 and 3 characters of the plate, then seen_at, the order results are returned in.
 * A 2- or 3-character prefix query (`substr(plate, 1, n) = ?` … order by seen_at, id limit k) then walks
 * the index in time order and stops after ~k rows, instead of fetching every match and sorting it
 * (~19,000 random heap reads for a 3-character prefix at 100M sightings). On PostgreSQL the monthly
 * partitions hold disjoint seen_at ranges, so the planner appends their walks in order (an ordered
 * Append: later months are not read once the page is full) and an Incremental Sort orders the rare
 * seen_at ties by id; leaving id out of the PostgreSQL index saves ~1.6 GB per index at 100M rows
 * (measured at 10M: 301 MB instead of 464 MB, no slower). SQLite stores id outside its rowid, so there
 * the index holds id as well and needs no sort at all.
 *
 * The same expression on both engines (`substr` counts characters on both, so a CJK province character
 * is one): the repository's query text is identical. On PostgreSQL an index on the parent is built on
 * every partition, present and future (not CONCURRENTLY: PostgreSQL cannot build a partitioned parent's
 * index concurrently, so writes to plate_sightings wait while it is built). `if not exists`: a large
 * existing site may build the indexes beforehand without blocking writes (each partition's CONCURRENTLY,
 * attached to the parent's index made ON ONLY under the same name; docs/design/sightings.md), and this
 * migration then leaves them as they are.
 */
export async function up(db: Kysely<unknown>, { engine }: MigrationContext): Promise<void> {
  const tail = engine === 'postgres' ? sql`seen_at` : sql`seen_at, id`;
  await sql`create index if not exists plate_sightings_prefix2 on plate_sightings (substr(plate, 1, 2), ${tail})`.execute(db);
  await sql`create index if not exists plate_sightings_prefix3 on plate_sightings (substr(plate, 1, 3), ${tail})`.execute(db);
}
