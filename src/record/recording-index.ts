import { CameraRepository } from '../cameras/camera.repository';
import { addEvent } from '../events/outbox';
import type { Store } from '../store/store';
import { RecordingRepository, type GapReason, type HealthPatch } from './recording.repository';
import { SegmentRepository, type NewSegment } from './segment.repository';

/** What the recorder writes to the store, in order, through its journal (spooled while the store is down). */
export type JournalOp =
  | { op: 'segment'; seg: NewSegment }
  /** startMs null = at the end of the camera's latest segment, or at `orMs` when it has none. */
  | { op: 'gap_open'; cameraId: string; startMs: number | null; orMs?: number; reason: GapReason }
  | { op: 'gap_close'; cameraId: string; endMs: number };

export interface StatusChange {
  cameraId: string;
  status: 'online' | 'offline';
  reason?: string;
  at: number;
  health: HealthPatch;
}

/**
 * The recorder's port to the metadata store. The store implementation is below; tests wrap it to
 * make the store fail. Every method may throw when the store is unavailable: the recorder keeps
 * going and retries (journal for the index, latest-wins for health and status).
 */
export interface RecordingIndex {
  /** Applies the ops in order, in one transaction (segments are idempotent by storage+path). */
  apply(ops: JournalOp[]): Promise<void>;
  health(cameraId: string, patch: HealthPatch, now: number): Promise<void>;
  /** cameras.status + camera_health + a `camera.status_changed` event, in one transaction. */
  status(change: StatusChange): Promise<void>;
}

export class StoreRecordingIndex implements RecordingIndex {
  constructor(
    private readonly store: Store,
    private readonly afterCommit: () => void = () => undefined,
  ) {}

  async apply(ops: JournalOp[]): Promise<void> {
    if (!ops.length) return;
    await this.store.transaction(async (tx) => {
      const segs = new SegmentRepository(tx);
      const rec = new RecordingRepository(tx);
      let batch: NewSegment[] = [];
      const flush = async () => {
        if (batch.length) await segs.insertMany(batch);
        batch = [];
      };
      for (const o of ops) {
        if (o.op === 'segment') {
          batch.push(o.seg);
          continue;
        }
        await flush();
        if (o.op === 'gap_open') await rec.openGap(o.cameraId, o.startMs, o.reason, o.orMs);
        else await rec.closeGap(o.cameraId, o.endMs);
      }
      await flush();
    });
  }

  async health(cameraId: string, patch: HealthPatch, now: number): Promise<void> {
    await new RecordingRepository(this.store.db).upsertHealth(cameraId, patch, now);
  }

  async status(c: StatusChange): Promise<void> {
    const published = await this.store.transaction(async (tx) => {
      const cams = new CameraRepository(tx);
      const cam = await cams.get(c.cameraId);
      await new RecordingRepository(tx).upsertHealth(c.cameraId, c.health, c.at);
      if (!cam || cam.status === c.status) return false; // deleted meanwhile, or already so
      await cams.update(c.cameraId, { status: c.status, status_changed_at: c.at });
      await addEvent(tx, 'camera.status_changed', { cameraId: c.cameraId, owner: cam.owner, district: cam.location.district, status: c.status, previous: cam.status, at: c.at, ...(c.reason ? { reason: c.reason } : {}) }, c.at);
      return true;
    });
    if (published) this.afterCommit();
  }
}
