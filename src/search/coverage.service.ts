import { z } from 'zod';
import { authorize } from '../auth/guard';
import { CameraRepository } from '../cameras/camera.repository';
import type { CaseService } from '../cases/cases.service';
import type { ActionContext, AuditAppender } from '../core/context';
import { NotFoundError } from '../core/errors';
import { SegmentRepository } from '../record/segment.repository';
import type { Store } from '../store/store';
import { CoverageRepository } from './coverage.repository';
import type { LiveCoverage } from './coverage';
import { subtract, total, union, type Span } from './spans';

const DAY = 86_400_000;
/** Pieces of unanalysed footage shorter than this are sampling noise (a frame every few seconds), not worth a job. */
const MIN_PIECE_MS = 5_000;
/** Live frames stand for the time up to the next sampled frame: spans are widened by this much at their end. */
const LIVE_SLACK_MS = 2_000;

export const coverageQuerySchema = z.object({
  cameraIds: z.string().min(1).max(2000).transform((s) => [...new Set(s.split(',').map((x) => x.trim()).filter(Boolean))])
    .refine((a) => a.length >= 1 && a.length <= 50, 'give 1 to 50 camera ids, comma-separated').describe('Comma-separated camera ids (at most 50)'),
  fromMs: z.coerce.number().int().nonnegative().describe('Start of the period (UTC ms)'),
  toMs: z.coerce.number().int().positive().describe('End of the period (UTC ms; at most 7 days after fromMs)'),
}).refine((q) => q.toMs > q.fromMs, { message: 'toMs must be after fromMs', path: ['toMs'] })
  .refine((q) => q.toMs - q.fromMs <= 7 * DAY, { message: 'the period may span at most 7 days: narrow fromMs/toMs', path: ['toMs'] });

const spanSchema = z.object({ startMs: z.number(), endMs: z.number() });
export const coverageSchema = z.object({
  fromMs: z.number(),
  toMs: z.number(),
  cameras: z.array(z.object({
    cameraId: z.string(),
    recordedMs: z.number().describe('Recorded footage inside the period'),
    analysedMs: z.number().describe('Recorded footage that live analytics or a finished part of an analysis job went through'),
    unanalysed: z.array(spanSchema).describe('Recorded but never analysed (so not in the search index): offer an analysis job over these'),
    jobs: z.array(z.object({ id: z.string(), state: z.string(), progress: z.number(), fromMs: z.number(), toMs: z.number() }))
      .describe('Analysis jobs of this camera overlapping the period (queued/running ones: analysis already under way)'),
  })),
});
export type CoverageReport = z.infer<typeof coverageSchema>;

/**
 * Which recorded footage the search index has never seen. What is knowable (docs/design/forensic-search.md):
 * recordings (segments), recorded-footage analysis jobs (done: their whole range; running, failed or cancelled:
 * from their start as far as they got, media_ms), and the spans the live analytics analysed, which the indexer
 * records since migration 0013 (earlier live analysis left no trace and shows as unanalysed).
 */
export class CoverageService {
  constructor(private readonly d: { store: Store; audit: AuditAppender; cases: CaseService; live?: LiveCoverage }) {}

  async coverage(ctx: ActionContext, q: { cameraIds: string[]; fromMs: number; toMs: number }): Promise<CoverageReport> {
    const scopes = authorize(ctx, 'search.run');
    const c = await this.d.cases.requireCase(ctx, 'search.coverage');
    await this.d.live?.flush(); // what this node analysed up to now
    const cams = new CameraRepository(this.d.store.db);
    for (const id of q.cameraIds) if (!(await cams.get(id, scopes))) throw new NotFoundError('camera', id);
    const segs = new SegmentRepository(this.d.store.db);
    const repo = new CoverageRepository(this.d.store.db);
    const cameras: CoverageReport['cameras'] = [];
    for (const cameraId of q.cameraIds) {
      const recorded = union(await segs.spans(cameraId, q.fromMs, q.toMs), q.fromMs, q.toMs, 100);
      const live = (await repo.liveSpans(cameraId, q.fromMs, q.toMs)).map((s) => ({ startMs: s.startMs, endMs: s.endMs + LIVE_SLACK_MS }));
      const jobs = await repo.jobs(cameraId, q.fromMs, q.toMs);
      const byJobs: Span[] = jobs.map((j) => ({ startMs: j.fromMs, endMs: j.state === 'done' ? j.toMs : Math.min(j.toMs, j.fromMs + j.mediaMs) }));
      const analysed = union([...live, ...byJobs], q.fromMs, q.toMs);
      const unanalysed = subtract(recorded, analysed, MIN_PIECE_MS);
      cameras.push({
        cameraId, recordedMs: total(recorded), analysedMs: total(recorded) - total(subtract(recorded, analysed)), unanalysed,
        jobs: jobs.map((j) => ({ id: j.id, state: j.state, progress: j.progress, fromMs: j.fromMs, toMs: j.toMs })),
      });
    }
    await this.d.audit.recordStandalone({ ...ctx, caseRef: c.ref }, {
      action: 'search.coverage', targetType: 'case', targetId: c.ref, cameraIds: q.cameraIds,
      details: { fromMs: q.fromMs, toMs: q.toMs, unanalysedMs: cameras.reduce((n, x) => n + total(x.unanalysed), 0) },
    });
    return { fromMs: q.fromMs, toMs: q.toMs, cameras };
  }
}
