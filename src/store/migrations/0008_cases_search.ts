import type { Kysely } from 'kysely';
import type { MigrationContext } from './index';

/**
 * Cases (src/cases), the journey steps an investigator decided in a case, and the forensic track index
 * (src/search). search_tracks is the big table (one row per finished track: ~10^7 per site and month):
 * attributes that searches filter on are columns, each searched attribute has an index led by it and
 * followed by started_at, because every search is "newest first within a time range" (see
 * docs/design/forensic-search.md). The embedding is a little-endian Float32 blob tagged with its model.
 */
export async function up(db: Kysely<unknown>, { engine }: MigrationContext): Promise<void> {
  const big = engine === 'postgres' ? 'bigint' : 'integer';
  const real = engine === 'postgres' ? 'double precision' : 'real';
  const blob = engine === 'postgres' ? 'bytea' : 'blob';
  await db.schema
    .createTable('cases')
    .addColumn('ref', 'text', (c) => c.primaryKey())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('authorised_users', 'text', (c) => c.notNull()) // JSON array of user ids
    .addColumn('expires_at', big, (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull()) // open | closed
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_by_name', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('closed_at', big)
    .addColumn('closed_by', 'text')
    .addColumn('close_reason', 'text')
    .execute();

  await db.schema
    .createTable('case_journey_steps')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_ref', 'text', (c) => c.notNull())
    .addColumn('from_track_id', 'text', (c) => c.notNull())
    .addColumn('to_track_id', 'text', (c) => c.notNull())
    .addColumn('decision', 'text', (c) => c.notNull()) // confirmed | rejected
    .addColumn('similarity', real)
    .addColumn('plausibility', real)
    .addColumn('reachable', 'integer', (c) => c.notNull())
    .addColumn('decided_by', 'text', (c) => c.notNull())
    .addColumn('decided_at', big, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('case_journey_steps_case').on('case_journey_steps').columns(['case_ref', 'decided_at']).execute();

  await db.schema
    .createTable('search_tracks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('camera_id', 'text', (c) => c.notNull())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('district', 'text', (c) => c.notNull())
    .addColumn('lat', real, (c) => c.notNull())
    .addColumn('lon', real, (c) => c.notNull())
    .addColumn('started_at', big, (c) => c.notNull())
    .addColumn('ended_at', big, (c) => c.notNull())
    .addColumn('class', 'text', (c) => c.notNull())
    .addColumn('upper_colour', 'text')
    .addColumn('lower_colour', 'text')
    .addColumn('carried', 'integer', (c) => c.notNull()) // bit set of CARRIED_ITEMS
    .addColumn('height_class', 'text')
    .addColumn('vehicle_colour', 'text')
    .addColumn('plate', 'text')
    .addColumn('direction', 'text')
    .addColumn('speed', real)
    .addColumn('score', real, (c) => c.notNull())
    .addColumn('crop_path', 'text')
    .addColumn('embedding', blob)
    .addColumn('embedding_model', 'text')
    .addColumn('job_id', 'text')
    .addColumn('track_no', 'integer', (c) => c.notNull())
    .execute();
  const idx = async (name: string, cols: string[]) => db.schema.createIndex(name).on('search_tracks').columns(cols).execute();
  // id last: pages are ordered by (started_at, id), so an index walk answers a page with no sort at all.
  await idx('search_tracks_time', ['started_at', 'id']);
  await idx('search_tracks_camera_time', ['camera_id', 'started_at', 'id']);
  await idx('search_tracks_class_time', ['class', 'started_at', 'id']);
  await idx('search_tracks_upper_time', ['upper_colour', 'started_at', 'id']);
  await idx('search_tracks_lower_time', ['lower_colour', 'started_at', 'id']);
  await idx('search_tracks_vcolour_time', ['vehicle_colour', 'started_at', 'id']);
  await idx('search_tracks_plate_time', ['plate', 'started_at', 'id']);
  await idx('search_tracks_job', ['job_id']);
}
