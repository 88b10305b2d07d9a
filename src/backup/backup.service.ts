import { chmod, copyFile, cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import YAML from 'yaml';
import { createAuditService } from '../app/audit-service';
import { keysDir, openSmartView } from '../app/app';
import { MemoryBus } from '../bus/memory';
import { loadConfig, sqlitePath } from '../config/load';
import type { Config } from '../config/schema';
import type { ActionContext } from '../core/context';
import { OperationalError, UserError } from '../core/errors';
import type { Logger } from '../core/logger';
import { SiteKeyring } from '../keys/site-keys';
import { MIGRATIONS } from '../store/migrations/index';
import { Store } from '../store/store';
import { backupPostgres, backupSqlite, restorePostgres } from './database';
import { describeFiles, MANIFEST, signManifest, verifyBackupDir, type Manifest, type ManifestBody } from './manifest';

const CLI: ActionContext = { principal: null, ip: null, systemActor: 'cli:backup' };
export const AUDIT_ARCHIVE_DIR = 'audit-archive';

async function isEmptyDir(dir: string): Promise<boolean> {
  if (!existsSync(dir)) return true;
  return (await readdir(dir)).length === 0;
}

export interface BackupResult {
  dir: string;
  manifest: Manifest;
}

/**
 * `smartview backup create <dir>`: the database (SQLite online backup / pg_dump), the config file, the keys
 * (site keyring with every public key ever used, the secret-box key), the audit archive files; a manifest with the
 * SHA-256 of every file, signed with the site key. The audit chain itself is in the database. Audited first, so
 * the backup holds its own record.
 */
export async function createBackup(config: Config, o: { dir: string; configFile?: string; softwareVersion: string; log: Logger; now?: () => number }): Promise<BackupResult> {
  if (!(await isEmptyDir(o.dir))) throw new UserError('backup_target_not_empty', `${o.dir} is not empty: give a new or empty directory for the backup`);
  await mkdir(o.dir, { recursive: true, mode: 0o700 });
  await chmod(o.dir, 0o700);
  const now = o.now ?? Date.now;
  const store = await Store.open({ engine: config.store.engine, sqlitePath: sqlitePath(config), postgresUrl: config.store.postgresUrl, poolSize: 2 });
  let migrations: string[];
  const keyring = new SiteKeyring(keysDir(config));
  try {
    migrations = (await sql<{ name: string }>`select name from schema_migrations order by name`.execute(store.db)).rows.map((r) => r.name);
    const audit = createAuditService({ store, keyring, node: config.site.id, partition: config.audit.partition, clock: { now } });
    await store.transaction((tx) => audit.record(tx, CLI, { action: 'backup.create', targetType: 'backup', targetId: path.resolve(o.dir), details: { engine: config.store.engine } }));
  } finally {
    await store.close();
  }
  let database: ManifestBody['database'];
  if (config.store.engine === 'sqlite') {
    database = { method: 'sqlite-backup', file: 'database/smartview.db' };
    await mkdir(path.join(o.dir, 'database'));
    await backupSqlite(sqlitePath(config), path.join(o.dir, database.file));
  } else {
    database = { method: 'pg_dump', file: 'database/smartview.pgdump' };
    await mkdir(path.join(o.dir, 'database'));
    await backupPostgres(config.store.postgresUrl!, path.join(o.dir, database.file));
  }
  await cp(keysDir(config), path.join(o.dir, 'keys'), { recursive: true });
  const archive = path.join(config.dataDir, AUDIT_ARCHIVE_DIR);
  if (existsSync(archive)) await cp(archive, path.join(o.dir, AUDIT_ARCHIVE_DIR), { recursive: true });
  if (o.configFile) {
    await mkdir(path.join(o.dir, 'config'));
    await copyFile(o.configFile, path.join(o.dir, 'config', 'smartview.yaml'));
  }
  const body: ManifestBody = {
    format: 'smartview-backup-v1', site: { id: config.site.id, name: config.site.name }, createdAt: now(), softwareVersion: o.softwareVersion,
    engine: config.store.engine, database, migrations, files: await describeFiles(o.dir),
  };
  const manifest = signManifest(body, keyring);
  await writeFile(path.join(o.dir, MANIFEST), JSON.stringify(manifest, null, 2), { mode: 0o600 });
  o.log.info({ dir: o.dir, files: body.files.length, bytes: body.files.reduce((s, f) => s + f.bytes, 0) }, 'backup written');
  return { dir: o.dir, manifest };
}

export async function readManifest(dir: string): Promise<Manifest> {
  let text: string;
  try {
    text = await readFile(path.join(dir, MANIFEST), 'utf8');
  } catch (err) {
    throw new UserError('backup_unreadable', `${dir} holds no readable ${MANIFEST} (${(err as NodeJS.ErrnoException).code ?? String(err)}): is it a SmartView backup?`);
  }
  return JSON.parse(text) as Manifest;
}

/** Verifies a backup directory: signature (with the public key it ships), files, hashes. Problems, empty = intact. */
export async function verifyBackup(dir: string): Promise<{ manifest: Manifest; problems: string[]; keyFingerprint: string | null }> {
  const manifest = await readManifest(dir);
  const pub = new SiteKeyring(path.join(dir, 'keys')).publicKey(manifest.signature.keyId);
  const problems = await verifyBackupDir(dir, manifest, pub?.publicKeyPem);
  const known = new Set(MIGRATIONS.map((m) => m.name));
  const newer = manifest.migrations.filter((m) => !known.has(m));
  if (newer.length) problems.push(`the backup's schema is newer than this software (unknown migrations: ${newer.join(', ')}): restore with the version that made it (${manifest.softwareVersion}) or newer`);
  return { manifest, problems, keyFingerprint: pub?.fingerprint ?? null };
}

export interface RestoreResult {
  dataDir: string;
  configFile: string;
  keyFingerprint: string | null;
  audit: { ok: boolean; recordsChecked: number; problems: number };
  counts: { cameras: number; users: number; segments: number };
}

/**
 * `smartview backup restore <dir> --data-dir <empty>`: refuses a non-empty target, verifies the manifest, puts the
 * keys, audit archive and database in place (SQLite: the file; PostgreSQL: pg_restore into `postgresUrl`, an empty
 * database), writes `<dataDir>/smartview.yaml` pointing at them, opens the site (migrating it forward if this
 * software is newer) and runs audit verify. The restore itself is audited in the restored site.
 */
export async function restoreBackup(o: { dir: string; dataDir: string; postgresUrl?: string; log: Logger }): Promise<RestoreResult> {
  const dataDir = path.resolve(o.dataDir);
  if (!(await isEmptyDir(dataDir))) throw new UserError('restore_target_not_empty', `${dataDir} is not empty: restore only into a new or empty data directory`);
  const { manifest, problems, keyFingerprint } = await verifyBackup(o.dir);
  if (problems.length) throw new UserError('backup_invalid', `the backup in ${o.dir} does not verify; nothing was restored:\n  ${problems.slice(0, 20).join('\n  ')}`, { problems });
  if (manifest.engine === 'postgres' && !o.postgresUrl) throw new UserError('postgres_url_required', 'this backup is of a PostgreSQL site: give --postgres-url of a new, empty database to restore into');
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await cp(path.join(o.dir, 'keys'), path.join(dataDir, 'keys'), { recursive: true });
  await chmod(path.join(dataDir, 'keys'), 0o700);
  if (existsSync(path.join(o.dir, AUDIT_ARCHIVE_DIR))) await cp(path.join(o.dir, AUDIT_ARCHIVE_DIR), path.join(dataDir, AUDIT_ARCHIVE_DIR), { recursive: true });
  const doc = existsSync(path.join(o.dir, 'config', 'smartview.yaml'))
    ? ((YAML.parse(await readFile(path.join(o.dir, 'config', 'smartview.yaml'), 'utf8')) ?? {}) as Record<string, unknown>)
    : { site: manifest.site };
  const store = { ...((doc.store ?? {}) as Record<string, unknown>) };
  delete store.sqlitePath;
  if (manifest.engine === 'postgres') {
    if (!(await postgresIsEmpty(o.postgresUrl!))) throw new UserError('restore_target_not_empty', 'the target PostgreSQL database is not empty: create a new database for the restore');
    await restorePostgres(o.postgresUrl!, path.join(o.dir, manifest.database.file));
    Object.assign(store, { engine: 'postgres', postgresUrl: o.postgresUrl });
  } else {
    await copyFile(path.join(o.dir, manifest.database.file), path.join(dataDir, 'smartview.db'));
    Object.assign(store, { engine: 'sqlite' });
  }
  const configFile = path.join(dataDir, 'smartview.yaml');
  await writeFile(configFile, YAML.stringify({ ...doc, dataDir, store }), { mode: 0o600 });
  const config = loadConfig({ file: configFile });
  const sv = await openSmartView(config, o.log, { busOverride: new MemoryBus() });
  try {
    const v = await sv.audit.verifyAll();
    await sv.store.transaction((tx) => sv.audit.record(tx, CLI, { action: 'backup.restore', targetType: 'backup', targetId: path.resolve(o.dir), outcome: v.ok ? 'ok' : 'failed', details: { createdAt: manifest.createdAt, auditOk: v.ok } }));
    const count = async (t: 'cameras' | 'users' | 'segments') => Number((await sv.store.db.selectFrom(t).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const result: RestoreResult = {
      dataDir, configFile, keyFingerprint, audit: { ok: v.ok, recordsChecked: v.recordsChecked, problems: v.problems.length },
      counts: { cameras: await count('cameras'), users: await count('users'), segments: await count('segments') },
    };
    if (!v.ok) o.log.error({ problems: v.problems.slice(0, 20) }, 'the restored audit trail does not verify');
    return result;
  } finally {
    await sv.close();
  }
}

async function postgresIsEmpty(url: string): Promise<boolean> {
  const s = await Store.open({ engine: 'postgres', postgresUrl: url, poolSize: 1 });
  try {
    const r = await sql<{ n: number }>`select count(*)::int as n from information_schema.tables where table_schema = 'public'`.execute(s.db);
    return Number(r.rows[0]?.n ?? 0) === 0;
  } catch (err) {
    throw new OperationalError('postgres_unreachable', `cannot reach the target PostgreSQL database: ${(err as Error).message}`, { cause: err });
  } finally {
    await s.close();
  }
}
