import path from 'node:path';
import type { AccessPolicy } from '../../access/policy';
import type { EventSink } from '../../alerts/event-sink';
import { SnapshotStore } from '../../alerts/snapshot-store';
import type { EventBus } from '../../bus/bus';
import type { AuditAppender } from '../../core/context';
import type { Logger } from '../../core/logger';
import type { Clock } from '../../core/time';
import type { Store } from '../../store/store';
import { HotlistCache } from '../hotlists/hotlist-cache';
import { HotlistService } from '../hotlists/hotlist.service';
import { PlateSearchService } from '../search/search.service';
import { SightingService } from './sightings.service';

export interface PlatesRuntime {
  sightings: SightingService;
  search: PlateSearchService;
  hotlists: HotlistService;
  /** The in-memory hotlists every read is matched against. */
  hotlistCache: HotlistCache;
  /** Loads the hotlists and follows their changes (call once the relay runs). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** The sightings room assembled: crops under <dataDir>/plates, alerts through the EventSink. */
export function createPlates(o: { dataDir: string; store: Store; bus: EventBus; audit: AuditAppender; clock: Clock; log: Logger; eventSink: EventSink; afterCommit: () => void; access?: AccessPolicy }): PlatesRuntime {
  const log = o.log.child({ scope: 'plates' });
  const hotlistCache = new HotlistCache({ store: o.store, bus: o.bus, clock: o.clock, log });
  const crops = new SnapshotStore(path.join(o.dataDir, 'plates'), log);
  const sightings = new SightingService({ store: o.store, clock: o.clock, log, matcher: hotlistCache.matcher, alerts: o.eventSink, crops, afterCommit: o.afterCommit, audit: o.audit });
  let started = false;
  return {
    sightings,
    search: new PlateSearchService(o.store, o.audit, o.access),
    hotlists: new HotlistService(o.store, o.audit, o.clock, o.afterCommit),
    hotlistCache,
    async start() {
      if (started) return;
      started = true;
      await hotlistCache.start();
    },
    async stop() {
      if (started) await hotlistCache.stop();
      started = false;
    },
  };
}
