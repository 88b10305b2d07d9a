import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { buildApi } from '../../api/server';
import { openSmartView } from '../../app/app';
import { MemoryBus } from '../../bus/memory';
import { cameraFormats } from '../../cameras/import/formats';
import { parseConfig } from '../../config/load';
import { silentLogger } from '../../core/logger';
import { printLine } from '../output';

/** The OpenAPI document of this version's API, built without a running server (for SDK generation). */
export async function openapiDocument(): Promise<unknown> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sv-openapi-'));
  const config = parseConfig({ dataDir, store: { engine: 'sqlite', sqlitePath: ':memory:' }, log: { level: 'silent' } });
  const sv = await openSmartView(config, silentLogger(), { busOverride: new MemoryBus() });
  try {
    const app = await buildApi({ ...sv, config, log: silentLogger(), cameraFormats });
    await app.ready();
    const doc = app.swagger();
    await app.close();
    return doc;
  } finally {
    await sv.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export function registerOpenapiCommand(program: Command): void {
  program
    .command('openapi')
    .description('Print the OpenAPI document of the HTTP API (no server needed)')
    .action(async () => printLine(JSON.stringify(await openapiDocument(), null, 2)));
}
