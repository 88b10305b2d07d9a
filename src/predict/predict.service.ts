import { AccessPolicy } from '../access/policy';
import { authorize } from '../auth/guard';
import { inScope } from '../auth/permissions';
import type { CaseService } from '../cases/cases.service';
import type { ActionContext, AuditAppender } from '../core/context';
import { NotFoundError, ValidationError } from '../core/errors';
import type { Clock } from '../core/time';
import type { Store } from '../store/store';
import { type InterceptPlace, type Interception, type LivePredictor, reachablePlaces, type ResponseUnit, type TimedCamera } from './live';

export interface PredictNextRequest {
  plate?: string;
  /** The trip so far, oldest first; without it, the plate's current trip as the live model holds it. */
  history?: Array<{ cameraId: string; at: number }>;
  top: number;
  unit?: ResponseUnit;
  /** When the response unit starts (UTC ms; default now). */
  nowMs?: number;
}

export interface PredictNextResult extends Interception {
  reachable: InterceptPlace[] | null;
  warnings: string[];
  /** Sightings the live model has learned from on this node. */
  modelSightings: number;
}

/**
 * Predictions for analysts and the alert view: 'search.run', inside a case (X-Case-Ref), audited
 * like a search. Cameras outside the caller's scope are neither accepted in the trip nor shown in
 * the answer (as if they did not exist).
 */
export class PredictService {
  private readonly access: AccessPolicy;

  constructor(private readonly d: { store: Store; audit: AuditAppender; cases: CaseService; live: LivePredictor; clock: Clock; access?: AccessPolicy }) {
    this.access = d.access ?? new AccessPolicy({ store: d.store, audit: d.audit, cases: d.cases, clock: d.clock });
  }

  async next(ctx: ActionContext, q: PredictNextRequest): Promise<PredictNextResult> {
    const scopes = authorize(ctx, 'search.run');
    ctx = await this.access.require(ctx, 'journeys', { action: 'predict.next' });
    const live = this.d.live;
    const m = live.model;
    const visible = (c: number) => {
      const s = live.cameraScope[c];
      return s !== undefined && inScope(scopes, s.owner, s.district);
    };
    const warnings: string[] = [];
    let result: Interception | null;
    if (q.history?.length) {
      const trip: Array<{ camera: number; ts: number }> = [];
      const unknown: string[] = [];
      for (const h of q.history) {
        const c = m.cameraIndex.get(h.cameraId);
        if (c === undefined || !visible(c)) unknown.push(h.cameraId);
        else trip.push({ camera: c, ts: h.at });
      }
      if (unknown.length) warnings.push(`unknown camera(s) ${[...new Set(unknown)].join(', ')} ignored`);
      if (trip.some((s, i) => i > 0 && s.ts < trip[i - 1]!.ts)) {
        warnings.push('history was not in time order; sorted');
        trip.sort((a, b) => a.ts - b.ts);
      }
      if (!trip.length) throw new ValidationError('No camera of "history" is known to the movement model (or visible to you): give camera ids that have had plate sightings', { field: 'history' });
      if (q.plate && m.plateId(q.plate, false) < 0) warnings.push(`plate ${q.plate} has no earlier sightings: predicted from all vehicles`);
      result = live.predictTrip(q.plate ?? null, trip, q.top);
    } else {
      if (!q.plate) throw new ValidationError('Give "plate" (its current trip is used) or "history" (the trip so far)', { field: 'plate' });
      const p = m.plateId(q.plate, false);
      if (p < 0 || !visible(m.lastCam.a[p]!)) throw new NotFoundError('current trip of plate', q.plate);
      result = live.intercept(q.plate);
      if (!result) throw new NotFoundError('current trip of plate', q.plate);
    }
    const keep = (cs: TimedCamera[]) => cs.filter((c) => visible(m.cameraIndex.get(c.cameraId)!));
    const shown: Interception = { ...result, next: keep(result.next), ahead: result.ahead.map((s) => ({ step: s.step, cameras: keep(s.cameras) })) };
    const reachable = q.unit ? reachablePlaces(shown, q.unit, q.nowMs ?? this.d.clock.now()) : null;
    const cameraIds = [...new Set([shown.cameraId, ...shown.next.map((c) => c.cameraId)])].slice(0, 100);
    await this.d.store.transaction((tx) =>
      this.d.audit.record(tx, ctx, { action: 'predict.next', targetType: 'case', targetId: ctx.caseRef, cameraIds, details: { plate: q.plate ?? null, historyLength: q.history?.length ?? 0, results: shown.next.length } }),
    );
    return { ...shown, reachable, warnings, modelSightings: m.sightings };
  }
}

