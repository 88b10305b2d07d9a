import { randomUUID } from 'node:crypto';
import { CameraRepository } from '../cameras/camera.repository';
import { NotFoundError, errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import type { Clock } from '../core/time';
import type { Box, RgbImage } from '../detect/types';
import { addEvent } from '../events/outbox';
import { encodeJpeg } from '../media/jpeg';
import type { MediaTools } from '../media/ffmpeg';
import type { Db, Store } from '../store/store';
import type { TrackEvent } from '../track/types';
import { AlertRepository } from './alert.repository';
import { AnalyticsEventRepository, type EventRow } from './event.repository';
import { SnapshotStore } from './snapshot-store';
import type { RuleHit, Severity } from './types';

const DAY = 86_400_000;
const CAMERA_TTL_MS = 30_000;

export interface EventSinkOptions {
  /** Writes in progress beyond which new snapshots are skipped (the events are still stored). */
  snapshotPendingLimit?: number;
  /** Writes in progress beyond which new events are dropped (counted): the sink never queues without bound. */
  maxPending?: number;
  snapshotMaxSide?: number;
  snapshotQuality?: number;
  retentionDays?: number;
}

export interface EventSinkStats {
  eventsStored: number;
  alertsRaised: number;
  eventsDropped: number;
  snapshotsStored: number;
  snapshotsDropped: number;
  snapshotsFailed: number;
  pending: number;
}

/**
 * Where the analytics pipeline puts what it found: track 'appeared'/'lost' and rule hits become
 * stored events (with a JPEG snapshot), a rule hit that asks for it also an alert. Event row, alert
 * row and outbox events commit in one transaction; the snapshot is written before it, and a failed
 * snapshot costs only the snapshot. Events of recorded-footage jobs (jobId) are stored but neither
 * raise alerts nor go on the bus: they describe the past and arrive far faster than real time.
 */
export class EventSink {
  readonly stats: EventSinkStats = { eventsStored: 0, alertsRaised: 0, eventsDropped: 0, snapshotsStored: 0, snapshotsDropped: 0, snapshotsFailed: 0, pending: 0 };
  private readonly cameras = new Map<string, { owner: string; district: string; at: number }>();
  private readonly o: Required<EventSinkOptions>;

  constructor(
    private readonly deps: { store: Store; clock: Clock; log: Logger; tools: MediaTools; snapshots: SnapshotStore; afterCommit?: () => void },
    opts: EventSinkOptions = {},
  ) {
    this.o = { snapshotPendingLimit: 4, maxPending: 256, snapshotMaxSide: 640, snapshotQuality: 5, retentionDays: 30, ...opts };
  }

  /** Stores 'appeared' (a new event) and 'lost' (ends that event); 'updated' is not stored. Returns the event id, or null. */
  async recordTrackEvent(cameraId: string, ev: TrackEvent, snapshot?: RgbImage, jobId?: string): Promise<string | null> {
    if (ev.type === 'updated') return null;
    if (ev.type === 'lost') return this.guard(() => this.endTrack(cameraId, ev, jobId ?? null));
    const t = ev.track;
    return this.guard(() =>
      this.store(cameraId, snapshot ?? t.best?.crop, jobId ?? null, (id, scope, now) => ({
        row: {
          id, camera_id: cameraId, ...scope, kind: 'track', type: 'appeared', label: t.label, track_id: t.id, rule_id: null, rule_name: null,
          severity: 'info', started_at: t.firstMs, ended_at: null, score: t.score, box: JSON.stringify(t.box), detail: JSON.stringify({ hits: t.hits }),
          snapshot: null, job_id: jobId ?? null, created_at: now,
        },
      })),
    );
  }

  /** Stores a rule hit as an event, and an alert when `hit.alert` (live cameras only). Returns the event id, or null. */
  async recordRuleHit(cameraId: string, hit: RuleHit, snapshot?: RgbImage, jobId?: string): Promise<string | null> {
    const detail: Record<string, unknown> = { ...hit.detail };
    const box = boxOf(detail.box);
    return this.guard(() =>
      this.store(cameraId, snapshot, jobId ?? null, (id, scope, now) => ({
        row: {
          id, camera_id: cameraId, ...scope, kind: 'rule', type: ruleEventType(hit.kind, detail), label: hit.label, track_id: hit.trackId, rule_id: hit.ruleId, rule_name: hit.ruleName,
          severity: hit.severity, started_at: hit.tMs, ended_at: null, score: typeof detail.score === 'number' ? detail.score : null,
          box: box ? JSON.stringify(box) : null, detail: JSON.stringify(hit.detail), snapshot: null, job_id: jobId ?? null, created_at: now,
        },
        alert: hit.alert && !jobId ? { title: `${hit.ruleName}: ${hit.label}`, ruleId: hit.ruleId } : undefined,
      })),
    );
  }

  /**
   * An alerting event that comes from neither the tracker nor a rule (a hotlist match of a plate read,
   * src/plates/hotlists): stored as kind 'rule' of `type`, with `sourceId`/`sourceName` as rule id/name,
   * and an alert raised in the same transaction. Live cameras only. Returns the event id, or null (dropped).
   */
  async recordAlertEvent(
    cameraId: string,
    e: { type: string; label: string; sourceId: string; sourceName: string; severity: Severity; tMs: number; title: string; trackId?: number | null; detail: Record<string, unknown> },
    snapshot?: RgbImage,
  ): Promise<string | null> {
    return this.guard(() =>
      this.store(cameraId, snapshot, null, (id, scope, now) => ({
        row: {
          id, camera_id: cameraId, ...scope, kind: 'rule', type: e.type, label: e.label, track_id: e.trackId ?? null, rule_id: e.sourceId, rule_name: e.sourceName,
          severity: e.severity, started_at: e.tMs, ended_at: null, score: null, box: null, detail: JSON.stringify(e.detail), snapshot: null, job_id: null, created_at: now,
        },
        alert: { title: e.title, ruleId: e.sourceId },
      })),
    );
  }

  /**
   * Snapshots stored before the retention cutoff (whole UTC days) are deleted: rows first (the API
   * stops offering them), then the day directories. Called by the scheduler.
   */
  async pruneSnapshots(now = this.deps.clock.now()): Promise<{ rows: number; directories: number }> {
    const c = new Date(now - this.o.retentionDays * DAY);
    const cutoff = Date.UTC(c.getUTCFullYear(), c.getUTCMonth(), c.getUTCDate());
    const rows = await new AnalyticsEventRepository(this.deps.store.db).clearSnapshotsBefore(cutoff);
    const directories = await this.deps.snapshots.pruneBefore(cutoff);
    if (rows || directories) this.deps.log.info({ rows, directories, cutoff }, 'event snapshots past their retention deleted');
    return { rows, directories };
  }

  private async guard(fn: () => Promise<string | null>): Promise<string | null> {
    if (this.stats.pending >= this.o.maxPending) {
      this.stats.eventsDropped++;
      if (this.stats.eventsDropped === 1 || this.stats.eventsDropped % 1000 === 0) {
        this.deps.log.warn({ dropped: this.stats.eventsDropped, pending: this.stats.pending }, 'event sink flooded: analytics events dropped');
      }
      return null;
    }
    this.stats.pending++;
    try {
      return await fn();
    } finally {
      this.stats.pending--;
    }
  }

  private async store(
    cameraId: string,
    image: RgbImage | undefined,
    jobId: string | null,
    build: (id: string, scope: { owner: string; district: string }, now: number) => { row: EventRow; alert?: { title: string; ruleId: string } },
  ): Promise<string> {
    const scope = await this.scopeOf(cameraId);
    const id = randomUUID();
    const now = this.deps.clock.now();
    const { row, alert } = build(id, scope, now);
    row.snapshot = await this.snapshot(cameraId, id, now, image);
    try {
      await this.deps.store.transaction(async (tx) => {
        await new AnalyticsEventRepository(tx).insert(row);
        if (jobId !== null) return;
        await addEvent(tx, 'analytics.event', eventMessage(row), now);
        if (alert) await this.raise(tx, row, alert, now);
      });
    } catch (err) {
      if (row.snapshot) await this.deps.snapshots.remove(row.snapshot);
      throw err;
    }
    this.stats.eventsStored++;
    if (alert) this.stats.alertsRaised++;
    this.deps.afterCommit?.();
    return id;
  }

  private async raise(tx: Db, row: EventRow, a: { title: string; ruleId: string }, now: number): Promise<void> {
    const alertId = randomUUID();
    await new AlertRepository(tx).insert({
      id: alertId, event_id: row.id, camera_id: row.camera_id, owner: row.owner, district: row.district, severity: row.severity, state: 'open', title: a.title,
      created_at: now, acknowledged_by: null, acknowledged_at: null, closed_by: null, closed_at: null, updated_at: now,
    });
    await addEvent(tx, 'alert.raised', {
      alertId, eventId: row.id, cameraId: row.camera_id, owner: row.owner, district: row.district, severity: row.severity, title: a.title, ruleId: a.ruleId, label: row.label, createdAt: now,
    }, now);
  }

  private async endTrack(cameraId: string, ev: TrackEvent, jobId: string | null): Promise<string | null> {
    const endedAt = ev.track.lastMs;
    const id = await this.deps.store.transaction(async (tx) => {
      const repo = new AnalyticsEventRepository(tx);
      const open = await repo.openAppeared(cameraId, ev.track.id, jobId, endedAt);
      if (!open) return null;
      await repo.setEnded(open.id, endedAt);
      if (jobId === null) await addEvent(tx, 'analytics.event', { ...eventMessage({ ...open, ended_at: endedAt }), type: 'lost' }, this.deps.clock.now());
      return open.id;
    });
    if (id === null) this.deps.log.debug({ cameraId, trackId: ev.track.id }, 'track lost without a stored appeared event (dropped or before a restart)');
    else this.deps.afterCommit?.();
    return id;
  }

  private async snapshot(cameraId: string, eventId: string, now: number, image: RgbImage | undefined): Promise<string | null> {
    if (!image) return null;
    if (this.stats.pending > this.o.snapshotPendingLimit) {
      this.stats.snapshotsDropped++;
      return null;
    }
    try {
      const jpeg = await encodeJpeg(this.deps.tools, image, { maxSide: this.o.snapshotMaxSide, quality: this.o.snapshotQuality });
      const rel = await this.deps.snapshots.write(cameraId, eventId, now, jpeg);
      this.stats.snapshotsStored++;
      return rel;
    } catch (err) {
      // The event matters more than its picture: store it without one.
      this.stats.snapshotsFailed++;
      this.deps.log.warn({ cameraId, eventId, err: errorMessage(err) }, 'event snapshot could not be written; the event is stored without it');
      return null;
    }
  }

  private async scopeOf(cameraId: string): Promise<{ owner: string; district: string }> {
    const now = this.deps.clock.now();
    const hit = this.cameras.get(cameraId);
    if (hit && now - hit.at < CAMERA_TTL_MS) return { owner: hit.owner, district: hit.district };
    const cam = await new CameraRepository(this.deps.store.db).get(cameraId);
    if (!cam) throw new NotFoundError('camera', cameraId);
    if (this.cameras.size > 10_000) this.cameras.clear();
    this.cameras.set(cameraId, { owner: cam.owner, district: cam.location.district, at: now });
    return { owner: cam.owner, district: cam.location.district };
  }
}

/** The stored event type: the rule kind, made specific where the hit says more (zone_enter, line_cross, …). */
function ruleEventType(kind: string, detail: Record<string, unknown>): string {
  if (kind === 'zone' && typeof detail.event === 'string') return `zone_${detail.event}`;
  if (kind === 'line') return 'line_cross';
  return kind;
}

function boxOf(v: unknown): Box | null {
  return Array.isArray(v) && v.length === 4 && v.every((n) => typeof n === 'number' && Number.isFinite(n)) ? (v as Box) : null;
}

function eventMessage(r: EventRow) {
  return {
    eventId: r.id, cameraId: r.camera_id, owner: r.owner, district: r.district, kind: r.kind as 'track' | 'rule', type: r.type, label: r.label,
    trackId: r.track_id, ruleId: r.rule_id, ruleName: r.rule_name, severity: r.severity, startedAt: Number(r.started_at), endedAt: r.ended_at === null ? null : Number(r.ended_at),
    hasSnapshot: r.snapshot !== null,
  };
}
