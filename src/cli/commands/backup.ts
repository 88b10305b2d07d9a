import type { Command } from 'commander';
import { VERSION } from '../../api/routes/site.routes';
import { createBackup, restoreBackup, verifyBackup } from '../../backup/backup.service';
import { loadConfig } from '../../config/load';
import { createLogger, silentLogger } from '../../core/logger';
import { printJsonLine, printLine, warn } from '../output';

/** `smartview backup create|verify|restore` (docs/design/backup.md): administrative, on the local data directory. */
export function registerBackupCommands(program: Command): void {
  const backup = program.command('backup').description('Backup and restore of the database, configuration, keys and audit chain (administrative: local files)');
  backup
    .command('create <dir>')
    .description('Write a signed backup into <dir> (new or empty): database (SQLite online backup / pg_dump), config file, keys, audit archive')
    .option('-c, --config <file>', 'YAML config file (or SMARTVIEW_CONFIG); it is copied into the backup')
    .option('--json', 'print the manifest summary as one JSON line')
    .action(async (dir: string, opts: { config?: string; json?: boolean }) => {
      const file = opts.config ?? process.env.SMARTVIEW_CONFIG;
      const config = loadConfig({ file });
      if (!file) warn('no config file given (--config): the backup holds no configuration; keep your config file with it');
      const r = await createBackup(config, { dir, configFile: file, softwareVersion: VERSION, log: opts.json ? silentLogger() : createLogger({ level: 'warn' }) });
      const bytes = r.manifest.files.reduce((s, f) => s + f.bytes, 0);
      if (opts.json) printJsonLine({ dir, files: r.manifest.files.length, bytes, database: r.manifest.database, keyId: r.manifest.signature.keyId });
      else printLine(`backup written to ${dir}: ${r.manifest.files.length} files, ${bytes} bytes, signed by site key ${r.manifest.signature.keyId}`);
      warn('the backup holds the site keys: store it encrypted, with access as restricted as the servers\'');
    });
  backup
    .command('verify <dir>')
    .description('Check a backup: manifest signature, every file\'s SHA-256, schema known to this software; exits 1 on any problem')
    .option('--json', 'print the result as one JSON line')
    .action(async (dir: string, opts: { json?: boolean }) => {
      const r = await verifyBackup(dir);
      if (opts.json) printJsonLine({ ok: r.problems.length === 0, problems: r.problems, keyFingerprint: r.keyFingerprint, createdAt: r.manifest.createdAt });
      else {
        printLine(r.problems.length ? `backup FAILED verification: ${r.problems.length} problem(s)` : `backup OK: ${r.manifest.files.length} files, signed by key ${r.keyFingerprint} (compare with the site's published fingerprint)`);
        for (const p of r.problems.slice(0, 100)) warn(`  ${p}`);
      }
      if (r.problems.length) process.exitCode = 1;
    });
  backup
    .command('restore <dir>')
    .description('Restore a backup into an empty data directory, then run audit verify; exits 1 if the audit trail does not verify')
    .requiredOption('--data-dir <dir>', 'new or empty data directory of the restored site')
    .option('--postgres-url <url>', 'new, empty PostgreSQL database (backups of PostgreSQL sites)')
    .option('--json', 'print the result as one JSON line')
    .action(async (dir: string, opts: { dataDir: string; postgresUrl?: string; json?: boolean }) => {
      const r = await restoreBackup({ dir, dataDir: opts.dataDir, postgresUrl: opts.postgresUrl, log: opts.json ? silentLogger() : createLogger({ level: 'warn' }) });
      if (opts.json) printJsonLine(r);
      else {
        printLine(`restored into ${r.dataDir} (config ${r.configFile}): ${r.counts.cameras} cameras, ${r.counts.users} users, ${r.counts.segments} segment index rows`);
        printLine(r.audit.ok ? `audit trail OK: ${r.audit.recordsChecked} records` : `audit trail FAILED verification: ${r.audit.problems} problem(s); run smartview audit verify -c ${r.configFile}`);
        warn('recordings are not part of a backup: mount the recording storages at the paths in the config (or copy them) before starting the site');
      }
      if (!r.audit.ok) process.exitCode = 1;
    });
}
