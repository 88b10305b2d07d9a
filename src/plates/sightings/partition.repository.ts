import { sql } from 'kysely';
import type { Db } from '../../store/store';
import { monthPartitionDdl, monthStart, partitionName } from './partitions';

/** Creates and lists the monthly partitions of plate_sightings (PostgreSQL only). */
export class PartitionRepository {
  constructor(private readonly db: Db) {}

  /**
   * Creates the partitions of the months starting at `months` that do not exist yet. Serialised by
   * an advisory lock so several nodes (scheduler, on-demand creation for old footage) can race.
   */
  async ensure(months: number[]): Promise<string[]> {
    return this.db.transaction().execute(async (tx) => {
      await sql`select pg_advisory_xact_lock(727275)`.execute(tx);
      const have = new Set(await listIn(tx));
      const created: string[] = [];
      for (const m of months.map((x) => monthStart(x))) {
        const name = partitionName(m);
        if (have.has(name)) continue;
        await sql.raw(monthPartitionDdl(m)).execute(tx);
        created.push(name);
      }
      return created;
    });
  }

  async list(): Promise<string[]> {
    return listIn(this.db);
  }
}

async function listIn(db: Db): Promise<string[]> {
  const r = await sql<{ name: string }>`
    select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent
    where p.relname = 'plate_sightings' order by c.relname`.execute(db);
  return r.rows.map((x) => x.name);
}
