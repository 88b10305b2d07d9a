import type { Scope } from '../auth/permissions';
import { scopeCondition } from '../cameras/camera.repository';
import type { Db } from '../store/store';

export const JOB_STATES = ['queued', 'running', 'done', 'failed', 'cancelled'] as const;
export type JobState = (typeof JOB_STATES)[number];

export interface JobOptions {
  fps: number;
  classes?: string[];
}

/** A recorded-footage analysis job as stored (times integer UTC ms). */
export interface AnalysisJob {
  id: string;
  cameraId: string | null;
  filePath: string | null;
  fileName: string | null;
  fromMs: number | null;
  toMs: number | null;
  state: JobState;
  progress: number;
  frames: number;
  events: number;
  tracks: number;
  mediaMs: number;
  options: JobOptions;
  node: string;
  error: string | null;
  createdBy: string;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
}

type Raw = {
  id: string; camera_id: string | null; file_path: string | null; file_name: string | null; from_ms: number | null; to_ms: number | null; state: string;
  progress: number; frames: number; events: number; tracks: number; media_ms: number; options: string; node: string; error: string | null;
  created_by: string; created_at: number; started_at: number | null; finished_at: number | null;
};

const num = (v: number | null) => (v === null ? null : Number(v));

function toJob(r: Raw): AnalysisJob {
  return {
    id: r.id, cameraId: r.camera_id, filePath: r.file_path, fileName: r.file_name, fromMs: num(r.from_ms), toMs: num(r.to_ms), state: r.state as JobState,
    progress: Number(r.progress), frames: Number(r.frames), events: Number(r.events), tracks: Number(r.tracks), mediaMs: Number(r.media_ms),
    options: JSON.parse(r.options) as JobOptions, node: r.node, error: r.error, createdBy: r.created_by, createdAt: Number(r.created_at),
    startedAt: num(r.started_at), finishedAt: num(r.finished_at),
  };
}

export interface JobProgress {
  progress: number;
  frames: number;
  events: number;
  tracks: number;
  mediaMs: number;
}

/** The only code that reads or writes `analysis_jobs`. */
export class AnalysisJobRepository {
  constructor(private readonly db: Db) {}

  async insert(j: AnalysisJob): Promise<void> {
    await this.db
      .insertInto('analysis_jobs')
      .values({
        id: j.id, camera_id: j.cameraId, file_path: j.filePath, file_name: j.fileName, from_ms: j.fromMs, to_ms: j.toMs, state: j.state, progress: j.progress,
        frames: j.frames, events: j.events, tracks: j.tracks, media_ms: j.mediaMs, options: JSON.stringify(j.options), node: j.node, error: j.error,
        created_by: j.createdBy, created_at: j.createdAt, started_at: j.startedAt, finished_at: j.finishedAt,
      })
      .execute();
  }

  async get(id: string): Promise<AnalysisJob | undefined> {
    const r = await this.db.selectFrom('analysis_jobs').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toJob(r) : undefined;
  }

  /**
   * Newest first. Camera jobs of cameras within `scopes` (null = every camera); file jobs (no
   * camera) only those created by `fileJobsOf`, or every one when `scopes` is null.
   */
  async list(o: { scopes: Scope[] | null; fileJobsOf: string | null; cameraId?: string; state?: JobState; limit: number; beforeCreatedAt?: number }): Promise<AnalysisJob[]> {
    let q = this.db.selectFrom('analysis_jobs').selectAll();
    if (o.state) q = q.where('state', '=', o.state);
    if (o.cameraId) q = q.where('camera_id', '=', o.cameraId);
    if (o.beforeCreatedAt !== undefined) q = q.where('created_at', '<', o.beforeCreatedAt);
    const scopes = o.scopes;
    if (scopes !== null) {
      const owner = o.fileJobsOf;
      q = q.where((eb) =>
        eb.or([
          eb('camera_id', 'in', eb.selectFrom('cameras').select('cameras.id').where((c) => scopeCondition(c, scopes))),
          ...(owner ? [eb.and([eb('camera_id', 'is', null), eb('created_by', '=', owner)])] : []),
        ]),
      );
    }
    const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(o.limit).execute();
    return rows.map(toJob);
  }

  async start(id: string, at: number): Promise<boolean> {
    const r = await this.db.updateTable('analysis_jobs').set({ state: 'running', started_at: at }).where('id', '=', id).where('state', '=', 'queued').executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async progress(id: string, p: JobProgress): Promise<void> {
    await this.db
      .updateTable('analysis_jobs')
      .set({ progress: p.progress, frames: p.frames, events: p.events, tracks: p.tracks, media_ms: p.mediaMs })
      .where('id', '=', id)
      .where('state', '=', 'running')
      .execute();
  }

  /** Ends a queued or running job; false when it had already ended. */
  async finish(id: string, state: 'done' | 'failed' | 'cancelled', at: number, p?: JobProgress, error?: string): Promise<boolean> {
    const r = await this.db
      .updateTable('analysis_jobs')
      .set({ state, finished_at: at, error: error?.slice(0, 2000) ?? null, ...(p ? { progress: p.progress, frames: p.frames, events: p.events, tracks: p.tracks, media_ms: p.mediaMs } : {}) })
      .where('id', '=', id)
      .where('state', 'in', ['queued', 'running'])
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** The counts of a job someone else ended (cancelled) while it ran: what it did stays visible. */
  async settleCounts(id: string, p: JobProgress): Promise<void> {
    await this.db
      .updateTable('analysis_jobs')
      .set({ frames: p.frames, events: p.events, tracks: p.tracks, media_ms: p.mediaMs, progress: p.progress })
      .where('id', '=', id)
      .where('state', '=', 'cancelled')
      .execute();
  }

  /** Jobs of `node` that have not ended (start-up recovery). */
  async unfinished(node: string): Promise<AnalysisJob[]> {
    const rows = await this.db.selectFrom('analysis_jobs').selectAll().where('node', '=', node).where('state', 'in', ['queued', 'running']).execute();
    return rows.map(toJob);
  }
}
