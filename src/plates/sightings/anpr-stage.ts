/**
 * The live ANPR hook of the analytics pipeline (src/analytics wires it): vehicle tracks and the
 * frame they were seen in → vehicle crop → PlateReader → PlateVoter per track → one sighting per
 * track, recorded when the vote is confident or when the track is lost.
 *
 * Bounded on purpose: at most `maxReadsPerSecond` OCR calls per camera (a token bucket), one frame
 * being read at a time (a frame offered while the previous one is still read is dropped and
 * counted), and at most `maxPendingRecords` sightings being written. Nothing queues without bound.
 */
import type { Box, RgbImage } from '../../detect/types';
import { errorMessage } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { EpochMs } from '../../core/time';
import type { MediaTools } from '../../media/ffmpeg';
import { encodeJpeg } from '../../media/jpeg';
import type { Track, TrackEvent } from '../../track/types';
import type { GrammarName } from '../grammar/index';
import { cropImage } from '../read/image';
import type { PlateRead } from '../read/reader';
import { PlateVoter } from '../read/vote';
import type { SightingInput } from './types';
import { colourName } from './colour';

export const ANPR_VEHICLE_LABELS: readonly string[] = ['car', 'bus', 'truck', 'motorcycle'];

/** What the stage needs of src/plates/read/reader.ts PlateReader. */
export interface PlateReadPort {
  readImage(img: RgbImage): Promise<PlateRead[]>;
}

/** What the stage needs of SightingService. */
export interface SightingRecorder {
  record(input: SightingInput, snapshot?: RgbImage): Promise<unknown>;
}

export interface AnprStageOptions {
  cameraId: string;
  reader: PlateReadPort;
  sightings: SightingRecorder;
  log: Logger;
  /** For the JPEG plate and vehicle crops stored with the sighting; without it no crops are stored. */
  tools?: MediaTools;
  /** OCR calls per second for this camera (default 4); reads beyond are skipped and counted. */
  maxReadsPerSecond?: number;
  /** Tracks read per frame at most, the least-read first (default 2). */
  maxTracksPerFrame?: number;
  /** Smaller vehicles (source pixels, either side) are not read (default 48). */
  minVehiclePx?: number;
  /** Record before the track ends once the vote has this score over at least `confidentReads` reads (default 0.9, 3). */
  confidentScore?: number;
  confidentReads?: number;
  /** A voted read below this is not stored (default 0.3). */
  minScore?: number;
  /** Sightings being written at most (default 16); beyond, finished tracks are dropped and counted. */
  maxPendingRecords?: number;
  /** Recorded-footage job: sightings carry it (stored, never alerted). */
  jobId?: string;
}

export interface AnprStats {
  framesOffered: number;
  /** Frames refused because the previous frame was still being read. */
  framesBusy: number;
  reads: number;
  /** Reads skipped by the per-camera rate limit. */
  readsThrottled: number;
  plateReads: number;
  readFailures: number;
  sightings: number;
  /** Tracks that ended with no plate read at all (or too weak a vote). */
  tracksWithoutPlate: number;
  recordsDropped: number;
  recordFailures: number;
}

interface TrackState {
  voter: PlateVoter;
  label: string;
  /** The best read's vehicle crop and the plate box inside it. */
  best?: { score: number; crop: RgbImage; plate: Box };
  recorded: boolean;
  reads: number;
}

/** The frame of the pipeline: the (possibly scaled) RGB and the source size the tracks' boxes are in (SampledFrame fits). */
export interface AnprFrame {
  tMs: EpochMs;
  rgb: RgbImage;
  sourceWidth: number;
  sourceHeight: number;
}

export class AnprStage {
  private readonly counters: AnprStats = {
    framesOffered: 0, framesBusy: 0, reads: 0, readsThrottled: 0, plateReads: 0, readFailures: 0, sightings: 0, tracksWithoutPlate: 0, recordsDropped: 0, recordFailures: 0,
  };
  private readonly tracks = new Map<number, TrackState>();
  private reading: Promise<void> | null = null;
  private readonly pending = new Set<Promise<void>>();
  private tokens: number;
  private tokensAt = -1;
  private readonly o: Required<Omit<AnprStageOptions, 'tools' | 'jobId'>> & Pick<AnprStageOptions, 'tools' | 'jobId'>;

  constructor(opts: AnprStageOptions) {
    this.o = {
      maxReadsPerSecond: 4, maxTracksPerFrame: 2, minVehiclePx: 48, confidentScore: 0.9, confidentReads: 3, minScore: 0.3, maxPendingRecords: 16, ...opts,
    };
    this.tokens = this.o.maxReadsPerSecond;
  }

  /**
   * Call after every tracker update with the frame, the active tracks and the track events (source
   * pixels). Never waits for OCR: 'lost' events finish their tracks now, and the vehicles are read in
   * the background unless the previous frame is still being read (then the frame is dropped, counted).
   * Returns whether the frame was taken for reading.
   */
  offer(frame: AnprFrame, tracks: readonly Track[], events: readonly TrackEvent[]): boolean {
    this.counters.framesOffered++;
    for (const ev of events) if (ev.type === 'lost') this.finish(ev.track);
    const candidates = tracks.filter((t) => this.wanted(t, frame.tMs));
    if (!candidates.length) return false;
    if (this.reading) {
      this.counters.framesBusy++;
      return false;
    }
    const picked = this.pick(candidates, frame.tMs);
    if (!picked.length) return false;
    // Crops are copied now: the caller may reuse the frame buffer.
    const sx = frame.rgb.width / frame.sourceWidth;
    const sy = frame.rgb.height / frame.sourceHeight;
    const jobs = picked.map((t) => ({ track: t, crop: vehicleCrop(frame.rgb, t.box, sx, sy) }));
    this.reading = this.read(frame.tMs, jobs).finally(() => {
      this.reading = null;
    });
    return true;
  }

  /** Ends every track (camera stopped, file ended): their sightings are recorded. Resolves when written. */
  async flush(): Promise<void> {
    await this.reading;
    for (const [id, s] of [...this.tracks]) this.finishState(id, s, undefined);
    await this.idle();
  }

  /** Resolves when the frame being read and the sightings being written are done. */
  async idle(): Promise<void> {
    await this.reading;
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  stats(): AnprStats {
    return { ...this.counters };
  }

  private wanted(t: Track, tMs: number): boolean {
    if (!ANPR_VEHICLE_LABELS.includes(t.label) || t.lastMs !== tMs) return false;
    if (t.box[2] < this.o.minVehiclePx || t.box[3] < this.o.minVehiclePx) return false;
    return !this.tracks.get(t.id)?.recorded;
  }

  /** Tracks to read now within the rate budget: the least-read first, then the biggest. */
  private pick(candidates: Track[], tMs: number): Track[] {
    if (this.tokensAt < 0) this.tokensAt = tMs;
    this.tokens = Math.min(this.o.maxReadsPerSecond, this.tokens + ((tMs - this.tokensAt) / 1000) * this.o.maxReadsPerSecond);
    this.tokensAt = tMs;
    const sorted = [...candidates].sort((a, b) => (this.tracks.get(a.id)?.reads ?? 0) - (this.tracks.get(b.id)?.reads ?? 0) || b.box[2] * b.box[3] - a.box[2] * a.box[3]);
    const n = Math.min(this.o.maxTracksPerFrame, Math.floor(this.tokens), sorted.length);
    this.counters.readsThrottled += sorted.length - n;
    this.tokens -= n;
    return sorted.slice(0, n);
  }

  private async read(tMs: number, jobs: Array<{ track: Track; crop: RgbImage | null }>): Promise<void> {
    for (const { track, crop } of jobs) {
      if (!crop) continue;
      this.counters.reads++;
      let read: PlateRead | undefined;
      try {
        read = (await this.o.reader.readImage(crop))[0];
      } catch (err) {
        this.counters.readFailures++;
        this.o.log.warn({ cameraId: this.o.cameraId, trackId: track.id, err: errorMessage(err) }, 'plate read failed on a vehicle crop');
        continue;
      }
      let s = this.tracks.get(track.id);
      if (!s) this.tracks.set(track.id, (s = { voter: new PlateVoter(), label: track.label, recorded: false, reads: 0 }));
      s.reads++;
      if (!read || s.recorded) continue;
      this.counters.plateReads++;
      s.voter.add({ text: read.text, score: read.score, grammar: read.grammar }, tMs, s.reads);
      if (!s.best || read.score > s.best.score) s.best = { score: read.score, crop, plate: read.box };
      const vote = s.voter.best();
      if (vote && vote.reads >= this.o.confidentReads && vote.score >= this.o.confidentScore) this.finishState(track.id, s, track);
    }
  }

  private finish(track: Track): void {
    const s = this.tracks.get(track.id);
    if (!s) return;
    this.finishState(track.id, s, track);
    this.tracks.delete(track.id);
  }

  /** Records the track's voted read once (confident vote, or the end of the track). */
  private finishState(id: number, s: TrackState, track: Track | undefined): void {
    if (!track || track.state === 'lost' || track.state === 'removed') this.tracks.delete(id);
    if (s.recorded) return;
    const vote = s.voter.best();
    if (!vote || vote.score < this.o.minScore) {
      if (!track || track.state === 'lost' || track.state === 'removed') this.counters.tracksWithoutPlate++;
      return;
    }
    s.recorded = true;
    if (this.pending.size >= this.o.maxPendingRecords) {
      this.counters.recordsDropped++;
      this.o.log.warn({ cameraId: this.o.cameraId, trackId: id, pending: this.pending.size }, 'plate sighting dropped: the store is not keeping up');
      return;
    }
    const best = s.best;
    const p = this.store(id, s.label, vote, best, track).finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  private async store(id: number, label: string, vote: NonNullable<ReturnType<PlateVoter['best']>>, best: TrackState['best'], track: Track | undefined): Promise<void> {
    try {
      const [plateJpeg, vehicleJpeg] = best && this.o.tools ? await this.jpegs(best) : [null, null];
      await this.o.sightings.record(
        {
          cameraId: this.o.cameraId, plate: vote.text, grammar: (vote.grammar ?? 'generic') satisfies GrammarName, seenAt: vote.tMs, confidence: vote.score,
          vehicleClass: label, vehicleColour: best ? colourName(best.crop) : null, direction: track ? direction(track) : null,
          plateCropJpeg: plateJpeg, vehicleCropJpeg: vehicleJpeg, trackId: id, jobId: this.o.jobId ?? null,
        },
        best?.crop,
      );
      this.counters.sightings++;
    } catch (err) {
      this.counters.recordFailures++;
      this.o.log.warn({ cameraId: this.o.cameraId, trackId: id, err: errorMessage(err) }, 'plate sighting could not be stored; it is lost');
    }
  }

  private async jpegs(best: NonNullable<TrackState['best']>): Promise<[Buffer | null, Buffer | null]> {
    const tools = this.o.tools!;
    const enc = (img: RgbImage, maxSide: number) =>
      encodeJpeg(tools, img, { maxSide, quality: 4 }).catch((err: unknown) => {
        this.o.log.warn({ cameraId: this.o.cameraId, err: errorMessage(err) }, 'plate crop JPEG could not be encoded; stored without it');
        return null;
      });
    return Promise.all([enc(cropImage(best.crop, best.plate), 320), enc(best.crop, 480)]);
  }
}

/** The vehicle box (source pixels) grown by 10% a side, in the frame's pixels; null when nothing is left. */
function vehicleCrop(img: RgbImage, b: Box, sx: number, sy: number): RgbImage | null {
  const box: Box = [(b[0] - b[2] * 0.1) * sx, (b[1] - b[3] * 0.1) * sy, b[2] * 1.2 * sx, b[3] * 1.2 * sy];
  if (box[0] >= img.width || box[1] >= img.height || box[0] + box[2] <= 0 || box[1] + box[3] <= 0) return null;
  return cropImage(img, box);
}

/** The track's dominant movement in the image over its trail: up, down, left or right (null when it barely moved). */
function direction(t: Track): string | null {
  const a = t.trail[0];
  const b = t.trail[t.trail.length - 1];
  if (!a || !b) return null;
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  if (Math.hypot(dx, dy) < Math.max(8, t.box[3] * 0.2)) return null;
  return Math.abs(dx) > Math.abs(dy) ? (dx > 0 ? 'right' : 'left') : dy > 0 ? 'down' : 'up';
}
