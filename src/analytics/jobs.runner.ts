import type { EventBus } from '../bus/bus';
import type { DomainEventMap } from '../bus/events';
import { errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import type { Clock } from '../core/time';
import { CameraPipeline } from './pipeline';
import type { FootagePiece, FootageReader, StageFactory } from './ports';
import { AnalysisJobRepository, type AnalysisJob, type JobProgress } from './jobs.repository';
import type { Store } from '../store/store';

const isShutdown = (s: AbortSignal) => s.reason instanceof Error && s.reason.message === 'shutdown';

export interface JobRunnerOptions {
  store: Store;
  bus: EventBus;
  factory: StageFactory;
  reader: FootageReader;
  clock: Clock;
  log: Logger;
  /** Jobs run at once; more wait (queued). */
  concurrency: number;
  /** How often progress is written and published. */
  progressEveryMs?: number;
  /** Awaited after the pipeline is flushed and before the job is marked done (e.g. the track indexer's writes). */
  settle?: () => Promise<void>;
}

/** What a job needs besides its row: the footage, and the scope keys for the live channel. */
export interface JobWork {
  pieces: FootagePiece[];
  owner?: string;
  district?: string;
  /** Called once the job has ended (audit of the outcome). */
  onEnd?: (job: AnalysisJob, state: 'done' | 'failed' | 'cancelled', p: JobProgress, error?: string) => Promise<void>;
}

interface Entry {
  job: AnalysisJob;
  work: JobWork;
  abort: AbortController;
  done: Promise<void>;
}

/**
 * Runs analysis jobs: at most `concurrency` at once, the rest wait in order. A job reads its
 * footage with the file sampler (faster than real time, only the frames it needs), pushes each
 * frame through the same pipeline as a live camera, and writes its progress every second (row +
 * `analysis.job_progress` on the bus). Cancel aborts the reader, which kills its ffmpeg.
 */
export class JobRunner {
  private readonly entries = new Map<string, Entry>();
  private readonly waiting: Array<() => void> = [];
  private active = 0;

  constructor(private readonly o: JobRunnerOptions) {}

  submit(job: AnalysisJob, work: JobWork): void {
    const entry: Entry = { job, work, abort: new AbortController(), done: Promise.resolve() };
    this.entries.set(job.id, entry);
    entry.done = this.run(entry).finally(() => this.entries.delete(job.id));
  }

  /** Aborts a job of this node; false when it is not running or queued here. */
  cancel(id: string): boolean {
    const e = this.entries.get(id);
    if (!e) return false;
    e.abort.abort();
    return true;
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  /** Waits for every job of this node to end (tests, shutdown after `cancelAll`). */
  async idle(): Promise<void> {
    await Promise.all([...this.entries.values()].map((e) => e.done));
  }

  /** Shutdown: running jobs are aborted and end 'failed' (interrupted), queued ones too. */
  async stop(): Promise<void> {
    for (const e of this.entries.values()) e.abort.abort(new Error('shutdown'));
    await this.idle();
  }

  private async slot(signal: AbortSignal): Promise<(() => void) | null> {
    while (this.active >= this.o.concurrency) {
      await new Promise<void>((resolve) => {
        this.waiting.push(resolve);
        signal.addEventListener('abort', () => resolve(), { once: true });
      });
      if (signal.aborted) return null;
    }
    this.active++;
    return () => {
      this.active--;
      this.waiting.shift()?.();
    };
  }

  private async run(e: Entry): Promise<void> {
    const { job, work, abort } = e;
    const repo = () => new AnalysisJobRepository(this.o.store.db);
    const log = this.o.log.child({ jobId: job.id, cameraId: job.cameraId });
    let p: JobProgress = { progress: 0, frames: 0, events: 0, tracks: 0, mediaMs: 0 };
    let current: (() => JobProgress) | undefined;
    const release = await this.slot(abort.signal);
    if (!release) {
      if (isShutdown(abort.signal)) return this.end(e, 'failed', p, 'interrupted: the server stopped before this job started; create it again');
      return this.end(e, 'cancelled', p);
    }
    try {
      if (!(await repo().start(job.id, this.o.clock.now()))) return; // cancelled while queued
      await this.publish(e, 'running', p);
      const built = await this.o.factory.build({ cameraId: job.cameraId, jobId: job.id, fps: job.options.fps, classes: job.options.classes });
      const pipeline = new CameraPipeline({ source: job.cameraId ?? job.fileName ?? job.id, stages: built.stages, detect: built.detect, gateMinScore: built.gateMinScore, log });
      let readerProgress = 0;
      let lastWrite = Date.now();
      let firstMs: number | null = null;
      const span = job.fromMs !== null && job.toMs !== null ? job.toMs - job.fromMs : null;
      const snapshot = (): JobProgress => {
        const s = pipeline.stats();
        return { progress: Math.min(0.999, Math.max(p.progress, readerProgress)), frames: s.frames, events: s.events, tracks: s.tracks, mediaMs: p.mediaMs };
      };
      current = snapshot;
      const frames = this.o.reader({ source: job.cameraId ?? job.id, pieces: work.pieces, fps: built.fps, maxSide: built.maxSide, fromMs: job.fromMs ?? undefined, toMs: job.toMs ?? undefined, signal: abort.signal, onProgress: (x) => (readerProgress = x) });
      for await (const frame of frames) {
        if (abort.signal.aborted) break;
        await pipeline.process(frame);
        firstMs ??= frame.tMs;
        p.mediaMs = frame.tMs - (job.fromMs ?? firstMs);
        if (span) p.progress = Math.max(p.progress, (frame.tMs - job.fromMs!) / span);
        if (Date.now() - lastWrite >= (this.o.progressEveryMs ?? 1000)) {
          lastWrite = Date.now();
          p = snapshot();
          await repo().progress(job.id, p);
          await this.publish(e, 'running', p);
        }
      }
      if (abort.signal.aborted) throw abort.signal.reason instanceof Error ? abort.signal.reason : new Error('cancelled');
      await pipeline.flush();
      await this.o.settle?.();
      p = { ...snapshot(), progress: 1 };
      await this.end(e, 'done', p);
      log.info({ frames: p.frames, events: p.events, tracks: p.tracks, mediaMs: p.mediaMs }, 'analysis job done');
    } catch (err) {
      p = current?.() ?? p; // what was done up to the failure or the cancel stays visible
      if (abort.signal.aborted) {
        const shutdown = isShutdown(abort.signal);
        await this.end(e, shutdown ? 'failed' : 'cancelled', p, shutdown ? 'interrupted: the server stopped while this job was running; create it again' : undefined);
      } else {
        log.warn({ err: errorMessage(err) }, 'analysis job failed');
        await this.end(e, 'failed', p, errorMessage(err));
      }
    } finally {
      release();
    }
  }

  private async end(e: Entry, state: 'done' | 'failed' | 'cancelled', p: JobProgress, error?: string): Promise<void> {
    try {
      const repo = new AnalysisJobRepository(this.o.store.db);
      if (await repo.finish(e.job.id, state, this.o.clock.now(), p, error)) {
        await e.work.onEnd?.(e.job, state, p, error);
        await this.publish(e, state, p, error);
        return;
      }
      // Ended by someone else (cancelled through the API): keep what was done, tell the watchers.
      await repo.settleCounts(e.job.id, p);
      const row = await repo.get(e.job.id);
      if (row) await this.publish(e, row.state, { ...p, progress: row.progress }, row.error);
      if (row && (row.state === 'cancelled' || row.state === 'failed' || row.state === 'done')) await e.work.onEnd?.(e.job, row.state, p, row.error ?? undefined);
    } catch (err) {
      this.o.log.error({ jobId: e.job.id, err: errorMessage(err) }, 'could not record the end of an analysis job; the next start-up marks it failed');
    }
  }

  private async publish(e: Entry, state: string, p: JobProgress, error?: string | null): Promise<void> {
    const data: DomainEventMap['analysis.job_progress'] = {
      jobId: e.job.id, cameraId: e.job.cameraId, ...(e.work.owner ? { owner: e.work.owner, district: e.work.district } : {}),
      state, progress: Math.round(p.progress * 1000) / 1000, frames: p.frames, events: p.events, tracks: p.tracks, ...(error ? { error } : {}),
    };
    await this.o.bus.publish('analysis.job_progress', data).catch((err: unknown) => this.o.log.warn({ jobId: e.job.id, err: errorMessage(err) }, 'job progress could not be published'));
  }
}
