import type { Db } from '../../store/store';
import { ensureMonths, listPartitions, tableOf } from '../../metadata/partitions';

/** Creates and lists the monthly partitions of plate_sightings (PostgreSQL only): the shared helper on this table. */
export class PartitionRepository {
  constructor(private readonly db: Db) {}

  /**
   * Creates the partitions of the months starting at `months` that do not exist yet. Serialised by
   * an advisory lock so several nodes (scheduler, on-demand creation for old footage) can race.
   */
  async ensure(months: number[]): Promise<string[]> {
    return ensureMonths(this.db, tableOf('sightings'), months);
  }

  async list(): Promise<string[]> {
    return listPartitions(this.db, 'plate_sightings');
  }
}
