import { coldStorageIds } from '../config/tiers.schema';
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { EventBus, Subscription } from '../bus/bus';
import type { DomainEventMap } from '../bus/events';
import type { Camera } from '../cameras/camera.model';
import { CameraRepository } from '../cameras/camera.repository';
import type { Config } from '../config/schema';
import { errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import { systemClock, type Clock } from '../core/time';
import type { SecretBox } from '../keys/secret-box';
import { DEFAULT_TOOLS, type MediaTools } from '../media/ffmpeg';
import type { StorageGate } from '../retention/index';
import type { Store } from '../store/store';
import { Recorder, type RecorderCamera, type RecorderOptions } from './recorder';
import { StoreRecordingIndex, type RecordingIndex } from './recording-index';
import { cameraSource } from './recording.service';
import type { GapReason } from './recording.repository';

export interface RecorderManagerOptions {
  store: Store;
  bus: EventBus;
  secrets: SecretBox;
  config: Config;
  log: Logger;
  tools?: MediaTools;
  /** segments.node (default config.site.id, as retention and playback expect). */
  node?: string;
  clock?: Clock;
  /** Default: the store. Tests wrap it to make the store fail. */
  index?: RecordingIndex;
  /** Called after a status change committed (kicks the outbox relay). */
  afterCommit?: () => void;
  /** Retention's storage gate: recording on a paused storage stops, with a gap, until it resumes. */
  gate?: StorageGate;
  /** Extra recorder tuning (tests). */
  recorder?: Pick<RecorderOptions, 'supervisor' | 'retryMs' | 'sourceTimeoutMs'>;
  /** Full re-read of the inventory, in case an event was missed (default 60 s). */
  resyncIntervalMs?: number;
  /** Cluster mode: only the cameras whose recorder lease this node holds (absent: every camera). */
  assignment?: CameraAssignment;
}

/** Which cameras this node records (cluster mode, src/cluster): consulted on every inventory read. */
export interface CameraAssignment {
  holds(cameraId: string): boolean;
  /** Why the camera came to this node ('failover', 'handover'): the reason of the gap before its first segment here. */
  gapReason(cameraId: string): GapReason | undefined;
}

/**
 * The `recorder` role: one Recorder per camera of the inventory, following camera.created /
 * updated / deleted / imported events (and a periodic re-read), and the storage gate.
 */
export class RecorderManager {
  private readonly recorders = new Map<string, { rec: Recorder; signature: string; updatedAt: number }>();
  private readonly index: RecordingIndex;
  private readonly log: Logger;
  private chain: Promise<void> = Promise.resolve();
  private sub?: Subscription;
  private timer?: NodeJS.Timeout;
  private unGate?: () => void;
  private stopped = false;

  constructor(private readonly o: RecorderManagerOptions) {
    this.index = o.index ?? new StoreRecordingIndex(o.store, o.afterCommit);
    this.log = o.log.child({ scope: 'recorder' });
  }

  get(cameraId: string): Recorder | undefined {
    return this.recorders.get(cameraId)?.rec;
  }

  ids(): string[] {
    return [...this.recorders.keys()].sort();
  }

  async start(): Promise<void> {
    this.sub = await this.o.bus.subscribe<{ cameraId?: string }>('camera.*', (m) => {
      const name = m.subject as keyof DomainEventMap;
      const id = m.data.cameraId;
      if (name === 'camera.deleted' && id) this.enqueue(() => this.remove(id));
      else if ((name === 'camera.created' || name === 'camera.updated') && id) this.enqueue(() => this.refresh(id));
      else if (name === 'camera.imported') this.enqueue(() => this.sync());
    });
    this.unGate = this.o.gate?.onChange((s) => this.enqueue(() => this.applyGate(s.storage, s.paused, (s.reason ?? 'storage_paused') as GapReason)));
    this.enqueue(() => this.sync());
    await this.chain;
    this.timer = setInterval(() => this.enqueue(() => this.sync()), this.o.resyncIntervalMs ?? 60_000);
    this.timer.unref();
    this.log.info({ cameras: this.recorders.size, storages: this.o.config.recording.storages.map((s) => s.id) }, 'recorder started');
  }

  /** Stops every recorder cleanly (in parallel). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.unGate?.();
    await this.sub?.unsubscribe();
    await this.chain;
    await Promise.all([...this.recorders.values()].map(({ rec }) => rec.stop()));
    this.recorders.clear();
  }

  /** Resolves when the events seen so far are handled (tests). */
  async settled(): Promise<void> {
    await this.chain;
  }

  /** Cluster mode: the camera was assigned to this node; resolves once its recorder started (or failed to). */
  async assigned(cameraId: string): Promise<void> {
    this.enqueue(() => this.refresh(cameraId));
    await this.chain;
  }

  /**
   * Cluster mode: the camera is no longer this node's; resolves once its ffmpeg stopped and what it wrote is
   * indexed. Not queued behind the inventory chain (a stuck database read must not delay a fence).
   */
  async unassigned(cameraId: string): Promise<void> {
    await this.remove(cameraId, 'camera no longer assigned to this node; its recording here stopped');
  }

  private enqueue(fn: () => Promise<void>): void {
    this.chain = this.chain.then(async () => {
      if (!this.stopped) await fn();
    }).catch((err: unknown) => this.log.error({ err: errorMessage(err) }, 'recorder inventory update failed; retried at the next re-read'));
  }

  private async sync(): Promise<void> {
    const repo = new CameraRepository(this.o.store.db);
    const all = [{ organisations: null, districts: null }];
    const seen = new Set<string>();
    let after: string | undefined;
    for (;;) {
      const page = await repo.list({}, all, 1000, after);
      for (const cam of page) {
        seen.add(cam.id);
        await this.ensure(cam);
      }
      if (page.length < 1000) break;
      after = page.at(-1)!.id;
    }
    for (const id of this.recorders.keys()) if (!seen.has(id)) await this.remove(id);
  }

  private async refresh(id: string): Promise<void> {
    const cam = await new CameraRepository(this.o.store.db).get(id);
    if (cam) await this.ensure(cam);
    else await this.remove(id);
  }

  private async ensure(cam: Camera): Promise<void> {
    if (!this.mine(cam.id)) return this.remove(cam.id, 'camera no longer assigned to this node; its recording here stopped');
    const known = this.recorders.get(cam.id);
    if (known && known.updatedAt === cam.updatedAt) return; // unchanged since read: no credential read
    let source;
    try {
      source = await cameraSource(this.o.store.db, this.o.secrets, cam);
    } catch (err) {
      this.log.error({ cameraId: cam.id, err: errorMessage(err) }, 'camera not recorded: its credentials cannot be read');
      await this.index.health(cam.id, { state: 'failed', lastError: `credentials_unreadable: ${errorMessage(err)}` }, Date.now());
      return;
    }
    const camera: RecorderCamera = { id: cam.id, owner: cam.owner, district: cam.location.district, source };
    const signature = createHash('sha256').update(JSON.stringify([source.url, source.transport, source.username ?? '', source.password ?? ''])).digest('hex');
    const cur = this.recorders.get(cam.id);
    if (cur) {
      cur.updatedAt = cam.updatedAt;
      if (cur.signature !== signature) {
        this.log.info({ cameraId: cam.id }, 'camera source changed; recording restarts with it');
        cur.signature = signature;
        cur.rec.update(camera);
      }
      return;
    }
    if (!this.mine(cam.id) || this.stopped) return; // the lease went while the credentials were read
    const storage = this.storageFor(cam.id);
    const rec = new Recorder({
      camera, storage, node: this.o.node ?? this.o.config.site.id, index: this.index, tools: this.o.tools ?? DEFAULT_TOOLS,
      recording: this.o.config.recording, log: this.o.log, clock: this.o.clock ?? systemClock, ...this.o.recorder,
    });
    this.recorders.set(cam.id, { rec, signature, updatedAt: cam.updatedAt });
    try {
      if (this.o.gate?.paused(storage.id)) await rec.pause((this.o.gate.states().find((s) => s.storage === storage.id)?.reason ?? 'storage_paused') as GapReason);
      await rec.start(this.o.assignment?.gapReason(cam.id));
      if (!this.mine(cam.id)) await this.remove(cam.id, 'camera no longer assigned to this node; its recording here stopped'); // lease gone while starting
    } catch (err) {
      this.recorders.delete(cam.id); // tried again at the next re-read
      await rec.stop();
      this.log.error({ cameraId: cam.id, storage: storage.id, err: errorMessage(err) }, 'cannot start recording this camera (is the storage mounted and writable?); retrying at the next inventory re-read');
    }
  }

  private mine(cameraId: string): boolean {
    return !this.o.assignment || this.o.assignment.holds(cameraId);
  }

  private async remove(id: string, why = 'camera no longer in the inventory; its recording stopped (recordings stay until retention removes them)'): Promise<void> {
    const cur = this.recorders.get(id);
    if (!cur) return;
    this.recorders.delete(id);
    await cur.rec.stop();
    this.log.info({ cameraId: id }, why);
  }

  private async applyGate(storage: string, paused: boolean, reason: GapReason): Promise<void> {
    for (const { rec } of this.recorders.values()) {
      if (this.storageFor(rec.cameraId).id !== storage) continue;
      if (paused) await rec.pause(reason);
      else rec.resume();
    }
  }

  /** A camera always records to the same storage: chosen by a stable hash of its id. */
  private storageFor(cameraId: string): { id: string; root: string } {
    const cold = coldStorageIds(this.o.config.recording.tiers); // tier targets (src/storage-tiers) are never recorded into
    const list = this.o.config.recording.storages.filter((s) => !cold.has(s.id));
    const h = createHash('sha256').update(cameraId).digest().readUInt32BE(0);
    const s = list[h % list.length]!;
    return { id: s.id, root: path.resolve(this.o.config.dataDir, s.path) };
  }
}
