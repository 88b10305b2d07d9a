import type { Kysely } from 'kysely';
import * as m0001 from './0001_foundation';
import * as m0002 from './0002_video';
import * as m0003 from './0003_cameras_bbox_index';

export interface MigrationContext {
  engine: 'sqlite' | 'postgres';
}

export interface Migration {
  name: string;
  up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void>;
}

/**
 * Every migration in order. Append only: a released migration is never edited.
 * Each runs in a transaction on both engines; the name is recorded in `schema_migrations`.
 */
export const MIGRATIONS: Migration[] = [
  { name: '0001_foundation', up: m0001.up },
  { name: '0002_video', up: m0002.up },
  { name: '0003_cameras_bbox_index', up: m0003.up },
];
