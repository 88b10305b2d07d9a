import type { Kysely } from 'kysely';
import * as m0001 from './0001_foundation';
import * as m0002 from './0002_video';
import * as m0003 from './0003_cameras_bbox_index';
import * as m0006 from './0006_analysis_jobs';
import * as m0004 from './0004_analytics_events';
import * as m0005 from './0005_rules';
import * as m0007 from './0007_plates';
import * as m0008 from './0008_cases_search';

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
  { name: '0004_analytics_events', up: m0004.up },
  { name: '0005_rules', up: m0005.up },
  { name: '0006_analysis_jobs', up: m0006.up },
  { name: '0007_plates', up: m0007.up },
  { name: '0008_cases_search', up: m0008.up },
];
