import { sql, type SqlBool } from 'kysely';
import { isUnrestricted, type Scope } from '../auth/permissions';
import { scopeCondition } from '../cameras/camera.repository';
import type { Database } from '../store/schema';
import type { Db } from '../store/store';
import type { Hold, HoldFilter } from './hold.model';

type Row = Database['legal_holds'] & { id: number };

function toHold(r: Row): Hold {
  return {
    id: Number(r.id), cameraId: r.camera_id, startMs: r.start_ms, endMs: r.end_ms, caseRef: r.case_ref, reason: r.reason, createdBy: r.created_by,
    createdAt: r.created_at, releasedAt: r.released_at, releasedBy: r.released_by, active: r.released_at === null,
  };
}

/** Key of the PostgreSQL advisory lock that orders hold placement against retention deletions. */
export const HOLD_LOCK_KEY = 727_301;

/** The `legal_holds` table. Reads are limited to cameras in the caller's scope (out of scope = absent). */
export class HoldRepository {
  constructor(private readonly db: Db) {}

  async insert(h: Omit<Row, 'id' | 'released_at' | 'released_by'>): Promise<number> {
    const r = await this.db.insertInto('legal_holds').values({ ...h, released_at: null, released_by: null }).returning('id').executeTakeFirstOrThrow();
    return Number(r.id);
  }

  async get(id: number, scopes: Scope[]): Promise<Hold | undefined> {
    const r = await this.scoped(scopes).where('legal_holds.id', '=', id).executeTakeFirst();
    return r ? toHold(r as Row) : undefined;
  }

  /** Newest first; keyset paging by id. */
  async list(filter: HoldFilter, scopes: Scope[], limit: number, beforeId?: number): Promise<Hold[]> {
    let q = this.scoped(scopes);
    if (filter.cameraId) q = q.where('legal_holds.camera_id', '=', filter.cameraId);
    if (filter.active === true) q = q.where('legal_holds.released_at', 'is', null);
    if (filter.active === false) q = q.where('legal_holds.released_at', 'is not', null);
    if (beforeId !== undefined) q = q.where('legal_holds.id', '<', beforeId);
    const rows = await q.orderBy('legal_holds.id', 'desc').limit(limit).execute();
    return rows.map((r) => toHold(r as Row));
  }

  /** Marks a hold released; false if it was released already (a concurrent release). */
  async release(id: number, by: string, at: number): Promise<boolean> {
    const r = await this.db.updateTable('legal_holds').set({ released_at: at, released_by: by }).where('id', '=', id).where('released_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Segments indexed in the hold's range right now. */
  async coverage(cameraId: string, startMs: number, endMs: number): Promise<{ segments: number; bytes: number }> {
    const r = await this.db
      .selectFrom('segments')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('bytes').as('bytes')])
      .where('camera_id', '=', cameraId)
      .where('start_ms', '<', endMs)
      .where('end_ms', '>', startMs)
      .executeTakeFirst();
    return { segments: Number(r?.n ?? 0), bytes: Number(r?.bytes ?? 0) };
  }

  /** Of the given segment ids, those overlapping an active hold (the authoritative check, run in the deleting transaction). */
  async heldAmong(segmentIds: number[]): Promise<Set<number>> {
    const out = new Set<number>();
    for (let i = 0; i < segmentIds.length; i += 500) {
      const rows = await this.db
        .selectFrom('segments as s')
        .select('s.id')
        .where('s.id', 'in', segmentIds.slice(i, i + 500))
        .where(HELD)
        .execute();
      for (const r of rows) out.add(Number(r.id));
    }
    return out;
  }

  /** On PostgreSQL: serialises hold placement (exclusive) against deleting transactions (shared). SQLite has one writer anyway. */
  static async lock(tx: Db, engine: 'sqlite' | 'postgres', mode: 'place' | 'delete'): Promise<void> {
    if (engine !== 'postgres') return;
    if (mode === 'place') await sql`select pg_advisory_xact_lock(${HOLD_LOCK_KEY})`.execute(tx);
    else await sql`select pg_advisory_xact_lock_shared(${HOLD_LOCK_KEY})`.execute(tx);
  }

  private scoped(scopes: Scope[]) {
    const q = this.db.selectFrom('legal_holds').selectAll('legal_holds');
    if (isUnrestricted(scopes)) return q; // holds on cameras since removed stay visible to the unrestricted
    return q.innerJoin('cameras', 'cameras.id', 'legal_holds.camera_id').where((eb) => scopeCondition(eb as never, scopes));
  }
}

/** Conditions on a segment aliased `s`: it overlaps an active hold of its camera (or not). Portable SQL, both engines. */
const OVERLAP = sql`select 1 from legal_holds h where h.camera_id = s.camera_id and h.released_at is null and h.start_ms < s.end_ms and h.end_ms > s.start_ms`;
export const HELD = sql<SqlBool>`exists (${OVERLAP})`;
export const NOT_HELD = sql<SqlBool>`not exists (${OVERLAP})`;
