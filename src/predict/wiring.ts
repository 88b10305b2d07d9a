import type { EventBus } from '../bus/bus';
import type { AccessPolicy } from '../access/policy';
import type { CaseService } from '../cases/cases.service';
import type { AuditAppender } from '../core/context';
import type { Logger } from '../core/logger';
import type { Clock } from '../core/time';
import type { Store } from '../store/store';
import { errorMessage } from '../core/errors';
import { SightingRepository } from '../plates/sightings/sighting.repository';
import { LivePredictor, type PlateSighted } from './live';

/** Days of stored plate reads a starting node learns its movement model from. */
const HISTORY_DAYS = 28;

async function* storedSightings(repo: SightingRepository, sinceMs: number): AsyncGenerator<PlateSighted[]> {
  for await (const page of repo.liveHistory(sinceMs)) {
    yield page.map((r) => ({ plate: r.plate, cameraId: r.camera_id, owner: r.owner, district: r.district, lat: r.lat, lon: r.lon, seenAt: r.seen_at, hotlistHits: 0 }));
  }
}
import { PredictService } from './predict.service';

export interface PredictRuntime {
  service: PredictService;
  live: LivePredictor;
  /** Follows plate.sighted (call on api nodes once the relay runs). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** The predict room assembled: the live movement model fed by plate.sighted, and its service. */
export function createPredict(o: { store: Store; bus: EventBus; audit: AuditAppender; cases: CaseService; clock: Clock; log: Logger; access?: AccessPolicy }): PredictRuntime {
  const log = o.log.child({ scope: 'predict' });
  const live = new LivePredictor({ bus: o.bus, log });
  return {
    service: new PredictService({ store: o.store, audit: o.audit, cases: o.cases, live, clock: o.clock, access: o.access }),
    live,
    async start() {
      await live.start();
      // A restarted node learns the stored live reads of the last HISTORY_DAYS in the background.
      const since = o.clock.now() - HISTORY_DAYS * 86_400_000;
      live.warmUp(storedSightings(new SightingRepository(o.store.db, o.store.engine), since)).catch((err: unknown) => {
        log.error({ err: errorMessage(err) }, 'predict: stored sightings could not be read; the model learns from new reads only');
      });
    },
    stop: () => live.stop(),
  };
}
