import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Store, type Engine } from '../../src/store/store';

/** PostgreSQL server for tests (trust auth on this machine kind). */
export const PG_ADMIN_URL = process.env.SMARTVIEW_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestStore {
  store: Store;
  /** Connection URL of the private PostgreSQL database (postgres engine only). */
  url?: string;
  cleanup(): Promise<void>;
}

function pgUrlFor(db: string): string {
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${db}`;
  return u.toString();
}

/** A fresh, migrated store on `engine`. PostgreSQL gets its own database, dropped at cleanup. */
export async function openTestStore(engine: Engine): Promise<TestStore> {
  if (engine === 'sqlite') {
    const store = await Store.open({ engine: 'sqlite', sqlitePath: ':memory:' });
    await store.migrate();
    return { store, cleanup: () => store.close() };
  }
  const name = `sv_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = pgUrlFor(name);
  const store = await Store.open({ engine: 'postgres', postgresUrl: url, poolSize: 4 });
  await store.migrate();
  return {
    store,
    url,
    async cleanup() {
      await store.close();
      const a = new pg.Client({ connectionString: PG_ADMIN_URL });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

/** The engines every contract suite runs on. Set SMARTVIEW_SKIP_PG=1 only on a machine without PostgreSQL. */
export const ENGINES: Engine[] = process.env.SMARTVIEW_SKIP_PG === '1' ? ['sqlite'] : ['sqlite', 'postgres'];
