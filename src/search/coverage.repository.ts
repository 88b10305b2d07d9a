import type { Db } from '../store/store';
import type { Span } from './spans';

export interface AnalysedJob {
  id: string;
  state: string;
  progress: number;
  fromMs: number;
  toMs: number;
  /** Footage analysed so far, from fromMs (media time). */
  mediaMs: number;
}

/**
 * Reads and writes `search_coverage` (live analysis spans) and reads the camera's recorded-footage
 * analysis jobs (`analysis_jobs`, written by src/analytics) for the coverage report.
 */
export class CoverageRepository {
  constructor(private readonly db: Db) {}

  async insertSpan(s: { id: string; cameraId: string; node: string; fromMs: number; toMs: number }): Promise<void> {
    await this.db.insertInto('search_coverage').values({ id: s.id, camera_id: s.cameraId, node: s.node, from_ms: s.fromMs, to_ms: s.toMs }).execute();
  }

  async extendSpan(id: string, toMs: number): Promise<void> {
    await this.db.updateTable('search_coverage').set({ to_ms: toMs }).where('id', '=', id).execute();
  }

  /** Live spans of a camera overlapping [from, to). */
  async liveSpans(cameraId: string, from: number, to: number): Promise<Span[]> {
    const rows = await this.db.selectFrom('search_coverage').select(['from_ms', 'to_ms']).where('camera_id', '=', cameraId)
      .where('from_ms', '<', to).where('to_ms', '>', from).orderBy('from_ms').execute();
    return rows.map((r) => ({ startMs: Number(r.from_ms), endMs: Number(r.to_ms) }));
  }

  /** Analysis jobs over this camera's recordings that overlap [from, to) (uploaded files belong to no camera). */
  async jobs(cameraId: string, from: number, to: number): Promise<AnalysedJob[]> {
    const rows = await this.db.selectFrom('analysis_jobs').select(['id', 'state', 'progress', 'from_ms', 'to_ms', 'media_ms'])
      .where('camera_id', '=', cameraId).where('from_ms', '<', to).where('to_ms', '>', from).orderBy('created_at').limit(1000).execute();
    return rows.filter((r) => r.from_ms !== null && r.to_ms !== null).map((r) => ({
      id: r.id, state: r.state, progress: Number(r.progress), fromMs: Number(r.from_ms), toMs: Number(r.to_ms), mediaMs: Number(r.media_ms),
    }));
  }
}
