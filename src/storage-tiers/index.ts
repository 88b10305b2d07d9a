import path from 'node:path';
import type { Config } from '../config/schema';
import type { AuditAppender } from '../core/context';
import type { Logger } from '../core/logger';
import type { Clock } from '../core/time';
import type { Store } from '../store/store';
import { TierMover } from './mover';

export { TierMover, type TierPass } from './mover';

/** The storage-tier mover of one recorder node (composition root: src/app/app.ts; started with the recorder role). */
export function createTierMover(d: { config: Config; store: Store; audit: AuditAppender; log: Logger; clock: Clock; node: string }): TierMover {
  const roots = new Map(d.config.recording.storages.map((s) => [s.id, path.resolve(d.config.dataDir, s.path)]));
  return new TierMover({ store: d.store, audit: d.audit, log: d.log.child({ scope: 'tiers' }), clock: d.clock, node: d.node, roots, tiers: d.config.recording.tiers });
}
