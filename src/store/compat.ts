import { sql } from 'kysely';
import { OperationalError } from '../core/errors';
import type { Db } from './store';

/**
 * Rolling upgrades (docs/deploy/upgrades.md): migrations are additive (expand), so a node of the previous release
 * keeps working against a schema that a newer node has already migrated. Only a CONTRACT step (dropping or
 * renaming what older code still uses), shipped in a release after every node runs the expanded code, makes old
 * nodes incompatible: that migration records the migrations a node must know in cluster_meta
 * (key `schema.requires`, a JSON array of migration names), and a node that does not know all of them refuses to start.
 */
export const SCHEMA_REQUIRES_KEY = 'schema.requires';

export interface SchemaCompatibility {
  /** Migrations applied in the database that this software does not know (a newer node ran them): fine unless required. */
  newer: string[];
}

export async function checkSchemaCompatibility(db: Db, known: string[]): Promise<SchemaCompatibility> {
  const names = new Set(known);
  const applied = (await sql<{ name: string }>`select name from schema_migrations`.execute(db)).rows.map((r) => r.name);
  const newer = applied.filter((n) => !names.has(n)).sort();
  if (!newer.length) return { newer };
  const row = await db.selectFrom('cluster_meta').select('value').where('key', '=', SCHEMA_REQUIRES_KEY).executeTakeFirst();
  const required = row ? (JSON.parse(row.value) as string[]) : [];
  const missing = required.filter((n) => !names.has(n));
  if (missing.length) {
    throw new OperationalError('schema_incompatible', `This node's software is older than the database's schema contract (it does not know migration(s) ${missing.join(', ')}): upgrade this node to the release the other nodes run before starting it`);
  }
  return { newer };
}
