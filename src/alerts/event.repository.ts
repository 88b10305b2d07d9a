import type { Scope } from '../auth/permissions';
import type { Box } from '../detect/types';
import type { Database } from '../store/schema';
import type { Db } from '../store/store';
import { decodeCursor, encodeCursor, scopeSql } from './query';
import type { AnalyticsEvent, EventFilter, EventKind, Page, Severity } from './types';
import { ensureRowMonths, tableOf } from '../metadata/partitions';

export type EventRow = Database['analytics_events'];

export function toEvent(r: EventRow): AnalyticsEvent {
  return {
    id: r.id,
    cameraId: r.camera_id,
    owner: r.owner,
    district: r.district,
    kind: r.kind as EventKind,
    type: r.type,
    label: r.label,
    trackId: r.track_id,
    ruleId: r.rule_id,
    ruleName: r.rule_name,
    severity: r.severity as Severity,
    startedAt: Number(r.started_at),
    endedAt: r.ended_at === null ? null : Number(r.ended_at),
    score: r.score,
    box: r.box === null ? null : (JSON.parse(r.box) as Box),
    detail: JSON.parse(r.detail) as Record<string, unknown>,
    hasSnapshot: r.snapshot !== null,
    jobId: r.job_id,
    createdAt: Number(r.created_at),
  };
}

/** Stored analytics events (analytics_events). Every read takes the caller's scopes. */
export class AnalyticsEventRepository {
  constructor(private readonly db: Db) {}

  async insert(row: EventRow): Promise<void> {
    // PostgreSQL: analytics_events is partitioned by month of started_at (src/metadata); old footage may need one.
    await ensureRowMonths(this.db, tableOf('events'), [row.started_at]);
    await this.db.insertInto('analytics_events').values(row).execute();
  }

  /** The newest open 'appeared' event of a track (for its 'lost'), in the same job or live. */
  async openAppeared(cameraId: string, trackId: number, jobId: string | null, beforeMs: number): Promise<EventRow | undefined> {
    let q = this.db
      .selectFrom('analytics_events')
      .selectAll()
      .where('camera_id', '=', cameraId)
      .where('track_id', '=', trackId)
      .where('type', '=', 'appeared')
      .where('ended_at', 'is', null)
      .where('started_at', '<=', beforeMs);
    q = jobId === null ? q.where('job_id', 'is', null) : q.where('job_id', '=', jobId);
    return q.orderBy('started_at', 'desc').limit(1).executeTakeFirst();
  }

  async setEnded(id: string, endedAt: number): Promise<void> {
    await this.db.updateTable('analytics_events').set({ ended_at: endedAt }).where('id', '=', id).execute();
  }

  async get(id: string, scopes: Scope[]): Promise<EventRow | undefined> {
    return this.db.selectFrom('analytics_events').selectAll().where('id', '=', id).where(scopeSql(scopes, 'analytics_events')).executeTakeFirst();
  }

  /** Newest first, keyset-paginated on (started_at, id). */
  async list(filter: EventFilter, scopes: Scope[], limit: number, cursor?: string): Promise<Page<AnalyticsEvent>> {
    let q = this.db.selectFrom('analytics_events').selectAll().where(scopeSql(scopes, 'analytics_events'));
    if (filter.cameraId !== undefined) q = q.where('camera_id', '=', filter.cameraId);
    if (filter.fromMs !== undefined) q = q.where('started_at', '>=', filter.fromMs);
    if (filter.toMs !== undefined) q = q.where('started_at', '<', filter.toMs);
    if (filter.kind !== undefined) q = q.where('kind', '=', filter.kind);
    if (filter.type !== undefined) q = q.where('type', '=', filter.type);
    if (filter.label !== undefined) q = q.where('label', '=', filter.label);
    if (filter.ruleId !== undefined) q = q.where('rule_id', '=', filter.ruleId);
    if (filter.jobId !== undefined) q = q.where('job_id', '=', filter.jobId);
    if (cursor) {
      const c = decodeCursor(cursor);
      q = q.where((eb) => eb.or([eb('started_at', '<', c.at), eb.and([eb('started_at', '=', c.at), eb('id', '<', c.id)])]));
    }
    const rows = await q.orderBy('started_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
    const items = rows.slice(0, limit).map(toEvent);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > limit && last ? encodeCursor(last.startedAt, last.id) : null };
  }

  /** Forgets the snapshots of events stored before `beforeMs` (their files are deleted by day directory). */
  async clearSnapshotsBefore(beforeMs: number): Promise<number> {
    const r = await this.db.updateTable('analytics_events').set({ snapshot: null }).where('snapshot', 'is not', null).where('created_at', '<', beforeMs).executeTakeFirst();
    return Number(r.numUpdatedRows);
  }
}
