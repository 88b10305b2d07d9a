import type { Config } from '../config/schema';
import type { AuditAppender } from '../core/context';
import type { Logger } from '../core/logger';
import type { Clock } from '../core/time';
import type { Store } from '../store/store';
import { StorageGateStore } from './gate';
import { HoldService } from './hold.service';
import { RetentionService } from './retention.service';
import { storageRoots, type FreeSpace } from './storages';
import { RetentionSweeper } from './sweeper';

export interface Retention {
  /** For the recorder: pause a storage while it is critically full (see StorageGate in index.ts). */
  gate: StorageGateStore;
  sweeper: RetentionSweeper;
  service: RetentionService;
  holds: HoldService;
}

/** Builds retention and legal hold for one process (called by the composition root, src/app/app.ts). */
export function createRetention(d: { config: Config; store: Store; audit: AuditAppender; log: Logger; clock: Clock; node: string; afterCommit: () => void; freeSpace?: FreeSpace }): Retention {
  const log = d.log.child({ scope: 'retention' });
  const gate = new StorageGateStore(StorageGateStore.fileIn(d.config.dataDir), log);
  const sweeper = new RetentionSweeper({
    store: d.store, log, clock: d.clock, gate, node: d.node, storages: storageRoots(d.config), defaultDays: d.config.retention.defaultDays,
    emergencyMinFreeBytes: d.config.retention.emergencyMinFreeBytes, freeSpace: d.freeSpace, afterCommit: d.afterCommit,
  });
  const holds = new HoldService(d.store, d.audit, d.clock, d.afterCommit, () => sweeper.kick());
  return { gate, sweeper, holds, service: new RetentionService(d.store, d.audit, d.clock, gate) };
}
