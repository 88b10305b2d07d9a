import { CompiledQuery } from 'kysely';
import type { Db, Store } from '../store/store';
import { ensureRowMonths, type PartitionedTable } from './partitions';

/** A column of a bulk-written table: its name and PostgreSQL array element type for unnest. */
export interface SinkColumn {
  name: string;
  pgType: 'text' | 'bigint' | 'integer' | 'real' | 'double precision' | 'boolean';
}

/**
 * The repository of bulk metadata writes: one multi-row statement per batch.
 * PostgreSQL: `insert into t (cols) select * from unnest($1::type[], …)` — one parameter per column
 * whatever the batch size (no 65,535-parameter limit, one parse), the partitions of the rows' months
 * made sure of first. SQLite: multi-row `insert … values` in chunks under its parameter limit, one
 * transaction.
 */
export function tableSink<R extends object>(store: Store, table: string, columns: readonly SinkColumn[], partitioned?: PartitionedTable): (rows: R[]) => Promise<void> {
  if (store.engine === 'postgres') {
    const colList = columns.map((c) => `"${c.name}"`).join(', ');
    const unnest = columns.map((c, i) => `$${i + 1}::${c.pgType}[]`).join(', ');
    const text = `insert into ${table} (${colList}) select * from unnest(${unnest})`;
    return async (rows) => {
      if (partitioned) await ensureRowMonths(store.db, partitioned, rows.map((r) => Number(field(r, partitioned.column))));
      const params = columns.map((c) => rows.map((r) => field(r, c.name)));
      await rawQuery(store.db, text, params);
    };
  }
  const chunk = Math.max(1, Math.floor(30_000 / columns.length));
  return async (rows) => {
    await store.db.transaction().execute(async (tx) => {
      for (let i = 0; i < rows.length; i += chunk) {
        const part = rows.slice(i, i + chunk).map((r) => Object.fromEntries(columns.map((c) => [c.name, field(r, c.name)])));
        await (tx as unknown as Db).insertInto(table as never).values(part as never).execute();
      }
    });
  };
}

/** Runs a parameterised statement on PostgreSQL through Kysely's executor (arrays passed as one parameter each). */
async function rawQuery(db: Db, text: string, params: unknown[]): Promise<void> {
  await db.executeQuery(CompiledQuery.raw(text, params));
}

function field(r: object, name: string): unknown {
  const v = (r as Record<string, unknown>)[name];
  return v === undefined ? null : v;
}
