import { randomUUID } from 'node:crypto';
import { authorize } from '../auth/guard';
import type { ActionContext, AuditAppender } from '../core/context';
import { ConflictError, NotFoundError, ValidationError } from '../core/errors';
import type { Clock } from '../core/time';
import { addEvent } from '../events/outbox';
import type { Db, Store } from '../store/store';
import { AlertRepository } from './alert.repository';
import type { Alert, AlertFilter, AlertNote, AlertState, Page } from './types';

export const NOTE_MAX_CHARS = 4000;

export type AlertWithNotes = Alert & { notes: AlertNote[] };

/**
 * Alerts for operators: read with 'analytics.read', acknowledge / annotate / close with
 * 'alert.manage', each in the caller's scope (out of scope = 404). Every change is audited and
 * published ('alert.updated') in the same transaction.
 */
export class AlertService {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditAppender,
    private readonly clock: Clock,
    private readonly afterCommit: () => void = () => undefined,
  ) {}

  async list(ctx: ActionContext, filter: AlertFilter, limit: number, cursor?: string): Promise<Page<Alert>> {
    const scopes = authorize(ctx, 'analytics.read');
    return new AlertRepository(this.store.db).list(filter, scopes, limit, cursor);
  }

  async get(ctx: ActionContext, id: string): Promise<AlertWithNotes> {
    const scopes = authorize(ctx, 'analytics.read');
    const repo = new AlertRepository(this.store.db);
    const alert = await repo.get(id, scopes);
    if (!alert) throw new NotFoundError('alert', id);
    return { ...alert, notes: await repo.notes(id) };
  }

  async acknowledge(ctx: ActionContext, id: string): Promise<AlertWithNotes> {
    return this.change(ctx, id, 'acknowledged', async (tx, alert, by, now) => {
      if (!(await new AlertRepository(tx).transition(id, ['open'], { state: 'acknowledged', acknowledged_by: by, acknowledged_at: now, updated_at: now }))) {
        throw new ConflictError('alert_not_open', `Alert '${id}' is ${alert.state}: only an open alert can be acknowledged`, { state: alert.state });
      }
      return { details: {} };
    });
  }

  async addNote(ctx: ActionContext, id: string, text: string): Promise<AlertWithNotes> {
    const body = text.trim();
    if (!body) throw new ValidationError('text: the note is empty');
    if (body.length > NOTE_MAX_CHARS) throw new ValidationError(`text: at most ${NOTE_MAX_CHARS} characters (got ${body.length})`);
    return this.change(ctx, id, 'note', async (tx, _alert, by, now) => {
      const noteId = randomUUID();
      const repo = new AlertRepository(tx);
      await repo.addNote({ id: noteId, alertId: id, author: by, text: body, createdAt: now });
      await repo.touch(id, now);
      // The note itself stays with the alert; the audit trail records that it was written.
      return { details: { noteId, chars: body.length } };
    });
  }

  async close(ctx: ActionContext, id: string): Promise<AlertWithNotes> {
    return this.change(ctx, id, 'closed', async (tx, alert, by, now) => {
      if (!(await new AlertRepository(tx).transition(id, ['open', 'acknowledged'], { state: 'closed', closed_by: by, closed_at: now, updated_at: now }))) {
        throw new ConflictError('alert_closed', `Alert '${id}' is already ${alert.state}`, { state: alert.state });
      }
      return { details: {} };
    });
  }

  private async change(
    ctx: ActionContext,
    id: string,
    change: 'acknowledged' | 'note' | 'closed',
    apply: (tx: Db, alert: Alert, by: string, now: number) => Promise<{ details: Record<string, unknown> }>,
  ): Promise<AlertWithNotes> {
    const scopes = authorize(ctx, 'alert.manage');
    const by = ctx.principal?.username ?? ctx.systemActor ?? 'system';
    const now = this.clock.now();
    await this.store.transaction(async (tx) => {
      const alert = await new AlertRepository(tx).get(id, scopes);
      if (!alert) throw new NotFoundError('alert', id);
      const { details } = await apply(tx, alert, by, now);
      const state: AlertState = change === 'note' ? alert.state : change;
      const action = change === 'acknowledged' ? 'alert.acknowledge' : change === 'note' ? 'alert.note' : 'alert.close';
      await this.audit.record(tx, ctx, { action, targetType: 'alert', targetId: id, cameraIds: [alert.cameraId], details: { ...details, severity: alert.severity, eventId: alert.eventId } });
      await addEvent(tx, 'alert.updated', {
        alertId: id, eventId: alert.eventId, cameraId: alert.cameraId, owner: alert.owner, district: alert.district, severity: alert.severity, title: alert.title, state, change, by,
      }, now);
    });
    this.afterCommit();
    return this.get({ ...ctx, principal: null }, id);
  }
}
