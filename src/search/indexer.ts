import { randomUUID } from 'node:crypto';
import { SnapshotStore } from '../alerts/snapshot-store';
import { CameraRepository } from '../cameras/camera.repository';
import { errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import type { Detection, RgbImage } from '../detect/types';
import { encodeJpeg } from '../media/jpeg';
import type { MediaTools } from '../media/ffmpeg';
import type { Embedder } from '../reid/types';
import { vectorToBytes } from '../reid/vector';
import { BulkWriter, type BulkWriterStats } from '../metadata/bulk-writer';
import type { SearchTrackTable } from '../store/schema';
import type { Store } from '../store/store';
import type { Track, TrackEvent } from '../track/types';
import { attributesOf, CARRIED_ITEMS, CarriedObserver, carriedBits, motionOf } from './attributes';
import type { LiveCoverage } from './coverage';
import type { TrackPartitions } from './partitions';
import { TrackIndexRepository } from './tracks.repository';
import { RulesRepository } from '../rules/rules.repository';
import { heightClassOf, HeightEstimator } from './height';

const CAMERA_TTL_MS = 30_000;

export interface TrackIndexerStats {
  indexed: number;
  /** Tracks not indexed because too many were waiting (the indexer never queues without bound). */
  dropped: number;
  failed: number;
  /** Tracks too short to be worth a search result (fewer than minHits detections). */
  skipped: number;
  pending: number;
  /** The bulk writer of the index rows (queued, batches, producer wait: back-pressure). */
  writer: BulkWriterStats;
}

export interface TrackIndexerOptions {
  store: Store;
  tools: MediaTools;
  log: Logger;
  embedder: () => Promise<Embedder>;
  /** Where best crops are written (<root>/<camera>/<Y>/<M>/<D>/<id>.jpg). */
  cropRoot: string;
  /** Tracks confirmed on fewer detections are not indexed (flicker). */
  minHits?: number;
  maxPending?: number;
  /** Plate read for a vehicle track, when ANPR has one (src/plates). */
  plateOf?: (cameraId: string, track: Track) => string | null;
  /** Records the spans live analytics analysed (the coverage report's "analysed"). */
  coverage?: LiveCoverage;
  /** PostgreSQL: the month partitions of search_tracks, made sure of before an insert. */
  partitions?: TrackPartitions;
  /** Index rows queued for the bulk writer at most; beyond, indexing waits (and onTrackLost drops, counted). Default 5,000. */
  maxQueuedRows?: number;
  /** Index rows per multi-row insert at most (default 500; 23 columns: under both engines' parameter limits). */
  maxBatchRows?: number;
  /** Crop JPEG encodes (one ffmpeg process each) running at once at most (default 2); the others wait their turn. */
  cropEncoders?: number;
}

/**
 * Turns finished tracks into rows of the forensic index, at ingest (live pipelines and recorded-footage
 * jobs alike): attributes from the best crop (colours of the upper and lower body, vehicle colour),
 * carried items from co-detections seen during the track, image direction and speed, the best crop as a
 * JPEG, and the appearance embedding of the configured model (or the model-free descriptor).
 *
 * The analytics pipeline calls `observeFrame` after each tracker update (for carried items) and
 * `onTrackLost` for each 'lost' event; `wrapSink` does the latter for an existing pipeline sink.
 * Indexing runs after the call returns; a failure costs only that track (logged, counted).
 *
 * Rows are written by a BulkWriter (src/metadata/bulk-writer.ts): multi-row inserts of up to `maxBatchRows`
 * tracks instead of one insert per track, retried on database errors. Back-pressure: the writer's queue is
 * bounded ('wait'), so a slow database holds tracks in flight, and beyond `maxPending` of those new tracks
 * are dropped and counted. `idle()` is the barrier an analysis job waits on before it counts as done: every
 * track handed over before the call is in the index (or counted as failed).
 */
export class TrackIndexer {
  readonly stats: TrackIndexerStats;
  private readonly carried = new CarriedObserver();
  private readonly crops: SnapshotStore;
  private readonly cameras = new Map<string, { owner: string; district: string; lat: number; lon: number; height: HeightEstimator | null; at: number } | null>();
  /** Size of the frames each camera's pipeline analyses (track boxes are in these pixels). */
  private readonly frames = new Map<string, { width: number; height: number }>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly writer: BulkWriter<SearchTrackTable>;
  private encodeSlots: number;
  private readonly encodeWaiters: (() => void)[] = [];

  constructor(private readonly o: TrackIndexerOptions) {
    this.crops = new SnapshotStore(o.cropRoot, o.log);
    this.encodeSlots = Math.max(1, o.cropEncoders ?? 2);
    this.writer = new BulkWriter<SearchTrackTable>({
      name: 'search_tracks', log: o.log, policy: 'wait', maxQueued: o.maxQueuedRows ?? 5000, maxBatch: o.maxBatchRows ?? 500, concurrency: 1,
      sink: async (rows) => {
        await o.partitions?.ensureFor(rows.map((r) => r.started_at));
        await new TrackIndexRepository(o.store.db).insertMany(rows);
      },
      onWritten: (rows) => {
        this.stats.indexed += rows.length;
      },
      onFailed: (row, err) => {
        this.stats.failed++;
        o.log.warn({ cameraId: row.camera_id, trackId: row.track_no, err: errorMessage(err) }, 'a finished track could not be indexed for search; it is missing from the index');
        if (row.crop_path) void this.crops.remove(row.crop_path);
      },
    });
    this.stats = { indexed: 0, dropped: 0, failed: 0, skipped: 0, pending: 0, writer: this.writer.stats };
  }

  /**
   * Per frame: the tracks after the tracker's update and the frame's detections (carried items are co-detections).
   * A live frame (no jobId) also marks its camera as analysed now (analysis jobs keep their own progress).
   */
  observeFrame(cameraId: string, tracks: readonly Track[], detections: readonly Detection[], jobId?: string, frame?: { width: number; height: number }): void {
    this.carried.observe(cameraId, tracks, detections);
    if (frame && frame.width > 0 && frame.height > 0) this.frames.set(cameraId, frame);
    if (!jobId) this.o.coverage?.observe(cameraId);
  }

  /** A track ended: index it in the background. Returns at once; never throws. */
  onTrackLost(cameraId: string, track: Track, crop?: RgbImage, jobId?: string): void {
    const carried = this.carried.take(cameraId, track.id);
    // Bags and umbrellas are detected to become attributes of the person carrying them, not search results.
    if (track.hits < (this.o.minHits ?? 3) || (CARRIED_ITEMS as readonly string[]).includes(track.label)) {
      this.stats.skipped++;
      return;
    }
    if (this.inFlight.size >= (this.o.maxPending ?? 64)) {
      this.stats.dropped++;
      return;
    }
    const p = this.index(cameraId, track, crop ?? track.best?.crop, carried, jobId)
      .then((id) => void (id ? undefined : this.stats.skipped++))
      .catch((err: unknown) => {
        this.stats.failed++;
        this.o.log.warn({ cameraId, trackId: track.id, err: errorMessage(err) }, 'a finished track could not be indexed for search; it is missing from the index');
      })
      .finally(() => {
        this.inFlight.delete(p);
        this.stats.pending = this.inFlight.size;
      });
    this.inFlight.add(p);
    this.stats.pending = this.inFlight.size;
  }

  /** A pipeline sink that also indexes each lost track (structurally src/analytics/stages.ts PipelineSink). */
  wrapSink<S extends { trackEvent(ev: TrackEvent, snapshot: RgbImage | undefined): Promise<void> }>(sink: S, cameraId: string, jobId?: string): S {
    const indexer = this;
    return Object.assign(Object.create(sink) as S, {
      async trackEvent(ev: TrackEvent, snapshot: RgbImage | undefined) {
        if (ev.type === 'lost') indexer.onTrackLost(cameraId, ev.track, snapshot, jobId);
        await sink.trackEvent(ev, snapshot);
      },
    });
  }

  /**
   * Resolves when every track handed over so far is in the index (or counted as failed/skipped): tests,
   * analysis job ends, shutdown. A barrier: tracks handed over later (live cameras) do not keep it waiting.
   */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
    await this.writer.flush();
  }

  /**
   * Builds one track's index row (attributes, embedding, crop) and queues it for the bulk writer; resolves
   * once queued (after waiting for room when the writer is full) with its index id (null: its camera is
   * gone). The row is searchable after the next `idle()`.
   */
  async index(cameraId: string, track: Track, crop: RgbImage | undefined, carried: ReturnType<CarriedObserver['take']>, jobId?: string): Promise<string | null> {
    const cam = await this.camera(cameraId);
    if (!cam) return null;
    const id = randomUUID();
    const attrs = attributesOf(track.label, crop, carried, this.o.plateOf?.(cameraId, track) ?? null);
    // Height class: only with the camera's ground calibration and the analysed frame's size (docs/design/forensic-search.md).
    const frame = this.frames.get(cameraId);
    if (track.label === 'person' && cam.height && frame) attrs.heightClass = heightClassOf(cam.height.heightOfBox(track.best?.box ?? track.box, frame));
    const { direction, speed } = motionOf(track);
    let embedding: Uint8Array | null = null;
    let model: string | null = null;
    let cropPath: string | null = null;
    if (crop && crop.width >= 8 && crop.height >= 8) {
      const e = await this.o.embedder();
      embedding = vectorToBytes(await e.embed(crop));
      model = e.modelId;
      // Bounded: tracks ending together (a job, a crowd) would otherwise start dozens of ffmpeg processes at once,
      // which on a busy machine miss their timeout and lose their tracks.
      const jpeg = await this.encodeSlot(() => encodeJpeg(this.o.tools, crop, { maxSide: 256, quality: 4 }));
      cropPath = await this.crops.write(cameraId, id, track.firstMs, jpeg);
    }
    await this.writer.push({
      id, camera_id: cameraId, owner: cam.owner, district: cam.district, lat: cam.lat, lon: cam.lon, started_at: track.firstMs, ended_at: track.lastMs,
      class: track.label, upper_colour: attrs.upperColour, lower_colour: attrs.lowerColour, carried: carriedBits(attrs.carried), height_class: attrs.heightClass,
      vehicle_colour: attrs.vehicleColour, plate: attrs.plate, direction, speed, score: Math.round(track.score * 1000) / 1000,
      crop_path: cropPath, embedding, embedding_model: model, job_id: jobId ?? null, track_no: track.id,
    });
    return id;
  }

  private async encodeSlot<T>(fn: () => Promise<T>): Promise<T> {
    while (this.encodeSlots === 0) await new Promise<void>((r) => this.encodeWaiters.push(r));
    this.encodeSlots--;
    try {
      return await fn();
    } finally {
      this.encodeSlots++;
      this.encodeWaiters.shift()?.();
    }
  }

  /** Reads a stored crop (the path comes from the index row). */
  readCrop(rel: string, id: string): Promise<Buffer> {
    return this.crops.read(rel, id);
  }

  private async camera(cameraId: string): Promise<{ owner: string; district: string; lat: number; lon: number; height: HeightEstimator | null } | null> {
    const hit = this.cameras.get(cameraId);
    if (hit && Date.now() - hit.at < CAMERA_TTL_MS) return hit;
    const cam = await new CameraRepository(this.o.store.db).get(cameraId);
    const points = cam ? (await new RulesRepository(this.o.store.db).settings(cameraId))?.settings.calibration?.points : undefined;
    const v = cam ? { owner: cam.owner, district: cam.location.district, lat: cam.location.lat, lon: cam.location.lon, height: points ? HeightEstimator.fromCalibration(points) : null, at: Date.now() } : null;
    if (v) this.cameras.set(cameraId, v);
    return v;
  }
}
