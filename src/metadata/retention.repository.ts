import { sql } from 'kysely';
import type { Db } from '../store/store';

/** The I/O of metadata retention: dropping partitions (PostgreSQL), deleting old rows (SQLite). */
export class MetadataRetentionRepository {
  constructor(private readonly db: Db) {}

  /** Detaches and drops one partition of `parent` (no vacuum debt, no row-by-row delete). */
  async dropPartition(parent: string, partition: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await sql.raw(`alter table ${parent} detach partition ${partition}`).execute(tx);
      await sql.raw(`drop table ${partition}`).execute(tx);
    });
  }

  /**
   * Chains with records in this audit partition whose checkpoint is not archived yet (missing = the chain is
   * still open). The partition may be dropped only when this is empty: archived chains are in their
   * verifiable archive files (src/audit/archive.ts); anything else would be lost.
   */
  async unarchivedAuditChains(partition: string): Promise<string[]> {
    const r = await sql<{ chain: string }>`
      select distinct r.chain from ${sql.table(partition)} r
      left join audit_checkpoints c on c.chain = r.chain
      where c.archived_at is null
      limit 20`.execute(this.db);
    return r.rows.map((x) => x.chain);
  }

  /** Rows in a partition (for the report). */
  async countRows(partition: string): Promise<number> {
    const r = await sql<{ n: string }>`select count(*) as n from ${sql.table(partition)}`.execute(this.db);
    return Number(r.rows[0]?.n ?? 0);
  }

  /** SQLite (one table per kind): deletes rows older than `beforeMs` in batches; returns how many. */
  async deleteBefore(table: string, column: string, beforeMs: number, batch = 5000): Promise<number> {
    let total = 0;
    for (;;) {
      const r = await sql`delete from ${sql.table(table)} where rowid in (select rowid from ${sql.table(table)} where ${sql.ref(column)} < ${beforeMs} limit ${batch})`.execute(this.db);
      const n = Number(r.numAffectedRows ?? 0n);
      total += n;
      if (n < batch) return total;
    }
  }
}
