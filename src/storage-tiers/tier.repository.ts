import type { Db } from '../store/store';

/** A segment due to move to a colder tier (path relative to its storage root). */
export interface TierCandidate {
  id: number;
  cameraId: string;
  storage: string;
  path: string;
  endMs: number;
  bytes: number;
  sha256: string;
}

/** The storage-tier queries on `segments`: due segments, the one-row relocation, a row's current place. */
export class TierRepository {
  constructor(private readonly db: Db) {}

  /** Segments of `node` on `storage` that ended before `cutoffMs`, oldest first (ids in `exclude` skipped: known failures). */
  async due(o: { node: string; storage: string; cutoffMs: number; limit: number; exclude?: number[] }): Promise<Array<TierCandidate & { startMs: number }>> {
    const skip = o.exclude ?? [];
    const rows = await this.db
      .selectFrom('segments')
      .select(['id', 'camera_id', 'storage', 'path', 'start_ms', 'end_ms', 'bytes', 'sha256'])
      .where('node', '=', o.node)
      .where('storage', '=', o.storage)
      .where('end_ms', '<', o.cutoffMs)
      .$if(skip.length > 0, (q) => q.where('id', 'not in', skip))
      .orderBy('start_ms')
      .orderBy('id')
      .limit(o.limit)
      .execute();
    return rows.map((r) => ({ id: Number(r.id), cameraId: r.camera_id, storage: r.storage, path: r.path, startMs: Number(r.start_ms), endMs: Number(r.end_ms), bytes: Number(r.bytes), sha256: r.sha256 }));
  }

  /**
   * Points the index row at its new place, only if it still points at the old one (retention may have deleted
   * it, or another mover moved it, meanwhile). True when this call moved it.
   */
  async relocate(id: number, from: { storage: string; path: string }, to: { storage: string; path: string }): Promise<boolean> {
    const r = await this.db
      .updateTable('segments')
      .set({ storage: to.storage, path: to.path })
      .where('id', '=', id)
      .where('storage', '=', from.storage)
      .where('path', '=', from.path)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Whether a row points at (storage, path). */
  async indexedAt(storage: string, path: string): Promise<boolean> {
    return (await this.db.selectFrom('segments').select('id').where('storage', '=', storage).where('path', '=', path).executeTakeFirst()) !== undefined;
  }

  /** Where the index says a segment is now (undefined: the row is gone). */
  async place(id: number): Promise<{ storage: string; path: string } | undefined> {
    return this.db.selectFrom('segments').select(['storage', 'path']).where('id', '=', id).executeTakeFirst();
  }
}
