import { openSmartView, type SmartView } from '../app/app';
import { MemoryBus } from '../bus/memory';
import { loadConfig } from '../config/load';
import { silentLogger } from '../core/logger';
import { warn } from './output';

/**
 * Administrative commands act on the LOCAL store named by the config, not through the API.
 * They say so, and they are audited as the system acting from the CLI. Domain events they
 * cause wait in the outbox until a server's relay publishes them.
 */
export async function withLocalStore<T>(opts: { config?: string; quiet?: boolean }, fn: (sv: SmartView) => Promise<T>): Promise<T> {
  const config = loadConfig({ file: opts.config });
  if (!opts.quiet) warn(`(acting on the local ${config.store.engine} store${config.store.engine === 'sqlite' ? ` in ${config.dataDir}` : ''}, not through a server)`);
  const sv = await openSmartView(config, silentLogger(), { busOverride: new MemoryBus() });
  try {
    return await fn(sv);
  } finally {
    await sv.close();
  }
}

export const LOCAL_CLI = { principal: null, ip: null, systemActor: 'cli:local' };
