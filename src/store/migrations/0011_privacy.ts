import type { Kysely } from 'kysely';
import type { MigrationContext } from './index';

/**
 * Privacy masks and releases (src/privacy, docs/design/privacy.md).
 *  - privacy_masks: one row per camera with masks; polygons normalised 0..1 as JSON text.
 *  - privacy_releases: derived copies of an export's original (masked or redacted), each a signed bundle of
 *    its own that names the original manifest's SHA-256; redacted copies go through review before download.
 */
export async function up(db: Kysely<unknown>, { engine }: MigrationContext): Promise<void> {
  const big = engine === 'postgres' ? 'bigint' : 'integer';
  await db.schema
    .createTable('privacy_masks')
    .addColumn('camera_id', 'text', (c) => c.primaryKey())
    .addColumn('polygons', 'text', (c) => c.notNull()) // JSON [{label, points: [[x,y],…]}]
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', big, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('privacy_releases')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('export_id', 'text', (c) => c.notNull())
    .addColumn('camera_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull()) // masked | redacted
    .addColumn('case_ref', 'text', (c) => c.notNull())
    .addColumn('request_ref', 'text') // subject-access request reference
    .addColumn('status', 'text', (c) => c.notNull()) // running | pending_review | approved | rejected | ready | failed
    .addColumn('error', 'text')
    .addColumn('keep_tracks', 'text', (c) => c.notNull()) // JSON array of track ids not blurred
    .addColumn('tracks', 'text', (c) => c.notNull()) // JSON summary of detected tracks
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('original_manifest_sha256', 'text', (c) => c.notNull())
    .addColumn('manifest_sha256', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('reviewed_by', 'text')
    .addColumn('reviewed_at', big)
    .addColumn('review_note', 'text')
    .execute();
  await db.schema.createIndex('privacy_releases_export').on('privacy_releases').columns(['export_id', 'created_at']).execute();
}
