import type { Kysely } from 'kysely';
import * as m0001 from './0001_foundation';
import * as m0002 from './0002_video';
import * as m0003 from './0003_cameras_bbox_index';
import * as m0006 from './0006_analysis_jobs';
import * as m0004 from './0004_analytics_events';
import * as m0005 from './0005_rules';
import * as m0007 from './0007_plates';
import * as m0008 from './0008_cases_search';
import * as m0009 from './0009_crowd';
import * as m0014 from './0014_cluster';
import * as m0010 from './0010_access_governance';
import * as m0011 from './0011_privacy';
import * as m0012 from './0012_security';
import * as m0013 from './0013_search_partitions';
import * as m0015 from './0015_metadata_partitions';
import * as m0016 from './0016_plate_prefix_indexes';

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
  { name: '0014_cluster', up: m0014.up },
  { name: '0010_access_governance', up: m0010.up },
  { name: '0011_privacy', up: m0011.up },
  { name: '0012_security', up: m0012.up },
  { name: '0009_crowd', up: m0009.up },
  { name: '0013_search_partitions', up: m0013.up },
  { name: '0015_metadata_partitions', up: m0015.up },
  { name: '0016_plate_prefix_indexes', up: m0016.up },
];
