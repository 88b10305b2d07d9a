import type { ExpressionBuilder } from 'kysely';
import type { Database } from '../store/schema';
import type { Db } from '../store/store';
import { NOT_HELD } from './hold.repository';

/** A segment retention may delete (path relative to its storage root). */
export interface Candidate {
  id: number;
  cameraId: string;
  storage: string;
  path: string;
  startMs: number;
  endMs: number;
  bytes: number;
  sha256: string;
}

export type Rule = 'age' | 'owner_cap' | 'quota' | 'emergency';

/** Position in (start_ms, id) order, for keyset paging past segments that were skipped. */
export interface Position {
  startMs: number;
  id: number;
}

type S = ExpressionBuilder<Database & { s: Database['segments'] }, 's'>;

const COLUMNS = ['s.id', 's.camera_id', 's.storage', 's.path', 's.start_ms', 's.end_ms', 's.bytes', 's.sha256'] as const;

function toCandidate(r: { id: number; camera_id: string; storage: string; path: string; start_ms: number; end_ms: number; bytes: number; sha256: string }): Candidate {
  return { id: Number(r.id), cameraId: r.camera_id, storage: r.storage, path: r.path, startMs: r.start_ms, endMs: r.end_ms, bytes: Number(r.bytes), sha256: r.sha256 };
}

function after(eb: S, p: Position) {
  return eb.or([eb('s.start_ms', '>', p.startMs), eb.and([eb('s.start_ms', '=', p.startMs), eb('s.id', '>', p.id)])]);
}

/** Retention's queries on `segments` and `cameras`: candidates (never held ones), usage, deletion. */
export class RetentionRepository {
  constructor(private readonly db: Db) {}

  /** The next camera id with segments after `afterId` (a loose index scan: one cheap index probe per camera). */
  async nextCamera(afterId: string): Promise<string | undefined> {
    const r = await this.db.selectFrom('segments').select((eb) => eb.fn.min<string>('camera_id').as('c')).where('camera_id', '>', afterId).executeTakeFirst();
    return r?.c ?? undefined;
  }

  /** Per camera: its retention_days and its owner's cap (cameras that no longer exist are absent). */
  async policies(cameraIds: string[]): Promise<Map<string, { days: number | null; cap: number | null }>> {
    const out = new Map<string, { days: number | null; cap: number | null }>();
    if (!cameraIds.length) return out;
    const rows = await this.db
      .selectFrom('cameras')
      .leftJoin('organisations', 'organisations.id', 'cameras.owner')
      .select(['cameras.id', 'cameras.retention_days', 'organisations.retention_days_cap'])
      .where('cameras.id', 'in', cameraIds)
      .execute();
    for (const r of rows) out.set(r.id, { days: r.retention_days, cap: r.retention_days_cap });
    return out;
  }

  /** Unheld segments of a camera on this node's storages that ended at or before `cutoff`, oldest first. */
  async expired(o: { cameraId: string; cutoff: number; node: string; storages: string[]; limit: number; after?: Position }): Promise<Candidate[]> {
    let q = this.db
      .selectFrom('segments as s')
      .select(COLUMNS)
      .where('s.camera_id', '=', o.cameraId)
      .where('s.start_ms', '<', o.cutoff)
      .where('s.end_ms', '<=', o.cutoff)
      .where('s.node', '=', o.node)
      .where('s.storage', 'in', o.storages)
      .where(NOT_HELD);
    if (o.after) q = q.where((eb) => after(eb as S, o.after!));
    return (await q.orderBy('s.start_ms').orderBy('s.id').limit(o.limit).execute()).map(toCandidate);
  }

  /** Unheld segments of one storage (this node), oldest first. */
  async oldestOnStorage(o: { storage: string; node: string; limit: number; after?: Position }): Promise<Candidate[]> {
    let q = this.db.selectFrom('segments as s').select(COLUMNS).where('s.storage', '=', o.storage).where('s.node', '=', o.node).where(NOT_HELD);
    if (o.after) q = q.where((eb) => after(eb as S, o.after!));
    return (await q.orderBy('s.start_ms').orderBy('s.id').limit(o.limit).execute()).map(toCandidate);
  }

  async usedBytes(storage: string, node: string): Promise<number> {
    const r = await this.db.selectFrom('segments').select((eb) => eb.fn.sum<number>('bytes').as('b')).where('storage', '=', storage).where('node', '=', node).executeTakeFirst();
    return Number(r?.b ?? 0);
  }

  async heldBytes(storage: string, node: string): Promise<number> {
    const r = await this.db
      .selectFrom('segments as s')
      .select((eb) => eb.fn.sum<number>('s.bytes').as('b'))
      .where('s.storage', '=', storage)
      .where('s.node', '=', node)
      .where((eb) => eb.not(NOT_HELD))
      .executeTakeFirst();
    return Number(r?.b ?? 0);
  }

  /** Deletes index rows; returns the ids actually deleted (another process may have been first). */
  async deleteSegments(ids: number[]): Promise<Set<number>> {
    const out = new Set<number>();
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await this.db.deleteFrom('segments').where('id', 'in', ids.slice(i, i + 500)).returning('id').execute();
      for (const r of rows) out.add(Number(r.id));
    }
    return out;
  }

  /** Which of `paths` on `storage` are still indexed (for recovering files left in .trash by a crash). */
  async indexedPaths(storage: string, paths: string[]): Promise<Set<string>> {
    const out = new Set<string>();
    for (let i = 0; i < paths.length; i += 500) {
      const rows = await this.db.selectFrom('segments').select('path').where('storage', '=', storage).where('path', 'in', paths.slice(i, i + 500)).execute();
      for (const r of rows) out.add(r.path);
    }
    return out;
  }

  async recordDeletions(rows: Array<Candidate & { rule: Rule; at: number }>): Promise<void> {
    for (let i = 0; i < rows.length; i += 200) {
      await this.db
        .insertInto('retention_deletions')
        .values(rows.slice(i, i + 200).map((c) => ({ camera_id: c.cameraId, storage: c.storage, path: c.path, start_ms: c.startMs, end_ms: c.endMs, bytes: c.bytes, sha256: c.sha256, rule: c.rule, at: c.at })))
        .execute();
    }
  }
}
