import type { Command } from 'commander';
import { z } from 'zod';
import { loadConfig } from '../../config/load';
import { configSchema } from '../../config/schema';
import { redactConfigSecrets } from '../../config/security.schema';
import { printJsonLine, printLine, warn } from '../output';

export function registerConfigCommands(program: Command): void {
  const cmd = program.command('config').description('Check and describe the configuration');
  cmd
    .command('validate')
    .description('Validate a config file and the SMARTVIEW_* environment; prints the effective config')
    .option('-c, --config <file>', 'YAML config file (or SMARTVIEW_CONFIG)')
    .option('--json', 'print the effective config as one JSON line')
    .action((opts: { config?: string; json?: boolean }) => {
      const config = loadConfig({ file: opts.config });
      const safe = { ...redactConfigSecrets(config), store: { ...config.store, postgresUrl: config.store.postgresUrl?.replace(/\/\/([^@/]*)@/, '//***@') } };
      if (opts.json) printJsonLine({ valid: true, config: safe });
      else {
        warn('configuration is valid');
        printLine(JSON.stringify(safe, null, 2));
      }
    });
  cmd
    .command('schema')
    .description('Print the configuration schema as JSON Schema (every key, its type and description)')
    .action(() => printLine(JSON.stringify(z.toJSONSchema(configSchema, { io: 'input' }), null, 2)));
}
