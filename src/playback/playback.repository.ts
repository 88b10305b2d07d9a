import type { Db } from '../store/store';
import type { Gap } from './timeline';

export interface SegmentTimes {
  id: number;
  startMs: number;
  endMs: number;
}

/**
 * What playback reads from the index: segment times (light: no keyframe lists, no corrupt
 * segments) and recording gaps. Read-only — the recorder writes both tables.
 */
export class PlaybackRepository {
  constructor(private readonly db: Db) {}

  /** Playable segments of a camera overlapping [fromMs, toMs), oldest first (at most `limit`). */
  async segmentTimes(cameraId: string, fromMs: number, toMs: number, limit: number): Promise<SegmentTimes[]> {
    const rows = await this.db
      .selectFrom('segments')
      .select(['id', 'start_ms', 'end_ms'])
      .where('camera_id', '=', cameraId)
      .where('start_ms', '<', toMs)
      .where('end_ms', '>', fromMs)
      .where('status', '!=', 'corrupt')
      .orderBy('start_ms')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ id: Number(r.id), startMs: Number(r.start_ms), endMs: Number(r.end_ms) }));
  }

  /** Gaps of a camera overlapping [fromMs, toMs); an open gap (end null) lasts until now. */
  async gaps(cameraId: string, fromMs: number, toMs: number, limit = 10_000): Promise<Gap[]> {
    const rows = await this.db
      .selectFrom('recording_gaps')
      .select(['start_ms', 'end_ms', 'reason'])
      .where('camera_id', '=', cameraId)
      .where('start_ms', '<', toMs)
      .where((eb) => eb.or([eb('end_ms', 'is', null), eb('end_ms', '>', fromMs)]))
      .orderBy('start_ms')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ startMs: Number(r.start_ms), endMs: r.end_ms === null ? null : Number(r.end_ms), reason: r.reason }));
  }
}
