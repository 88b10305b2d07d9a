import type { Database } from '../store/schema';
import type { Db } from '../store/store';
import type { Case } from './model';

type Row = Database['cases'];

function toCase(r: Row): Case {
  return {
    ref: r.ref, purpose: r.purpose, authorisedUsers: JSON.parse(r.authorised_users) as Case['authorisedUsers'], expiresAt: r.expires_at,
    status: r.status === 'closed' ? 'closed' : 'open', createdBy: r.created_by_name, createdAt: r.created_at,
    closedAt: r.closed_at, closedBy: r.closed_by, closeReason: r.close_reason,
  };
}

/** Cases (`cases`) and the journey steps decided in them (`case_journey_steps`). */
export class CaseRepository {
  constructor(private readonly db: Db) {}

  async get(ref: string): Promise<(Case & { createdById: string }) | undefined> {
    const r = await this.db.selectFrom('cases').selectAll().where('ref', '=', ref).executeTakeFirst();
    return r ? { ...toCase(r), createdById: r.created_by } : undefined;
  }

  /** Cases a user is authorised for (all cases when `userId` is null), newest first. */
  async list(userId: string | null, limit: number): Promise<Case[]> {
    let q = this.db.selectFrom('cases').selectAll();
    // The JSON array holds {"id":"…"} objects; ids are UUIDs, so the quoted id cannot match anything else.
    if (userId !== null) q = q.where('authorised_users', 'like', `%"id":${JSON.stringify(userId)}%`);
    return (await q.orderBy('created_at', 'desc').orderBy('ref').limit(limit).execute()).map(toCase);
  }

  async insert(c: Case, createdById: string): Promise<void> {
    await this.db.insertInto('cases').values({
      ref: c.ref, purpose: c.purpose, authorised_users: JSON.stringify(c.authorisedUsers), expires_at: c.expiresAt, status: c.status,
      created_by: createdById, created_by_name: c.createdBy, created_at: c.createdAt, closed_at: null, closed_by: null, close_reason: null,
    }).execute();
  }

  async close(ref: string, by: string, reason: string, at: number): Promise<void> {
    await this.db.updateTable('cases').set({ status: 'closed', closed_at: at, closed_by: by, close_reason: reason }).where('ref', '=', ref).execute();
  }
}

export interface JourneyStep {
  id: string;
  caseRef: string;
  fromTrackId: string;
  toTrackId: string;
  decision: 'confirmed' | 'rejected';
  similarity: number | null;
  plausibility: number | null;
  reachable: boolean;
  decidedBy: string;
  decidedAt: number;
}

/** Journey steps an investigator decided in a case (`case_journey_steps`). */
export class JourneyStepRepository {
  constructor(private readonly db: Db) {}

  async insert(s: JourneyStep): Promise<void> {
    await this.db.insertInto('case_journey_steps').values({
      id: s.id, case_ref: s.caseRef, from_track_id: s.fromTrackId, to_track_id: s.toTrackId, decision: s.decision, similarity: s.similarity,
      plausibility: s.plausibility, reachable: s.reachable ? 1 : 0, decided_by: s.decidedBy, decided_at: s.decidedAt,
    }).execute();
  }

  async list(caseRef: string): Promise<JourneyStep[]> {
    const rows = await this.db.selectFrom('case_journey_steps').selectAll().where('case_ref', '=', caseRef).orderBy('decided_at').orderBy('id').execute();
    return rows.map((r) => ({
      id: r.id, caseRef: r.case_ref, fromTrackId: r.from_track_id, toTrackId: r.to_track_id, decision: r.decision === 'rejected' ? 'rejected' : 'confirmed',
      similarity: r.similarity === null ? null : Number(r.similarity), plausibility: r.plausibility === null ? null : Number(r.plausibility),
      reachable: r.reachable === 1, decidedBy: r.decided_by, decidedAt: Number(r.decided_at),
    }));
  }
}
