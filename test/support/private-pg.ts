import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * A PRIVATE PostgreSQL instance for tests that stop and restart the database (never the shared one on
 * 5432): initdb into a temp dir, pg_ctl on a free port. PostgreSQL refuses to run as root, so as root the
 * binaries run as the `postgres` user (runuser).
 */
export interface PrivatePg {
  port: number;
  url(db?: string): string;
  /** Abrupt stop (pg_ctl -m immediate: like a crash; clients see their connections drop). */
  crash(): void;
  start(): void;
  destroy(): void;
}

const INITDB = process.env.SMARTVIEW_TEST_INITDB ?? 'initdb';
const PG_CTL = process.env.SMARTVIEW_TEST_PG_CTL ?? 'pg_ctl';

/** Why a private PostgreSQL cannot run here, or null. */
export function privatePgUnavailable(): string | null {
  const r = spawnSync(INITDB, ['--version'], { encoding: 'utf8' });
  if (r.status !== 0) return `initdb is not on PATH (${r.error?.message ?? r.stderr}): install the PostgreSQL server binaries`;
  if (process.getuid?.() === 0 && spawnSync('id', ['postgres']).status !== 0) return 'running as root without a postgres user for initdb';
  return null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address() as net.AddressInfo;
      s.close(() => resolve(a.port));
    });
  });
}

export async function startPrivatePg(): Promise<PrivatePg> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sv-pg-'));
  const data = path.join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  const run = (bin: string, args: string[]) => {
    if (asRoot) execFileSync('runuser', ['-u', 'postgres', '--', bin, ...args], { stdio: 'pipe' });
    else execFileSync(bin, args, { stdio: 'pipe' });
  };
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  run(INITDB, ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const port = await freePort();
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50`;
  const start = () => run(PG_CTL, ['-D', data, '-o', opts, '-l', path.join(dir, 'pg.log'), '-w', '-t', '30', 'start']);
  start();
  return {
    port,
    url: (db = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${db}`,
    crash: () => run(PG_CTL, ['-D', data, '-m', 'immediate', '-w', 'stop']),
    start,
    destroy() {
      if (existsSync(path.join(data, 'postmaster.pid'))) {
        try {
          run(PG_CTL, ['-D', data, '-m', 'immediate', '-w', 'stop']);
        } catch (err) {
          console.error('private PostgreSQL did not stop', err);
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
