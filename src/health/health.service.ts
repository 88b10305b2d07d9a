import { authorize } from '../auth/guard';
import { CameraRepository } from '../cameras/camera.repository';
import type { ActionContext, AuditAppender } from '../core/context';
import { NotFoundError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { Clock } from '../core/time';
import { addEvent } from '../events/outbox';
import { SegmentRepository } from '../record/segment.repository';
import type { Db, Store } from '../store/store';
import type { CameraHealth, HealthFilter, HealthSummary, TamperView } from './health.model';
import { HealthRepository, type HealthRow } from './health.repository';
import { bitrateOf, fpsFromProbe, summarise } from './measure';
import { CorruptTamperRecord, EMPTY_TAMPER, flagDiff, parseTamper, recordOf, serializeTamper, type TamperMetrics, type TamperRecord } from './tamper-record';
import type { DetectorState, TamperFlag } from './tamper-state';

/** What a sampler reports after a sample worth storing. */
export interface SampleReport {
  state: DetectorState;
  at: number;
  metrics: TamperMetrics;
  /** The last reference reset the sampler knows of (null: none). */
  knownResetAt: number | null;
}

export type SampleOutcome =
  | { status: 'written'; raised: TamperFlag[]; cleared: TamperFlag[] }
  | { status: 'no_row' }
  /** An operator reset the reference after the sampler's state was taken: start over from `resetAt`. */
  | { status: 'reset'; resetAt: number };

const MINUTE = 60_000;

/**
 * Camera health: the recorder's state (camera_health, written by src/record) with measured fps,
 * bitrate and storage, and the tamper flags of the health sampler. Lists are scope-filtered like
 * every list; a tamper flag rising or clearing is a `camera.tamper_changed` event (outbox).
 */
export class HealthService {
  private storageCursor: string | undefined;

  constructor(
    private readonly store: Store,
    private readonly audit: AuditAppender,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly afterCommit: () => void = () => undefined,
  ) {}

  async list(ctx: ActionContext, filter: HealthFilter, limit: number, after?: string): Promise<{ items: CameraHealth[]; nextCursor: string | null }> {
    const scopes = authorize(ctx, 'camera.read');
    const rows = await new HealthRepository(this.store.db).list(filter, scopes, limit, after);
    return { items: rows.map((r) => this.view(r)), nextCursor: rows.length === limit ? rows[rows.length - 1]!.id : null };
  }

  /** One camera, with bitrate and storage measured now from its segments. */
  async get(ctx: ActionContext, id: string): Promise<CameraHealth> {
    const scopes = authorize(ctx, 'camera.read');
    const row = await new HealthRepository(this.store.db).get(id, scopes);
    if (!row) throw new NotFoundError('camera', id); // out of scope looks exactly like absent
    const v = this.view(row);
    const segs = new SegmentRepository(this.store.db);
    const now = this.clock.now();
    v.bitrateBps = bitrateOf(await segs.inRange(id, now - MINUTE, now)); // null: nothing recorded in the last minute
    v.storageBytes = await segs.bytesOfCamera(id);
    return v;
  }

  async summary(ctx: ActionContext, filter: Pick<HealthFilter, 'owner' | 'district'>): Promise<HealthSummary> {
    const scopes = authorize(ctx, 'camera.read');
    return summarise(await new HealthRepository(this.store.db).counts(scopes, filter));
  }

  /**
   * An operator re-aimed the camera (or accepts its new view): the reference is dropped, `moved`
   * and `defocused` clear, and the sampler takes the next clean frame as the new reference.
   */
  async resetReference(ctx: ActionContext, id: string): Promise<CameraHealth> {
    const scopes = authorize(ctx, 'camera.write');
    const now = this.clock.now();
    await this.store.transaction(async (tx) => {
      const cam = await new CameraRepository(tx).get(id, scopes);
      if (!cam) throw new NotFoundError('camera', id);
      const repo = new HealthRepository(tx);
      const text = await repo.tamperOf(id);
      let cleared: TamperFlag[] = [];
      let hadReference = false;
      if (text !== undefined) {
        const cur = this.readTamper(id, text);
        hadReference = cur.reference !== null;
        const flags = cur.flags.filter((f) => f !== 'moved' && f !== 'defocused');
        cleared = flagDiff(cur.flags, flags).cleared;
        await repo.setTamper(id, serializeTamper({ ...cur, flags, reference: null, referenceResetAt: now }));
        await addEvent(tx, 'camera.tamper_changed', { cameraId: id, owner: cam.owner, district: cam.location.district, flags, raised: [], cleared, at: now, reason: 'reference_reset' }, now);
      }
      await this.audit.record(tx, ctx, {
        action: 'camera.health.reference_reset',
        targetType: 'camera',
        targetId: id,
        cameraIds: [id],
        details: { hadReference, cleared, healthRow: text !== undefined },
      });
    });
    this.afterCommit();
    return this.get({ ...ctx, principal: null }, id);
  }

  /**
   * Stores a sampler's tamper state (system action). The flags that changed against what is stored
   * are published as one `camera.tamper_changed` event in the same transaction.
   */
  async recordSample(cameraId: string, r: SampleReport): Promise<SampleOutcome> {
    const out = await this.store.transaction(async (tx): Promise<SampleOutcome> => {
      const repo = new HealthRepository(tx);
      const text = await repo.tamperOf(cameraId);
      if (text === undefined) return { status: 'no_row' };
      const cur = this.readTamper(cameraId, text);
      if (cur.referenceResetAt !== null && cur.referenceResetAt > (r.knownResetAt ?? Number.NEGATIVE_INFINITY)) return { status: 'reset', resetAt: cur.referenceResetAt };
      const next = recordOf(r.state, r.at, r.metrics, cur.referenceResetAt);
      const diff = flagDiff(cur.flags, next.flags);
      await repo.setTamper(cameraId, serializeTamper(next));
      if (diff.raised.length || diff.cleared.length) await this.tamperEvent(tx, cameraId, next.flags, diff, r.at);
      return { status: 'written', ...diff };
    });
    if (out.status === 'written' && (out.raised.length || out.cleared.length)) this.afterCommit();
    return out;
  }

  /** The stored tamper state of a camera (a sampler resumes from it); undefined without a health row. */
  async storedTamper(cameraId: string): Promise<TamperRecord | undefined> {
    const text = await new HealthRepository(this.store.db).tamperOf(cameraId);
    return text === undefined ? undefined : this.readTamper(cameraId, text);
  }

  /**
   * Scheduler task: fps (from the recorder's probe) and bitrate (bytes over the last minute of
   * segments) of every camera with a health row, and the storage used by the next `storageBatch`
   * cameras in turn (a sum over all their segments, so it is spread over passes).
   */
  async refreshMeasurements(storageBatch = 100): Promise<{ cameras: number; storage: number }> {
    const db = this.store.db;
    const repo = new HealthRepository(db);
    const segs = new SegmentRepository(db);
    const now = this.clock.now();
    let cameras = 0;
    for (let after: string | undefined; ; ) {
      const page = await repo.page(after, 500);
      for (const h of page) {
        const fps = fpsFromProbe(h.probe) ?? h.fps;
        await repo.setMeasurements(h.camera_id, { fps, bitrateBps: bitrateOf(await segs.inRange(h.camera_id, now - MINUTE, now)) });
      }
      cameras += page.length;
      if (page.length < 500) break;
      after = page[page.length - 1]!.camera_id;
    }
    let batch = await repo.page(this.storageCursor, storageBatch);
    if (batch.length === 0 && this.storageCursor !== undefined) batch = await repo.page(undefined, storageBatch);
    for (const h of batch) await repo.setMeasurements(h.camera_id, { storageBytes: await segs.bytesOfCamera(h.camera_id) });
    this.storageCursor = batch.length === storageBatch ? batch[batch.length - 1]!.camera_id : undefined;
    return { cameras, storage: batch.length };
  }

  private async tamperEvent(tx: Db, cameraId: string, flags: TamperFlag[], diff: { raised: TamperFlag[]; cleared: TamperFlag[] }, at: number): Promise<void> {
    const cam = await new CameraRepository(tx).get(cameraId);
    if (!cam) return; // deleted meanwhile: nobody to tell
    await addEvent(tx, 'camera.tamper_changed', { cameraId, owner: cam.owner, district: cam.location.district, flags, ...diff, at, reason: 'sample' }, at);
  }

  private readTamper(cameraId: string, text: string | null): TamperRecord {
    try {
      return parseTamper(cameraId, text);
    } catch (err) {
      if (!(err instanceof CorruptTamperRecord)) throw err;
      // Shown as "no flags" and overwritten by the next sample; said loudly so the writer is found.
      this.log.warn({ cameraId, err: err.message }, 'unreadable tamper state; treating it as empty');
      return { ...EMPTY_TAMPER };
    }
  }

  private view(r: HealthRow): CameraHealth {
    const t = this.readTamper(r.id, r.tamper);
    const tamper: TamperView = {
      flags: t.flags,
      since: t.since,
      lastSampleAt: t.lastSampleAt,
      metrics: t.metrics,
      reference: t.reference ? { capturedAt: t.reference.capturedAt, width: t.reference.width, height: t.reference.height } : null,
      referenceResetAt: t.referenceResetAt,
    };
    return {
      cameraId: r.id,
      name: r.name,
      owner: r.owner,
      district: r.district,
      state: r.state ?? 'unknown',
      fps: r.fps ?? fpsFromProbe(r.probe),
      bitrateBps: r.bitrate_bps,
      reconnects: r.reconnects ?? 0,
      lastSegmentAt: r.last_segment_at,
      storageBytes: r.storage_bytes ?? 0,
      lastError: r.last_error,
      updatedAt: r.updated_at,
      tamper,
    };
  }
}
