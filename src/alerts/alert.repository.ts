import type { Scope } from '../auth/permissions';
import type { Database } from '../store/schema';
import type { Db } from '../store/store';
import { decodeCursor, encodeCursor, scopeSql } from './query';
import { severitiesFrom, type Alert, type AlertFilter, type AlertNote, type AlertState, type Page, type Severity } from './types';

export type AlertRow = Database['alerts'];

export function toAlert(r: AlertRow): Alert {
  return {
    id: r.id,
    eventId: r.event_id,
    cameraId: r.camera_id,
    owner: r.owner,
    district: r.district,
    severity: r.severity as Severity,
    state: r.state as AlertState,
    title: r.title,
    createdAt: Number(r.created_at),
    acknowledgedBy: r.acknowledged_by,
    acknowledgedAt: r.acknowledged_at === null ? null : Number(r.acknowledged_at),
    closedBy: r.closed_by,
    closedAt: r.closed_at === null ? null : Number(r.closed_at),
    updatedAt: Number(r.updated_at),
  };
}

/** Alerts and their notes. Every read takes the caller's scopes. */
export class AlertRepository {
  constructor(private readonly db: Db) {}

  async insert(row: AlertRow): Promise<void> {
    await this.db.insertInto('alerts').values(row).execute();
  }

  async get(id: string, scopes: Scope[]): Promise<Alert | undefined> {
    const r = await this.db.selectFrom('alerts').selectAll().where('id', '=', id).where(scopeSql(scopes, 'alerts')).executeTakeFirst();
    return r ? toAlert(r) : undefined;
  }

  /**
   * Changes the alert only if it is still in one of `from` states (compare-and-set, so two operators
   * acknowledging at once cannot both succeed); returns whether it changed.
   */
  async transition(id: string, from: AlertState[], set: Partial<AlertRow>): Promise<boolean> {
    const r = await this.db.updateTable('alerts').set(set).where('id', '=', id).where('state', 'in', from).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async touch(id: string, at: number): Promise<void> {
    await this.db.updateTable('alerts').set({ updated_at: at }).where('id', '=', id).execute();
  }

  /** Newest first, keyset-paginated on (created_at, id). */
  async list(filter: AlertFilter, scopes: Scope[], limit: number, cursor?: string): Promise<Page<Alert>> {
    let q = this.db.selectFrom('alerts').selectAll().where(scopeSql(scopes, 'alerts'));
    if (filter.state?.length) q = q.where('state', 'in', filter.state);
    if (filter.minSeverity !== undefined && filter.minSeverity !== 'info') q = q.where('severity', 'in', severitiesFrom(filter.minSeverity));
    if (filter.cameraId !== undefined) q = q.where('camera_id', '=', filter.cameraId);
    if (filter.fromMs !== undefined) q = q.where('created_at', '>=', filter.fromMs);
    if (filter.toMs !== undefined) q = q.where('created_at', '<', filter.toMs);
    if (cursor) {
      const c = decodeCursor(cursor);
      q = q.where((eb) => eb.or([eb('created_at', '<', c.at), eb.and([eb('created_at', '=', c.at), eb('id', '<', c.id)])]));
    }
    const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
    const items = rows.slice(0, limit).map(toAlert);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > limit && last ? encodeCursor(last.createdAt, last.id) : null };
  }

  async addNote(note: AlertNote): Promise<void> {
    await this.db.insertInto('alert_notes').values({ id: note.id, alert_id: note.alertId, author: note.author, text: note.text, created_at: note.createdAt }).execute();
  }

  async notes(alertId: string): Promise<AlertNote[]> {
    const rows = await this.db.selectFrom('alert_notes').selectAll().where('alert_id', '=', alertId).orderBy('created_at').orderBy('id').limit(1000).execute();
    return rows.map((r) => ({ id: r.id, alertId: r.alert_id, author: r.author, text: r.text, createdAt: Number(r.created_at) }));
  }
}
