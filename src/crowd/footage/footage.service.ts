/**
 * Crowd counts and densities over recorded footage: the camera's segments over a range are sampled
 * (src/sample sampleRecording, faster than real time, keyframes when the rate allows) at the camera's
 * crowd rate and run through the same CrowdStage as live (alerts off: the past raises no alerts). The
 * time-series rows carry the run's id, so event reports cover footage recorded before the event was
 * set up or while no analytics node ran. Runs are kept in memory on the node that runs them (one at a
 * time per node, the rest wait); the rows are the durable result. Re-running a range replaces nothing:
 * reports take maxima, so a repeated run changes peaks only if the counter changed.
 */
import { randomUUID } from 'node:crypto';
import { authorize } from '../../auth/guard';
import { CameraRepository } from '../../cameras/camera.repository';
import type { ActionContext, AuditAppender } from '../../core/context';
import { NotFoundError, UserError, ValidationError, errorMessage } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { Clock } from '../../core/time';
import type { MediaTools } from '../../media/ffmpeg';
import { segmentFile } from '../../playback/segment-file';
import { enforceSharing } from '../../playback/sharing';
import { SegmentRepository } from '../../record/segment.repository';
import { sampleRecording, type RecordedPiece } from '../../sample/file-sampler';
import type { Store } from '../../store/store';
import type { CrowdCounter } from '../count';
import type { CrowdStage } from '../live/stage';

export interface FootageRun {
  id: string;
  cameraId: string;
  fromMs: number;
  toMs: number;
  state: 'queued' | 'running' | 'done' | 'failed';
  progress: number;
  frames: number;
  peakCount: number;
  error: string | null;
  createdBy: string;
  createdAt: number;
  finishedAt: number | null;
}

const MAX_RANGE_MS = 24 * 3_600_000;

export class CrowdFootageService {
  private readonly runs = new Map<string, FootageRun>();
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly d: {
      store: Store; audit: AuditAppender; clock: Clock; log: Logger; tools: MediaTools; storageRoots: Map<string, string>; maxSide: number;
      stageFor(cameraId: string, o: { jobId: string; alerts: false }): Promise<{ stage: CrowdStage; counter: CrowdCounter; fps: number } | null>;
    },
  ) {}

  async start(ctx: ActionContext, cameraId: string, fromMs: number, toMs: number): Promise<FootageRun> {
    const scopes = authorize(ctx, 'crowd.manage');
    if (!(toMs > fromMs)) throw new ValidationError('toMs must be after fromMs', { field: 'toMs' });
    if (toMs - fromMs > MAX_RANGE_MS) throw new ValidationError('at most 24 hours of footage per run; split longer ranges', { field: 'toMs' });
    if (toMs > this.d.clock.now() + 60_000) throw new ValidationError('the range reaches into the future', { field: 'toMs' });
    const cam = await new CameraRepository(this.d.store.db).get(cameraId, scopes);
    if (!cam) throw new NotFoundError('camera', cameraId);
    await enforceSharing(this.d.store, this.d.audit, ctx, cam, 'playback', 'crowd.footage_analyse', { fromMs, toMs });
    const pieces = await this.pieces(cameraId, fromMs, toMs);
    if (!pieces.length) throw new UserError('no_recordings', `No recordings of camera ${cameraId} in that range on this node`, { cameraId }, 422);
    const run: FootageRun = {
      id: randomUUID(), cameraId, fromMs, toMs, state: 'queued', progress: 0, frames: 0, peakCount: 0, error: null,
      createdBy: ctx.principal?.userId ?? ctx.systemActor ?? 'system', createdAt: this.d.clock.now(), finishedAt: null,
    };
    await this.d.audit.recordStandalone(ctx, { action: 'crowd.footage_analyse', targetType: 'camera', targetId: cameraId, cameraIds: [cameraId], details: { runId: run.id, fromMs, toMs, segments: pieces.length } });
    this.runs.set(run.id, run);
    this.chain = this.chain.then(() => this.execute(run, pieces));
    return { ...run };
  }

  async get(ctx: ActionContext, id: string): Promise<FootageRun> {
    const scopes = authorize(ctx, 'crowd.read');
    const run = this.runs.get(id);
    if (!run || !(await new CameraRepository(this.d.store.db).get(run.cameraId, scopes))) throw new NotFoundError('crowd footage run', id);
    return { ...run };
  }

  /** Resolves when every run started so far has ended (tests, shutdown). */
  async idle(): Promise<void> {
    await this.chain;
  }

  private async execute(run: FootageRun, pieces: RecordedPiece[]): Promise<void> {
    run.state = 'running';
    let built: Awaited<ReturnType<CrowdFootageService['d']['stageFor']>> = null;
    try {
      built = await this.d.stageFor(run.cameraId, { jobId: run.id, alerts: false });
      if (!built) throw new Error('the camera has no crowd settings; save them first');
      const frames = sampleRecording(this.d.tools, pieces, { fps: built.fps, maxSide: this.d.maxSide, source: run.cameraId, onProgress: (done, total) => (run.progress = total ? done / total : 0) });
      for await (const f of frames) {
        if (f.tMs < run.fromMs) continue;
        if (f.tMs >= run.toMs) break;
        const s = await built.stage.process(f.tMs, f.rgb);
        run.frames++;
        run.peakCount = Math.max(run.peakCount, s.corrected ?? s.count);
      }
      built.stage.flush();
      run.state = 'done';
      run.progress = 1;
    } catch (err) {
      run.state = 'failed';
      run.error = errorMessage(err);
      this.d.log.warn({ runId: run.id, cameraId: run.cameraId, err: run.error }, 'crowd footage run failed');
    } finally {
      run.finishedAt = this.d.clock.now();
      await built?.counter.close().catch((err: unknown) => this.d.log.debug({ err: errorMessage(err) }, 'crowd footage counter did not close cleanly'));
    }
  }

  private async pieces(cameraId: string, fromMs: number, toMs: number): Promise<RecordedPiece[]> {
    const out: RecordedPiece[] = [];
    for (const s of await new SegmentRepository(this.d.store.db).inRange(cameraId, fromMs, toMs)) {
      if (s.status === 'corrupt') continue;
      try {
        out.push({ path: segmentFile(this.d.storageRoots, s, this.d.log).path, startMs: s.startMs, endMs: s.endMs, width: s.width, height: s.height, keyframes: s.keyframes });
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err;
        this.d.log.warn({ cameraId, segment: s.id, err: err.message }, 'a segment of the range is not readable on this node; counted without it');
      }
    }
    return out;
  }
}
