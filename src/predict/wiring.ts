import type { EventBus } from '../bus/bus';
import type { CaseService } from '../cases/cases.service';
import type { AuditAppender } from '../core/context';
import type { Logger } from '../core/logger';
import type { Clock } from '../core/time';
import type { Store } from '../store/store';
import { LivePredictor } from './live';
import { PredictService } from './predict.service';

export interface PredictRuntime {
  service: PredictService;
  live: LivePredictor;
  /** Follows plate.sighted (call on api nodes once the relay runs). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** The predict room assembled: the live movement model fed by plate.sighted, and its service. */
export function createPredict(o: { store: Store; bus: EventBus; audit: AuditAppender; cases: CaseService; clock: Clock; log: Logger }): PredictRuntime {
  const live = new LivePredictor({ bus: o.bus, log: o.log.child({ scope: 'predict' }) });
  return {
    service: new PredictService({ store: o.store, audit: o.audit, cases: o.cases, live, clock: o.clock }),
    live,
    start: () => live.start(),
    stop: () => live.stop(),
  };
}
