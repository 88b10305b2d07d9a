import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline as pump } from 'node:stream/promises';
import { authorize } from '../auth/guard';
import { isUnrestricted, type Scope } from '../auth/permissions';
import type { Camera } from '../cameras/camera.model';
import { CameraRepository } from '../cameras/camera.repository';
import type { ActionContext, AuditAppender } from '../core/context';
import { ConflictError, errorMessage, NotFoundError, UserError, ValidationError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { Clock } from '../core/time';
import { segmentFile } from '../playback/segment-file';
import { SegmentRepository } from '../record/segment.repository';
import type { Store } from '../store/store';
import { AnalysisJobRepository, type AnalysisJob, type JobState } from './jobs.repository';
import type { JobRunner } from './jobs.runner';
import type { FootagePiece } from './ports';

export interface AnalysisJobsOptions {
  store: Store;
  audit: AuditAppender;
  runner: JobRunner;
  clock: Clock;
  log: Logger;
  /** This node (jobs are run where they were created; its restart marks them failed). */
  node: string;
  dataDir: string;
  storageRoots: Map<string, string>;
  jobs: { fps: number; maxRangeMs: number; uploadLimitBytes: number };
  afterCommit?: () => void;
}

export interface JobView {
  id: string;
  cameraId: string | null;
  fileName: string | null;
  fromMs: number | null;
  toMs: number | null;
  state: JobState;
  progress: number;
  frames: number;
  events: number;
  tracks: number;
  mediaMs: number;
  fps: number;
  error: string | null;
  createdBy: string;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
}

const iso = (ms: number) => new Date(ms).toISOString();
const VIDEO_EXT = /\.(mp4|m4v|mov|mkv|webm|ts|mts|m2ts|avi|flv|h264|264|hevc|265)$/i;

/** An upload larger than the limit: refused, and what was written is deleted. */
class UploadTooLarge extends UserError {
  constructor(limit: number) {
    super('upload_too_large', `The file is larger than ${limit} bytes (analytics.jobs.uploadLimitBytes); cut it or raise the limit`, { limitBytes: limit }, 413);
  }
}

/**
 * Recorded-footage analysis as jobs: a camera's recordings over a time range, or an uploaded
 * file, run through the live pipeline's stages faster than real time; events land in the same
 * store as live ones, marked with the job. Creating and cancelling need 'analytics.run', reading
 * 'analytics.read'; a camera outside the caller's scope answers 404; every creation and
 * cancellation is audited (who analysed which camera's footage, with X-Purpose/X-Case-Ref).
 */
export class AnalysisJobService {
  constructor(private readonly o: AnalysisJobsOptions) {}

  private get repo(): AnalysisJobRepository {
    return new AnalysisJobRepository(this.o.store.db);
  }

  async createForCamera(ctx: ActionContext, input: { cameraId: string; fromMs: number; toMs: number; fps?: number; classes?: string[] }): Promise<JobView> {
    const scopes = authorize(ctx, 'analytics.run');
    if (!(input.fromMs < input.toMs)) throw new ValidationError(`to must be after from (${iso(input.fromMs)} … ${iso(input.toMs)})`);
    if (input.toMs - input.fromMs > this.o.jobs.maxRangeMs) throw new ValidationError(`The range is longer than ${this.o.jobs.maxRangeMs / 3_600_000} hours (analytics.jobs.maxRangeMs); analyse it in parts`);
    if (input.toMs > this.o.clock.now() + 60_000) throw new ValidationError(`to (${iso(input.toMs)}) is in the future; only recorded footage can be analysed`);
    const cam = await new CameraRepository(this.o.store.db).get(input.cameraId, scopes);
    if (!cam) throw new NotFoundError('camera', input.cameraId);
    if (!cam.sharing.playbackAllowed) throw new UserError('playback_not_allowed', `The owner of camera ${cam.id} (${cam.owner}) does not allow use of its recordings, so they cannot be analysed`, { cameraId: cam.id }, 403);
    const pieces = await this.piecesOf(cam, input.fromMs, input.toMs);
    if (!pieces.length) throw new UserError('no_recordings', `No recordings of camera ${cam.id} between ${iso(input.fromMs)} and ${iso(input.toMs)} on this node`, { cameraId: cam.id }, 422);
    const job = this.newJob(ctx, { cameraId: cam.id, fromMs: input.fromMs, toMs: input.toMs, fps: input.fps, classes: input.classes });
    await this.o.store.transaction(async (tx) => {
      await new AnalysisJobRepository(tx).insert(job);
      await this.o.audit.record(tx, ctx, {
        action: 'analysis.create', targetType: 'analysis_job', targetId: job.id, cameraIds: [cam.id],
        details: { cameraId: cam.id, fromMs: input.fromMs, toMs: input.toMs, from: iso(input.fromMs), to: iso(input.toMs), segments: pieces.length, fps: job.options.fps },
      });
    });
    this.submit(ctx, job, pieces, cam);
    return view(job);
  }

  /** An uploaded video file, streamed to this node's data directory (at most uploadLimitBytes). */
  async createForUpload(ctx: ActionContext, input: { body: Readable; fileName?: string; fps?: number; classes?: string[] }): Promise<JobView> {
    authorize(ctx, 'analytics.run');
    const fileName = path.basename(input.fileName?.trim() || 'upload.mp4');
    if (!VIDEO_EXT.test(fileName)) throw new ValidationError(`'${fileName}' does not look like a video file (expected .mp4, .mkv, .ts, .mov, …); send the file name as ?name=`);
    const job = this.newJob(ctx, { cameraId: null, fileName, fps: input.fps, classes: input.classes });
    const dir = path.resolve(this.o.dataDir, 'analysis', 'uploads');
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, `${job.id}${path.extname(fileName).toLowerCase()}`);
    job.filePath = file;
    let bytes = 0;
    const limit = this.o.jobs.uploadLimitBytes;
    try {
      await pump(
        input.body,
        async function* (src: AsyncIterable<Buffer>) {
          for await (const chunk of src) {
            bytes += chunk.length;
            if (bytes > limit) throw new UploadTooLarge(limit);
            yield chunk;
          }
        },
        createWriteStream(file),
      );
    } catch (err) {
      await rm(file, { force: true });
      if (err instanceof UserError) throw err;
      throw new UserError('upload_failed', `The upload did not arrive completely: ${errorMessage(err)}`, undefined, 400);
    }
    if (bytes === 0) {
      await rm(file, { force: true });
      throw new ValidationError('The uploaded file is empty; send the video as the request body');
    }
    await this.o.store.transaction(async (tx) => {
      await new AnalysisJobRepository(tx).insert(job);
      await this.o.audit.record(tx, ctx, { action: 'analysis.create', targetType: 'analysis_job', targetId: job.id, cameraIds: [], details: { fileName, bytes, fps: job.options.fps } });
    });
    this.submit(ctx, job, [{ path: file, startMs: 0 }], null);
    return view(job);
  }

  async list(ctx: ActionContext, q: { cameraId?: string; state?: JobState; limit: number; before?: number }): Promise<{ items: JobView[] }> {
    const scopes = authorize(ctx, 'analytics.read');
    const unrestricted = isUnrestricted(scopes);
    const jobs = await this.repo.list({ scopes: unrestricted ? null : scopes, fileJobsOf: ctx.principal?.userId ?? null, cameraId: q.cameraId, state: q.state, limit: q.limit, beforeCreatedAt: q.before });
    return { items: jobs.map(view) };
  }

  async get(ctx: ActionContext, id: string): Promise<JobView> {
    return view(await this.visible(ctx, id, authorize(ctx, 'analytics.read')));
  }

  async cancel(ctx: ActionContext, id: string): Promise<JobView> {
    const job = await this.visible(ctx, id, authorize(ctx, 'analytics.run'));
    if (job.state !== 'queued' && job.state !== 'running') throw new ConflictError('job_ended', `Job ${id} has already ended (${job.state}); nothing to cancel`);
    if (job.node !== this.o.node && !this.o.runner.has(id)) throw new ConflictError('job_elsewhere', `Job ${id} runs on node '${job.node}'; cancel it there`);
    await this.o.store.transaction(async (tx) => {
      await new AnalysisJobRepository(tx).finish(id, 'cancelled', this.o.clock.now());
      await this.o.audit.record(tx, ctx, { action: 'analysis.cancel', targetType: 'analysis_job', targetId: id, cameraIds: job.cameraId ? [job.cameraId] : [], details: { state: job.state, progress: job.progress } });
    });
    this.o.runner.cancel(id);
    return view((await this.repo.get(id))!);
  }

  /** Start-up: jobs this node had queued or running when it stopped are marked failed, with why. */
  async recoverInterrupted(): Promise<number> {
    const stale = (await this.repo.unfinished(this.o.node)).filter((j) => !this.o.runner.has(j.id));
    for (const j of stale) await this.repo.finish(j.id, 'failed', this.o.clock.now(), undefined, `interrupted: the server stopped while this job was ${j.state}; create it again`);
    return stale.length;
  }

  private newJob(ctx: ActionContext, o: { cameraId: string | null; fileName?: string; fromMs?: number; toMs?: number; fps?: number; classes?: string[] }): AnalysisJob {
    const now = this.o.clock.now();
    return {
      id: `aj-${now.toString(36)}-${randomBytes(4).toString('hex')}`, cameraId: o.cameraId, filePath: null, fileName: o.fileName ?? null,
      fromMs: o.fromMs ?? null, toMs: o.toMs ?? null, state: 'queued', progress: 0, frames: 0, events: 0, tracks: 0, mediaMs: 0,
      options: { fps: o.fps ?? this.o.jobs.fps, ...(o.classes?.length ? { classes: o.classes } : {}) },
      node: this.o.node, error: null, createdBy: ctx.principal?.userId ?? ctx.systemActor ?? 'system', createdAt: now, startedAt: null, finishedAt: null,
    };
  }

  private submit(ctx: ActionContext, job: AnalysisJob, pieces: FootagePiece[], cam: Camera | null): void {
    this.o.runner.submit(job, {
      pieces,
      owner: cam?.owner,
      district: cam?.location.district,
      onEnd: async (j, state, p, error) => {
        await this.o.store.transaction((tx) =>
          this.o.audit.record(tx, ctx, {
            action: 'analysis.complete', targetType: 'analysis_job', targetId: j.id, cameraIds: j.cameraId ? [j.cameraId] : [],
            outcome: state === 'done' ? 'ok' : 'failed', details: { state, frames: p.frames, events: p.events, tracks: p.tracks, ...(error ? { error: error.slice(0, 500) } : {}) },
          }),
        );
        if (j.filePath) await rm(j.filePath, { force: true }).catch((err: unknown) => this.o.log.warn({ jobId: j.id, err: errorMessage(err) }, 'uploaded file could not be removed'));
      },
    });
  }

  private async piecesOf(cam: Camera, fromMs: number, toMs: number): Promise<FootagePiece[]> {
    const segs = await new SegmentRepository(this.o.store.db).inRange(cam.id, fromMs, toMs);
    const out: FootagePiece[] = [];
    for (const s of segs) {
      if (s.status === 'corrupt') continue;
      try {
        out.push({ path: segmentFile(this.o.storageRoots, s, this.o.log).path, startMs: s.startMs, endMs: s.endMs, width: s.width, height: s.height, keyframes: s.keyframes });
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err;
        this.o.log.warn({ cameraId: cam.id, segment: s.id, err: err.message }, 'a segment of the range is not readable on this node; analysed without it');
      }
    }
    return out;
  }

  private async visible(ctx: ActionContext, id: string, scopes: Scope[]): Promise<AnalysisJob> {
    const job = await this.repo.get(id);
    if (!job) throw new NotFoundError('analysis job', id);
    if (isUnrestricted(scopes)) return job;
    if (job.cameraId === null) {
      if (job.createdBy !== ctx.principal?.userId) throw new NotFoundError('analysis job', id);
      return job;
    }
    if (!(await new CameraRepository(this.o.store.db).get(job.cameraId, scopes))) throw new NotFoundError('analysis job', id);
    return job;
  }
}

export function view(j: AnalysisJob): JobView {
  return {
    id: j.id, cameraId: j.cameraId, fileName: j.fileName, fromMs: j.fromMs, toMs: j.toMs, state: j.state, progress: Math.round(j.progress * 1000) / 1000,
    frames: j.frames, events: j.events, tracks: j.tracks, mediaMs: j.mediaMs, fps: j.options.fps, error: j.error, createdBy: j.createdBy,
    createdAt: j.createdAt, startedAt: j.startedAt, finishedAt: j.finishedAt,
  };
}
