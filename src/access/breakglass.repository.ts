import type { Database } from '../store/schema';
import type { Db } from '../store/store';
import type { BreakGlass, BreakGlassStatus } from './model';

type Row = Database['break_glass'];

function toBreakGlass(r: Row, now: number): BreakGlass {
  return {
    id: r.id, userId: r.user_id, username: r.username, reason: r.reason, startedAt: Number(r.started_at), expiresAt: Number(r.expires_at),
    active: Number(r.expires_at) > now, reviewStatus: r.review_status as BreakGlassStatus, reviewedBy: r.reviewed_by,
    reviewedAt: r.reviewed_at === null ? null : Number(r.reviewed_at), reviewNote: r.review_note,
  };
}

/** Break-glass uses and their review (`break_glass`). */
export class BreakGlassRepository {
  constructor(private readonly db: Db) {}

  async insert(b: BreakGlass): Promise<void> {
    await this.db.insertInto('break_glass').values({
      id: b.id, user_id: b.userId, username: b.username, reason: b.reason, started_at: b.startedAt, expires_at: b.expiresAt,
      review_status: b.reviewStatus, reviewed_by: null, reviewed_at: null, review_note: null,
    }).execute();
  }

  /** The user's break-glass that is still running at `now` (the latest), if any. */
  async active(userId: string, now: number): Promise<BreakGlass | undefined> {
    const r = await this.db.selectFrom('break_glass').selectAll().where('user_id', '=', userId).where('expires_at', '>', now).orderBy('expires_at', 'desc').executeTakeFirst();
    return r ? toBreakGlass(r, now) : undefined;
  }

  async get(id: string, now: number): Promise<BreakGlass | undefined> {
    const r = await this.db.selectFrom('break_glass').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toBreakGlass(r, now) : undefined;
  }

  /** Newest first; `status` narrows to one review state. */
  async list(status: BreakGlassStatus | undefined, limit: number, now: number): Promise<BreakGlass[]> {
    let q = this.db.selectFrom('break_glass').selectAll();
    if (status) q = q.where('review_status', '=', status);
    return (await q.orderBy('started_at', 'desc').orderBy('id').limit(limit).execute()).map((r) => toBreakGlass(r, now));
  }

  async review(id: string, status: BreakGlassStatus, by: string, note: string, at: number): Promise<void> {
    await this.db.updateTable('break_glass').set({ review_status: status, reviewed_by: by, reviewed_at: at, review_note: note }).where('id', '=', id).execute();
  }
}
