import { spawn } from 'node:child_process';
import SQLite from 'better-sqlite3';
import { OperationalError } from '../core/errors';

/** Runs a PostgreSQL client tool; rejects with its stderr on failure, or with a clear message when it is not installed. */
function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d: Buffer) => (err += d.toString()).length > 8192 && (err = err.slice(-8192)));
    p.on('error', (e: NodeJS.ErrnoException) =>
      reject(new OperationalError('pg_tool_missing', e.code === 'ENOENT' ? `${cmd} is not installed: install the PostgreSQL client tools (postgresql-client) of the server's major version` : `${cmd}: ${e.message}`)),
    );
    p.on('close', (code) => (code === 0 ? resolve() : reject(new OperationalError('pg_tool_failed', `${cmd} exited with ${code}: ${err.trim().slice(0, 2000)}`))));
  });
}

/** A consistent copy of a live SQLite database through SQLite's online backup API (writers keep going). */
export async function backupSqlite(dbFile: string, dest: string): Promise<void> {
  const db = new SQLite(dbFile, { readonly: true, fileMustExist: true });
  try {
    await db.backup(dest);
  } finally {
    db.close();
  }
}

/** A consistent snapshot of a PostgreSQL database in pg_dump's custom format (one transaction, no owners). */
export async function backupPostgres(url: string, dest: string): Promise<void> {
  await run('pg_dump', ['--format=custom', '--no-owner', '--no-privileges', `--file=${dest}`, `--dbname=${url}`]);
}

/** Restores a pg_dump custom-format file into `url`, which must be an empty database. */
export async function restorePostgres(url: string, file: string): Promise<void> {
  await run('pg_restore', ['--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', `--dbname=${url}`, file]);
}
