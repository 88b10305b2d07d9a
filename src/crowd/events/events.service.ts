import { randomUUID } from 'node:crypto';
import { authorize } from '../../auth/guard';
import type { Scope } from '../../auth/permissions';
import type { Camera } from '../../cameras/camera.model';
import { CameraRepository } from '../../cameras/camera.repository';
import type { ActionContext, AuditAppender } from '../../core/context';
import { NotFoundError, ValidationError } from '../../core/errors';
import type { Clock } from '../../core/time';
import type { Db, Store } from '../../store/store';
import { CrowdRepository } from '../crowd.repository';
import type { CrowdEvent, CrowdEventInput } from '../model';
import { buildReport, reportCsv, reportPdf, type EventReport } from './report';

const MAX_EVENT_MS = 31 * 86_400_000;
const MAX_ROWS = 100_000;

/**
 * Event mode: a public event (name, cameras, time window) and its report. An event is seen by whoever
 * may read crowd data of at least one of its cameras, and only with those cameras (the rest look absent).
 */
export class CrowdEventService {
  constructor(private readonly store: Store, private readonly audit: AuditAppender, private readonly clock: Clock) {}

  async create(ctx: ActionContext, input: CrowdEventInput): Promise<CrowdEvent> {
    const scopes = authorize(ctx, 'crowd.manage');
    check(input);
    const now = this.clock.now();
    const e: CrowdEvent = { ...input, cameraIds: [...new Set(input.cameraIds)], id: randomUUID(), createdBy: ctx.principal?.userId ?? ctx.systemActor ?? 'system', createdAt: now, updatedAt: now };
    await this.store.transaction(async (tx) => {
      await this.cameras(tx, e.cameraIds, scopes, true);
      await new CrowdRepository(tx).insertEvent(e);
      await this.audit.record(tx, ctx, { action: 'crowd.event_create', targetType: 'crowd_event', targetId: e.id, cameraIds: e.cameraIds, details: { name: e.name, startsAt: e.startsAt, endsAt: e.endsAt } });
    });
    return e;
  }

  async update(ctx: ActionContext, id: string, patch: Partial<CrowdEventInput>): Promise<CrowdEvent> {
    const scopes = authorize(ctx, 'crowd.manage');
    const now = this.clock.now();
    return this.store.transaction(async (tx) => {
      const cur = await this.visible(tx, id, scopes);
      const next: CrowdEvent = { ...cur, ...definedOnly(patch), updatedAt: now };
      next.cameraIds = [...new Set(next.cameraIds)];
      check(next);
      await this.cameras(tx, next.cameraIds, scopes, true);
      await new CrowdRepository(tx).updateEvent(next);
      await this.audit.record(tx, ctx, { action: 'crowd.event_update', targetType: 'crowd_event', targetId: id, cameraIds: next.cameraIds, details: { fields: Object.keys(definedOnly(patch)) } });
      return next;
    });
  }

  async list(ctx: ActionContext): Promise<CrowdEvent[]> {
    const scopes = authorize(ctx, 'crowd.read');
    const out: CrowdEvent[] = [];
    for (const e of await new CrowdRepository(this.store.db).events()) {
      const cams = await this.cameras(this.store.db, e.cameraIds, scopes, false);
      if (cams.length) out.push({ ...e, cameraIds: cams.map((c) => c.id) });
    }
    return out;
  }

  async get(ctx: ActionContext, id: string): Promise<CrowdEvent> {
    return this.visible(this.store.db, id, authorize(ctx, 'crowd.read'));
  }

  async report(ctx: ActionContext, id: string, format: 'json' | 'csv' | 'pdf'): Promise<{ json?: EventReport; body?: string | Uint8Array; contentType: string }> {
    const scopes = authorize(ctx, 'crowd.read');
    const e = await this.visible(this.store.db, id, scopes);
    const cams = await this.cameras(this.store.db, e.cameraIds, scopes, false);
    const repo = new CrowdRepository(this.store.db);
    const ids = cams.map((c) => c.id);
    // Per camera, at most MAX_ROWS rows (≈ 11 days of 10 s buckets); a camera cut short is flagged `truncated`.
    const rows = [];
    const truncated = new Set<string>();
    for (const id of ids) {
      const mine = await repo.series([id], e.startsAt, e.endsAt, true, MAX_ROWS);
      if (mine.length >= MAX_ROWS) truncated.add(id);
      rows.push(...mine);
    }
    const alerts = (await repo.alertEvents(ids, e.startsAt, e.endsAt)).map((a) => ({
      at: a.at, cameraId: a.cameraId, type: a.type, severity: a.severity, zone: a.zone, level: typeof a.detail.level === 'string' ? a.detail.level : null,
    }));
    const report = buildReport(e, cams.map((c) => ({ id: c.id, name: c.name, truncated: truncated.has(c.id) })), rows, alerts, this.clock.now());
    await this.audit.recordStandalone(ctx, { action: 'crowd.event_report', targetType: 'crowd_event', targetId: id, cameraIds: ids, details: { format } });
    if (format === 'json') return { json: report, contentType: 'application/json' };
    if (format === 'csv') return { body: reportCsv(report), contentType: 'text/csv; charset=utf-8' };
    return { body: await reportPdf(report), contentType: 'application/pdf' };
  }

  private async visible(db: Db, id: string, scopes: Scope[]): Promise<CrowdEvent> {
    const e = await new CrowdRepository(db).event(id);
    if (!e) throw new NotFoundError('crowd event', id);
    const cams = await this.cameras(db, e.cameraIds, scopes, false);
    if (!cams.length) throw new NotFoundError('crowd event', id);
    return { ...e, cameraIds: cams.map((c) => c.id) };
  }

  /** The cameras in scope; with `all`, every one must be (else 404 naming the first missing). */
  private async cameras(db: Db, ids: readonly string[], scopes: Scope[], all: boolean): Promise<Camera[]> {
    const out: Camera[] = [];
    for (const id of ids) {
      const c = await new CameraRepository(db).get(id, scopes);
      if (c) out.push(c);
      else if (all) throw new NotFoundError('camera', id);
    }
    return out;
  }
}

function check(e: CrowdEventInput): void {
  if (!(e.endsAt > e.startsAt)) throw new ValidationError('endsAt must be after startsAt', { field: 'endsAt' });
  if (e.endsAt - e.startsAt > MAX_EVENT_MS) throw new ValidationError('an event lasts at most 31 days; split longer ones', { field: 'endsAt' });
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
