import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import { OperationalError, errorMessage } from '../core/errors';
import { redactUrl } from '../core/logger';
import { MIGRATIONS } from './migrations/index';
import type { Database } from './schema';

export type Engine = 'sqlite' | 'postgres';
/** Something queries can run on: the store's database or an open transaction. */
export type Db = Kysely<Database>;

export interface StoreOptions {
  engine: Engine;
  sqlitePath?: string; // ':memory:' allowed
  postgresUrl?: string;
  poolSize?: number;
}

/**
 * The metadata store: one Kysely instance over SQLite (embedded default) or PostgreSQL.
 * Only repositories (`*.repository.ts`) query it; services call `transaction` to group the
 * change, its audit record and its outbox event into one atomic write.
 */
export class Store {
  private constructor(
    readonly engine: Engine,
    readonly db: Kysely<Database>,
  ) {}

  static async open(opts: StoreOptions): Promise<Store> {
    if (opts.engine === 'sqlite') {
      const file = opts.sqlitePath ?? ':memory:';
      if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
      let conn: SQLite.Database;
      try {
        conn = new SQLite(file);
      } catch (err) {
        throw new OperationalError('store_unavailable', `Cannot open SQLite database ${file}: ${errorMessage(err)}`, { cause: err });
      }
      conn.pragma('journal_mode = WAL');
      conn.pragma('synchronous = NORMAL');
      conn.pragma('foreign_keys = ON');
      conn.pragma('busy_timeout = 5000');
      return new Store('sqlite', new Kysely<Database>({ dialect: new SqliteDialect({ database: conn }) }));
    }
    if (!opts.postgresUrl) throw new OperationalError('store_misconfigured', 'store.postgresUrl is required for the postgres engine');
    // BIGINT (int8) columns hold integer milliseconds: safe as JS numbers until year 287,396.
    pg.types.setTypeParser(20, (v) => Number(v));
    const pool = new pg.Pool({ connectionString: opts.postgresUrl, max: opts.poolSize ?? 10, connectionTimeoutMillis: 5000 });
    pool.on('error', () => undefined); // idle-client errors surface on the next query instead of crashing the process
    // A checked-out client (inside a transaction) whose connection drops (PostgreSQL restarting) emits 'error' on
    // itself: without a listener the process dies. The failed query rejects; the pool discards the client on release.
    pool.on('connect', (client) => client.on('error', () => undefined));
    try {
      const c = await pool.connect();
      c.release();
    } catch (err) {
      await pool.end();
      throw new OperationalError(
        'store_unavailable',
        `Cannot connect to PostgreSQL at ${redactUrl(opts.postgresUrl)}: ${errorMessage(err)}. Check that the server runs and store.postgresUrl is right.`,
        { cause: err },
      );
    }
    return new Store('postgres', new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }));
  }

  /** Runs `fn` in one transaction; everything it writes commits together or not at all. */
  transaction<T>(fn: (tx: Transaction<Database>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(fn);
  }

  /** Applies pending migrations (idempotent; safe when several nodes start at once on PostgreSQL). */
  async migrate(): Promise<string[]> {
    const applied: string[] = [];
    await this.db.transaction().execute(async (tx) => {
      if (this.engine === 'postgres') await sql`select pg_advisory_xact_lock(727274)`.execute(tx);
      await sql`create table if not exists schema_migrations (name text primary key, applied_at bigint not null)`.execute(tx);
      const done = new Set((await sql<{ name: string }>`select name from schema_migrations`.execute(tx)).rows.map((r) => r.name));
      for (const m of MIGRATIONS) {
        if (done.has(m.name)) continue;
        await m.up(tx as unknown as Kysely<unknown>, { engine: this.engine });
        await sql`insert into schema_migrations (name, applied_at) values (${m.name}, ${Date.now()})`.execute(tx);
        applied.push(m.name);
      }
    });
    return applied;
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}

/** JSON helpers for the portable JSON-as-text columns. */
export function toJson(v: unknown): string {
  return JSON.stringify(v);
}
export function fromJson<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}
