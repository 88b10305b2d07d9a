import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from './index';
import { monthPartitionDdl, monthStart } from '../../plates/sightings/partitions';

/**
 * ANPR (src/plates): plate sightings, the deletion-neighbourhood dictionary of plate keys (fuzzy
 * search), hotlists and their entries. See docs/design/sightings.md.
 *
 * PostgreSQL: plate_sightings is declaratively range-partitioned by seen_at, one partition per UTC
 * month (created ahead by the scheduler, and on demand for old footage); plate text columns use
 * COLLATE "C" so `plate >= 'AB' AND plate < 'AC'` (and LIKE 'AB%') walk the B-tree on both engines.
 * SQLite: one table (its BINARY collation is already byte order).
 */
export async function up(db: Kysely<unknown>, { engine }: MigrationContext): Promise<void> {
  const pg = engine === 'postgres';
  const big = pg ? 'bigint' : 'integer';
  const text = pg ? sql`text collate "C"` : sql`text`;

  if (pg) {
    await sql`
      create table plate_sightings (
        id text not null, plate text collate "C" not null, plate_key text collate "C" not null, grammar text not null,
        camera_id text not null, owner text not null, district text not null, lat double precision not null, lon double precision not null,
        seen_at bigint not null, confidence real not null, vehicle_class text, vehicle_colour text, direction text,
        plate_crop text, vehicle_crop text, track_id integer, job_id text,
        primary key (seen_at, id)
      ) partition by range (seen_at)`.execute(db);
    const now = Date.now();
    for (const m of [monthStart(now, -1), monthStart(now, 0), monthStart(now, 1), monthStart(now, 2)]) await sql.raw(monthPartitionDdl(m)).execute(db);
  } else {
    await db.schema
      .createTable('plate_sightings')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('plate', 'text', (c) => c.notNull())
      .addColumn('plate_key', 'text', (c) => c.notNull())
      .addColumn('grammar', 'text', (c) => c.notNull())
      .addColumn('camera_id', 'text', (c) => c.notNull())
      .addColumn('owner', 'text', (c) => c.notNull())
      .addColumn('district', 'text', (c) => c.notNull())
      .addColumn('lat', 'real', (c) => c.notNull())
      .addColumn('lon', 'real', (c) => c.notNull())
      .addColumn('seen_at', 'integer', (c) => c.notNull())
      .addColumn('confidence', 'real', (c) => c.notNull())
      .addColumn('vehicle_class', 'text')
      .addColumn('vehicle_colour', 'text')
      .addColumn('direction', 'text')
      .addColumn('plate_crop', 'text')
      .addColumn('vehicle_crop', 'text')
      .addColumn('track_id', 'integer')
      .addColumn('job_id', 'text')
      .execute();
  }
  // On PostgreSQL an index on the parent is created on every partition, present and future.
  await db.schema.createIndex('plate_sightings_plate').on('plate_sightings').columns(['plate', 'seen_at']).execute();
  await db.schema.createIndex('plate_sightings_key').on('plate_sightings').columns(['plate_key', 'seen_at']).execute();
  await db.schema.createIndex('plate_sightings_camera').on('plate_sightings').columns(['camera_id', 'seen_at']).execute();
  await db.schema.createIndex('plate_sightings_seen').on('plate_sightings').column('seen_at').execute();

  // Symmetric-delete dictionary: every distinct plate key under itself and under each one-character
  // deletion of it. Two keys within edit distance 1 always share an entry here.
  await sql`create table plate_key_variants (variant ${text} not null, plate_key ${text} not null, primary key (variant, plate_key))`.execute(db);

  await db.schema
    .createTable('hotlists')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('updated_at', big, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('hotlists_owner_name').on('hotlists').columns(['owner', 'name']).unique().execute();

  await db.schema
    .createTable('hotlist_entries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('hotlist_id', 'text', (c) => c.notNull())
    .addColumn('plate', 'text', (c) => c.notNull())
    .addColumn('plate_key', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('priority', 'text', (c) => c.notNull())
    .addColumn('fuzzy', 'integer', (c) => c.notNull())
    .addColumn('valid_from', big)
    .addColumn('valid_to', big)
    .addColumn('case_ref', 'text')
    .addColumn('added_by', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('updated_at', big, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('hotlist_entries_plate').on('hotlist_entries').columns(['hotlist_id', 'plate']).unique().execute();
  await db.schema.createIndex('hotlist_entries_valid').on('hotlist_entries').column('valid_to').execute();
}
