import type { Db } from '../store/store';

/** A recorded segment as the index knows it (times integer UTC ms; path relative to its storage root). */
export interface Segment {
  id: number;
  cameraId: string;
  node: string;
  storage: string;
  path: string;
  startMs: number;
  endMs: number;
  bytes: number;
  codec: string;
  width: number | null;
  height: number | null;
  /** Keyframe offsets in ms from startMs. */
  keyframes: number[];
  sha256: string;
  status: 'ok' | 'truncated' | 'corrupt';
  createdAt: number;
}

export type NewSegment = Omit<Segment, 'id'>;

/** No segment is longer than this (config allows at most 60 s; truncated runs are shorter). */
export const MAX_SEGMENT_MS = 10 * 60_000;

type Raw = {
  id: number; camera_id: string; node: string; storage: string; path: string; start_ms: number; end_ms: number; bytes: number;
  codec: string; width: number | null; height: number | null; keyframes: string; sha256: string; status: string; created_at: number;
};

function toSegment(r: Raw): Segment {
  return {
    id: Number(r.id), cameraId: r.camera_id, node: r.node, storage: r.storage, path: r.path, startMs: r.start_ms, endMs: r.end_ms,
    bytes: r.bytes, codec: r.codec, width: r.width, height: r.height, keyframes: JSON.parse(r.keyframes) as number[], sha256: r.sha256,
    status: r.status as Segment['status'], createdAt: r.created_at,
  };
}

/** The segment index: the only code that reads or writes the `segments` table. */
export class SegmentRepository {
  constructor(private readonly db: Db) {}

  /** Inserts segments; a (storage, path) already indexed is skipped, so re-indexing after an outage is safe. */
  async insertMany(segments: NewSegment[]): Promise<number> {
    let n = 0;
    for (let i = 0; i < segments.length; i += 200) {
      const r = await this.db
        .insertInto('segments')
        .values(
          segments.slice(i, i + 200).map((s) => ({
            camera_id: s.cameraId, node: s.node, storage: s.storage, path: s.path, start_ms: s.startMs, end_ms: s.endMs, bytes: s.bytes,
            codec: s.codec, width: s.width, height: s.height, keyframes: JSON.stringify(s.keyframes), sha256: s.sha256, status: s.status, created_at: s.createdAt,
          })),
        )
        .onConflict((oc) => oc.columns(['storage', 'path']).doNothing())
        .execute();
      n += r.reduce((sum, x) => sum + Number(x.numInsertedOrUpdatedRows ?? 0), 0);
    }
    return n;
  }

  /** Segments of a camera that overlap [fromMs, toMs), oldest first. */
  async inRange(cameraId: string, fromMs: number, toMs: number): Promise<Segment[]> {
    const rows = await this.db
      .selectFrom('segments')
      .selectAll()
      .where('camera_id', '=', cameraId)
      .where('start_ms', '<', toMs)
      .where('start_ms', '>', fromMs - MAX_SEGMENT_MS) // bounds the index range scan
      .where('end_ms', '>', fromMs)
      .orderBy('start_ms')
      .execute();
    return rows.map(toSegment);
  }

  /** Oldest segments first (for retention), optionally of one storage or camera, starting before `beforeMs`. */
  async oldest(opts: { storage?: string; cameraId?: string; beforeMs?: number; limit: number; afterId?: number }): Promise<Segment[]> {
    let q = this.db.selectFrom('segments').selectAll();
    if (opts.storage) q = q.where('storage', '=', opts.storage);
    if (opts.cameraId) q = q.where('camera_id', '=', opts.cameraId);
    if (opts.beforeMs !== undefined) q = q.where('start_ms', '<', opts.beforeMs);
    const rows = await q.orderBy('start_ms').orderBy('id').limit(opts.limit).execute();
    return rows.map(toSegment);
  }

  /** Just the time spans of a camera's segments overlapping [fromMs, toMs), oldest first (coverage reports). */
  async spans(cameraId: string, fromMs: number, toMs: number): Promise<Array<{ startMs: number; endMs: number }>> {
    const rows = await this.db
      .selectFrom('segments')
      .select(['start_ms', 'end_ms'])
      .where('camera_id', '=', cameraId)
      .where('start_ms', '>', fromMs - 3_600_000) // segments last at most a minute: keeps the (camera_id, start_ms) index bounded
      .where('start_ms', '<', toMs)
      .where('end_ms', '>', fromMs)
      .orderBy('start_ms')
      .execute();
    return rows.map((r) => ({ startMs: Number(r.start_ms), endMs: Number(r.end_ms) }));
  }

  async latest(cameraId: string): Promise<Segment | undefined> {
    const r = await this.db.selectFrom('segments').selectAll().where('camera_id', '=', cameraId).orderBy('start_ms', 'desc').limit(1).executeTakeFirst();
    return r ? toSegment(r) : undefined;
  }

  async byId(id: number): Promise<Segment | undefined> {
    const r = await this.db.selectFrom('segments').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toSegment(r) : undefined;
  }

  async delete(ids: number[]): Promise<void> {
    for (let i = 0; i < ids.length; i += 500) await this.db.deleteFrom('segments').where('id', 'in', ids.slice(i, i + 500)).execute();
  }

  /** Bytes recorded per storage (for quotas). */
  async bytesByStorage(): Promise<Map<string, number>> {
    const rows = await this.db.selectFrom('segments').select(['storage', (eb) => eb.fn.sum<number>('bytes').as('bytes')]).groupBy('storage').execute();
    return new Map(rows.map((r) => [r.storage, Number(r.bytes ?? 0)]));
  }

  /** Bytes recorded per camera. */
  async bytesOfCamera(cameraId: string): Promise<number> {
    const r = await this.db.selectFrom('segments').select((eb) => eb.fn.sum<number>('bytes').as('bytes')).where('camera_id', '=', cameraId).executeTakeFirst();
    return Number(r?.bytes ?? 0);
  }
}
