import { randomUUID } from 'node:crypto';
import { AccessPolicy } from '../access/policy';
import { authorize } from '../auth/guard';
import { JourneyStepRepository, type JourneyStep } from '../cases/cases.repository';
import type { CaseService } from '../cases/cases.service';
import type { ActionContext, AuditAppender } from '../core/context';
import { NotFoundError, OperationalError, UserError } from '../core/errors';
import type { CreateRangesExportInput } from '../evidence/export.service';
import type { Clock } from '../core/time';
import { bytesToVector, dot } from '../reid/vector';
import type { Store } from '../store/store';
import type { IndexedTrack } from './model';
import { journeyChain, journeyClips } from './journey-export';
import { boxAround, haversineM, plausibility } from './plausibility';
import { TrackIndexRepository } from './tracks.repository';

export interface JourneyProposal extends IndexedTrack {
  similarity: number;
  plausibility: number;
  score: number;
  /** False: the target could not have covered the distance in the time (flagged, not hidden). */
  reachable: boolean;
  distanceM: number;
  elapsedMs: number;
  requiredSpeedMs: number | null;
}

/** What a journey export needs of src/evidence (ExportService.createRanges). */
export interface JourneyExportPort {
  createRanges(ctx: ActionContext, input: CreateRangesExportInput): Promise<{ id: string; status: string }>;
}

/** Candidates compared per proposal: keeps a proposal well under a second on a busy street (docs/design/forensic-search.md). */
const CANDIDATE_CAP = 5_000;

/**
 * Cross-camera journeys: from a track, where the target plausibly went next (candidate tracks of the same
 * class starting after it ended, ranked by appearance similarity × spatio-temporal plausibility), and the
 * investigator's confirm/reject decisions, stored in the case. Case-bound and audited like search.
 */
export class JourneyService {
  private readonly access: AccessPolicy;

  constructor(private readonly d: { store: Store; audit: AuditAppender; cases: CaseService; clock: Clock; walkingSpeedMs: number; drivingSpeedMs: number; exports?: () => JourneyExportPort; access?: AccessPolicy }) {
    this.access = d.access ?? new AccessPolicy({ store: d.store, audit: d.audit, cases: d.cases, clock: d.clock });
  }

  async propose(ctx: ActionContext, q: { trackId: string; horizonMs: number; limit: number }): Promise<{ from: IndexedTrack; items: JourneyProposal[]; candidates: number }> {
    const scopes = authorize(ctx, 'search.run');
    ctx = await this.access.require(ctx, 'journeys', { action: 'journey.propose' });
    const repo = new TrackIndexRepository(this.d.store.db);
    const from = await repo.get(q.trackId, scopes);
    if (!from) throw new NotFoundError('indexed track', q.trackId);
    if (!from.embedding || !from.embeddingModel) throw new UserError('track_without_embedding', `Track '${q.trackId}' has no appearance embedding: journeys start from a track with a crop`, { trackId: q.trackId }, 422);
    const maxSpeed = from.class === 'person' ? this.d.walkingSpeedMs : this.d.drivingSpeedMs;
    // As far as a vehicle gets (a pedestrian may board a bus or train): candidates out of walking reach are
    // shown, flagged, rather than silently missing; the time window and class keep the set small.
    const bbox = boxAround(from.lat, from.lon, Math.max(2 * maxSpeed, this.d.drivingSpeedMs) * (q.horizonMs / 1000) + 100);
    const rows = await repo.startedIn({ from: from.endedAt, to: from.endedAt + q.horizonMs, cls: from.class, model: from.embeddingModel, bbox, cap: CANDIDATE_CAP }, scopes);
    const qv = bytesToVector(from.embedding);
    const items: JourneyProposal[] = [];
    for (const r of rows) {
      if (r.id === from.id || !r.embedding) continue;
      if (r.cameraId === from.cameraId && r.startedAt - from.endedAt < 2000) continue; // the tracker's own re-split, not a journey step
      const { embedding, ...t } = r;
      const similarity = dot(qv, bytesToVector(embedding));
      const distanceM = haversineM(from.lat, from.lon, t.lat, t.lon);
      const elapsedMs = t.startedAt - from.endedAt;
      const p = plausibility(distanceM, elapsedMs, maxSpeed);
      const r4 = (x: number) => Math.round(x * 10000) / 10000;
      items.push({ ...t, similarity: r4(similarity), plausibility: r4(p.plausibility), score: r4(Math.max(0, similarity) * p.plausibility), reachable: p.reachable, distanceM: Math.round(distanceM), elapsedMs, requiredSpeedMs: p.requiredSpeedMs });
    }
    items.sort((a, b) => b.score - a.score || b.similarity - a.similarity);
    // The most similar unreachable candidates stay in the answer, flagged, even when their score ranks them out.
    const top = items.slice(0, q.limit);
    const flagged = items.filter((i) => !i.reachable && !top.includes(i)).sort((a, b) => b.similarity - a.similarity).slice(0, Math.max(1, Math.floor(q.limit / 5)));
    const result = [...top, ...flagged];
    const { embedding: _e, cropPath: _c, ...fromTrack } = from;
    await this.d.audit.recordStandalone(ctx, {
      action: 'journey.propose', targetType: 'case', targetId: ctx.caseRef, cameraIds: [...new Set([from.cameraId, ...result.map((r) => r.cameraId)])].slice(0, 100),
      details: { trackId: q.trackId, horizonMs: q.horizonMs, candidates: rows.length, results: result.length, unreachable: result.filter((r) => !r.reachable).length },
    });
    return { from: fromTrack, items: result, candidates: rows.length };
  }

  /** Records the investigator's decision on a proposed step, in the case. */
  async decide(ctx: ActionContext, s: { fromTrackId: string; toTrackId: string; decision: 'confirmed' | 'rejected' }): Promise<JourneyStep> {
    const scopes = authorize(ctx, 'search.run');
    const c = await this.d.cases.requireCase(ctx, 'journey.decide');
    const repo = new TrackIndexRepository(this.d.store.db);
    const [a, b] = await Promise.all([repo.get(s.fromTrackId, scopes), repo.get(s.toTrackId, scopes)]);
    if (!a) throw new NotFoundError('indexed track', s.fromTrackId);
    if (!b) throw new NotFoundError('indexed track', s.toTrackId);
    if (b.startedAt < a.endedAt) throw new UserError('step_backwards', `Track '${s.toTrackId}' started before '${s.fromTrackId}' ended: a journey step goes forward in time`, undefined, 422);
    const maxSpeed = a.class === 'person' ? this.d.walkingSpeedMs : this.d.drivingSpeedMs;
    const p = plausibility(haversineM(a.lat, a.lon, b.lat, b.lon), b.startedAt - a.endedAt, maxSpeed);
    const similarity = a.embedding && b.embedding && a.embeddingModel === b.embeddingModel ? Math.round(dot(bytesToVector(a.embedding), bytesToVector(b.embedding)) * 10000) / 10000 : null;
    const step: JourneyStep = {
      id: randomUUID(), caseRef: c.ref, fromTrackId: a.id, toTrackId: b.id, decision: s.decision, similarity, plausibility: Math.round(p.plausibility * 10000) / 10000,
      reachable: p.reachable, decidedBy: ctx.principal?.username ?? ctx.systemActor ?? 'system', decidedAt: this.d.clock.now(),
    };
    await this.d.store.transaction(async (tx) => {
      await new JourneyStepRepository(tx).insert(step);
      await this.d.audit.record(tx, ctx, {
        action: 'journey.decide', targetType: 'case', targetId: c.ref, cameraIds: [...new Set([a.cameraId, b.cameraId])],
        details: { fromTrackId: a.id, toTrackId: b.id, decision: s.decision, reachable: p.reachable },
      });
    });
    return step;
  }

  /**
   * The confirmed journey from `anchorTrackId` as ONE evidence bundle: per track the original recording of
   * its camera over its time span ± pad (stream copy, hashed, as every export), the journey (steps, cameras,
   * times, decisions, the case) listed in the signed manifest. Progress and download: /api/exports/{id}.
   */
  async exportJourney(ctx: ActionContext, q: { anchorTrackId: string; padMs: number }): Promise<{ exportId: string; status: string; steps: number; clips: number }> {
    const scopes = authorize(ctx, 'search.run');
    const c = await this.d.cases.requireCase(ctx, 'journey.export');
    const exports = this.d.exports?.();
    if (!exports) throw new OperationalError('export_unavailable', 'Evidence export is not available on this node; export the journey from an api node');
    const { trackIds, via } = journeyChain(q.anchorTrackId, await new JourneyStepRepository(this.d.store.db).list(c.ref));
    if (trackIds.length < 2) {
      throw new UserError('journey_empty', `No confirmed step starts from track '${q.anchorTrackId}' in case '${c.ref}': confirm at least one step (POST /api/search/journeys/steps) before exporting the journey`, { anchorTrackId: q.anchorTrackId }, 422);
    }
    const tracks = await new TrackIndexRepository(this.d.store.db).byIds(trackIds, scopes);
    const missing = trackIds.find((id) => !tracks.some((t) => t.id === id));
    if (missing) throw new NotFoundError('indexed track', missing);
    const { ranges, journey } = journeyClips(c.ref, q.anchorTrackId, tracks, via, q.padMs);
    const view = await exports.createRanges({ ...ctx, caseRef: c.ref, purpose: ctx.purpose?.trim() || c.purpose }, { ranges, journey });
    await this.d.audit.recordStandalone({ ...ctx, caseRef: c.ref }, {
      action: 'journey.export', targetType: 'case', targetId: c.ref, cameraIds: [...new Set(ranges.map((r) => r.cameraId))],
      details: { anchorTrackId: q.anchorTrackId, exportId: view.id, steps: journey.steps.length, clips: ranges.length, padMs: q.padMs, unreachable: journey.steps.filter((s) => s.via && !s.via.reachable).length },
    });
    return { exportId: view.id, status: view.status, steps: journey.steps.length, clips: ranges.length };
  }

  /** The decided steps of the case in X-Case-Ref, oldest first. */
  async steps(ctx: ActionContext): Promise<JourneyStep[]> {
    authorize(ctx, 'search.run');
    const c = await this.d.cases.requireCase(ctx, 'journey.view');
    return new JourneyStepRepository(this.d.store.db).list(c.ref);
  }
}
