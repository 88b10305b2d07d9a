import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve, type Running } from '../../src/app/app';
import type { Grant, Role } from '../../src/auth/permissions';
import { parseConfig } from '../../src/config/load';
import type { ConfigInput } from '../../src/config/schema';
import { createLogger, silentLogger } from '../../src/core/logger';
import { openTestStore } from './engines';

export const WEB_DIR = path.resolve(import.meta.dirname, '../../dist/web');
export const ADMIN_PASSWORD = 'Shatin-Harbour-Lights-42';

export interface TestServer {
  url: string;
  running: Running;
  dataDir: string;
  admin: { username: string; password: string };
  createUser(username: string, password: string, grants: Array<{ role: string; organisations?: string[] | null; districts?: string[] | null }>): Promise<void>;
  /** Creates an API token for an existing user and returns it. */
  token(username: string): Promise<string>;
  close(): Promise<void>;
}

/** A real SmartView server on a free loopback port with its own data dir (and own PostgreSQL database). */
export async function startTestServer(opts: { engine?: 'sqlite' | 'postgres'; config?: ConfigInput } = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sv-test-'));
  const pg = opts.engine === 'postgres' ? await openTestStore('postgres') : undefined;
  if (pg) await pg.store.close(); // the server opens its own pool on the migrated database
  const config = parseConfig({
    ...opts.config,
    dataDir,
    server: { port: 0, host: '127.0.0.1', ...opts.config?.server },
    store: pg ? { engine: 'postgres', postgresUrl: pg.url } : { engine: 'sqlite' },
    roles: ['api', 'scheduler'],
    log: { level: 'silent' },
  });
  const running = await serve(config, process.env.SV_TEST_LOG ? createLogger({ level: 'debug' }) : silentLogger(), { webDir: WEB_DIR, initialAdminPassword: ADMIN_PASSWORD });
  const sv = running.sv;
  return {
    url: running.url!,
    running,
    dataDir,
    admin: { username: 'admin', password: ADMIN_PASSWORD },
    async createUser(username, password, grants) {
      await sv.users.create({ principal: null, ip: null }, { username, password, grants: grants.map((g) => ({ role: g.role as Role, organisations: g.organisations ?? null, districts: g.districts ?? null })) as Grant[] });
    },
    async token(username) {
      const u = (await sv.users.list({ principal: null, ip: null })).find((x) => x.username === username);
      if (!u) throw new Error(`no user ${username}`);
      return (await sv.auth.createToken({ principal: null, ip: null }, { name: 'test', userId: u.id })).token;
    },
    async close() {
      await running.stop();
      await pg?.cleanup();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
