import path from 'node:path';
import type { Command } from 'commander';
import { serve } from '../../app/app';
import { loadConfig } from '../../config/load';
import { ROLE_NAMES, type NodeRole } from '../../config/schema';
import { createLogger } from '../../core/logger';
import { isoUtc } from '../../core/time';
import { UserError } from '../../core/errors';
import { warn } from '../output';

const WEB_DIR = path.resolve(import.meta.dirname, '../../../dist/web');

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('Run SmartView: by default every role (api, recorder, analytics, scheduler) in this process')
    .option('-c, --config <file>', 'YAML config file (or SMARTVIEW_CONFIG)')
    .option('--roles <list>', `comma-separated roles to run (${ROLE_NAMES.join(', ')})`)
    .option('--port <port>', 'HTTP port (overrides server.port)')
    .option('--host <host>', 'HTTP bind address (overrides server.host)')
    .action(async (opts: { config?: string; roles?: string; port?: string; host?: string }) => {
      const overrides: Record<string, unknown> = {};
      if (opts.roles) {
        const roles = opts.roles.split(',').map((r) => r.trim()).filter(Boolean);
        const bad = roles.filter((r) => !ROLE_NAMES.includes(r as NodeRole));
        if (bad.length) throw new UserError('bad_roles', `--roles: unknown role(s) ${bad.join(', ')}; expected some of ${ROLE_NAMES.join(', ')}`);
        overrides.roles = roles;
      }
      if (opts.port !== undefined || opts.host !== undefined) {
        const port = opts.port === undefined ? undefined : Number(opts.port);
        if (port !== undefined && !Number.isInteger(port)) throw new UserError('bad_port', `--port: expected a whole number, got '${opts.port}'`);
        overrides.server = { ...(port !== undefined ? { port } : {}), ...(opts.host ? { host: opts.host } : {}) };
      }
      const config = loadConfig({ file: opts.config, overrides });
      const log = createLogger({ level: config.log.level });
      const running = await serve(config, log, { webDir: WEB_DIR, initialAdminPassword: process.env.SMARTVIEW_ADMIN_PASSWORD });
      if (running.initialAdmin) {
        warn('');
        warn('  First start: an administrator was created.');
        warn(`    user:     ${running.initialAdmin.username}`);
        warn(`    password: ${running.initialAdmin.password}`);
        warn(`  This password stops working at ${isoUtc(running.initialAdmin.expiresAt)}: log in and change it (or set one with 'smartview users passwd admin').`);
        warn('');
      }
      if (running.url) warn(`SmartView is running at ${running.url}  (roles: ${config.roles.join(', ')}; store: ${config.store.engine}; bus: ${config.bus.engine})`);
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        log.info({ signal }, 'stopping');
        running.stop().then(
          () => process.exit(0),
          (err: unknown) => {
            log.error({ err }, 'error while stopping');
            process.exit(1);
          },
        );
      };
      process.on('SIGINT', () => stop('SIGINT'));
      process.on('SIGTERM', () => stop('SIGTERM'));
      await new Promise(() => undefined); // run until a signal
    });
}
