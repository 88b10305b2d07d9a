import type { Box, DetectOptions, RgbImage } from '../detect/types';
import type { EpochMs } from '../core/time';
import { errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import type { SampledFrame } from '../sample/types';
import type { Track, TrackEvent } from '../track/types';
import { cropRgb, scaleBox, scaleDetectionsTo } from './geometry';
import { emptyStats, type PipelineStages, type PipelineStats } from './stages';

export interface CameraPipelineOptions<H> {
  /** Camera id (live), or the job's source name. */
  source: string;
  stages: PipelineStages<H>;
  /** Labels kept and minimum score (per camera settings). */
  detect?: Pick<DetectOptions, 'classes' | 'threshold'>;
  /**
   * Detections at or above this score are shown to the motion gate on the next frame (default 0: all).
   * The detector is asked for low scores too (the tracker's rescue stage); those alone should not keep it running.
   */
  gateMinScore?: number;
  log: Logger;
}

/** The best snapshot kept per live track: the crop of its highest-scoring detection so far. */
interface Best {
  score: number;
  crop: RgbImage;
}

/**
 * One camera's analytics: sampled frame → motion gate (told where the tracks are, so a standing
 * person stays detected) → the shared detector pool (null = dropped there, counted) → detections
 * scaled to source pixels → tracker → rules → sink (track appeared/lost, rule hits, each with
 * the track's best snapshot).
 *
 * Live cameras call `offer`, which never waits: while the previous frame is still in the pool the
 * new one is dropped and counted, so a slow detector can never back frames up into the sampler.
 * Recorded footage calls `process` and awaits each frame (the file sampler simply reads slower).
 * Tracks and rules work in source pixels, the detector and the gate in the sampled frame's pixels.
 */
export class CameraPipeline<H = unknown> {
  private readonly counters: PipelineStats = emptyStats();
  private readonly best = new Map<number, Best>();
  private active: Track[] = [];
  /** Boxes of the last frame's detections (source pixels), shown to the motion gate. */
  private lastDetections: Box[] = [];
  private busy: Promise<void> | null = null;
  private lastMs: EpochMs = 0;
  private frameMs: number[] = [];
  private frameSize = { width: 0, height: 0 };

  constructor(private readonly o: CameraPipelineOptions<H>) {}

  /** Live: takes the frame unless the previous one is still being processed (then counts a drop). */
  offer(frame: SampledFrame): boolean {
    if (this.busy) {
      this.counters.frames++;
      this.counters.busyDropped++;
      return false;
    }
    this.busy = this.process(frame).finally(() => {
      this.busy = null;
    });
    return true;
  }

  /** Whether a frame is being processed now (samplers that drop themselves may ask first). */
  get isBusy(): boolean {
    return this.busy !== null;
  }

  /** Processes one frame completely. Never throws: a failed stage is logged and counted. */
  async process(frame: SampledFrame): Promise<void> {
    const started = performance.now();
    this.counters.frames++;
    this.lastMs = Math.max(this.lastMs, frame.tMs);
    const sx = frame.sourceWidth / frame.rgb.width;
    const sy = frame.sourceHeight / frame.rgb.height;
    const { pool, gate, rules } = this.o.stages;
    if (frame.sourceWidth !== this.frameSize.width || frame.sourceHeight !== this.frameSize.height) {
      this.frameSize = { width: frame.sourceWidth, height: frame.sourceHeight };
      rules?.setFrameSize?.(this.frameSize);
    }

    let regions: Box[] | undefined;
    if (gate) {
      // The last frame's detections count as active too: a new object is confirmed as a track only on its
      // second detection, and one that stands still makes no motion to bring the detector back.
      const activeInFrame = [...this.active.map((t) => t.box), ...this.lastDetections].map((b) => scaleBox(b, 1 / sx, 1 / sy));
      const g = gate.gate(frame.rgb, activeInFrame, frame.tMs);
      if (!g.run) {
        this.counters.gatedOut++;
        // No motion anywhere: the tracker still ages its tracks (so they end when due).
        await this.afterDetections(frame, [], sx, sy);
        this.observe(started);
        return;
      }
      regions = g.regions;
    }

    this.counters.detectorCalls++;
    let dets;
    try {
      dets = await pool.detect(this.o.source, frame.rgb, { ...this.o.detect, regions });
    } catch (err) {
      this.counters.detectorFailures++;
      this.o.log.warn({ source: this.o.source, err: errorMessage(err) }, 'detector failed on a frame; the frame is skipped');
      return;
    }
    if (dets === null) {
      // The pool is saturated: skipping the tracker update here keeps tracks alive over the gap.
      this.counters.poolDropped++;
      return;
    }
    await this.afterDetections(frame, scaleDetectionsTo(dets, sx, sy), sx, sy);
    this.observe(started);
  }

  /** Ends every track (camera stopped, file ended): their 'lost' events are stored. */
  async flush(tMs: EpochMs = this.lastMs): Promise<void> {
    await this.busy;
    const events = this.o.stages.tracker.flush(tMs);
    await this.emit(tMs, [], events);
    try {
      await this.o.stages.anpr?.flush();
    } catch (err) {
      this.o.log.warn({ source: this.o.source, err: errorMessage(err) }, 'plate sightings of the last tracks could not be written');
    }
    this.active = [];
    this.best.clear();
  }

  /** Resolves when the frame in progress (if any) is done. */
  async idle(): Promise<void> {
    await this.busy;
  }

  stats(): PipelineStats {
    return { ...this.counters };
  }

  /** The tracks active after the last frame (source pixels). */
  tracks(): readonly Track[] {
    return this.active;
  }

  private async afterDetections(frame: SampledFrame, dets: Parameters<PipelineStages['tracker']['update']>[0]['detections'], sx: number, sy: number): Promise<void> {
    const only = this.o.stages.trackLabels;
    const tracked = only ? dets.filter((d) => only.includes(d.label)) : dets;
    const { tracks, events } = this.o.stages.tracker.update({ tMs: frame.tMs, detections: tracked });
    this.o.stages.observer?.(tracks, dets, this.frameSize);
    this.lastDetections = tracked.filter((d) => d.score >= (this.o.gateMinScore ?? 0)).map((d) => d.box);
    this.active = tracks;
    for (const t of tracks) this.keepBest(t, frame, tracked, sx, sy);
    this.o.stages.anpr?.offer(frame, tracks, events);
    await this.emit(frame.tMs, tracks, events);
  }

  /** The crop of this frame's detection becomes the track's snapshot when it scores better than the last one. */
  private keepBest(t: Track, frame: SampledFrame, dets: readonly { box: Box; score: number }[], sx: number, sy: number): void {
    if (t.lastMs !== frame.tMs || !dets.length) return;
    const score = t.best?.tMs === frame.tMs ? t.best.score : t.score;
    const prev = this.best.get(t.id);
    if (prev && prev.score >= score) return;
    const box = t.best?.tMs === frame.tMs ? t.best.box : t.box;
    const crop = cropRgb(frame.rgb, scaleBox(box, 1 / sx, 1 / sy));
    if (crop) this.best.set(t.id, { score, crop });
  }

  private async emit(tMs: EpochMs, tracks: Track[], events: TrackEvent[]): Promise<void> {
    const { rules, sink } = this.o.stages;
    for (const ev of events) {
      if (ev.type === 'updated') continue;
      if (ev.type === 'appeared') this.counters.tracks++;
      await this.sinkCall(() => sink.trackEvent(ev, this.best.get(ev.track.id)?.crop ?? ev.track.best?.crop));
    }
    if (rules) {
      let hits: H[] = [];
      try {
        hits = rules.evaluate(tMs, tracks, events);
      } catch (err) {
        this.o.log.warn({ source: this.o.source, err: errorMessage(err) }, 'rule evaluation failed on a frame');
      }
      for (const hit of hits) {
        this.counters.ruleHits++;
        const trackId = (hit as { trackId?: unknown }).trackId;
        await this.sinkCall(() => sink.ruleHit(hit, typeof trackId === 'number' ? this.best.get(trackId)?.crop : undefined));
      }
    }
    for (const ev of events) if (ev.type === 'lost') this.best.delete(ev.track.id);
  }

  private async sinkCall(fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
      this.counters.events++;
    } catch (err) {
      this.counters.sinkFailures++;
      this.o.log.warn({ source: this.o.source, err: errorMessage(err) }, 'an analytics event could not be stored; it is lost');
    }
  }

  private observe(started: number): void {
    this.frameMs.push(performance.now() - started);
    if (this.frameMs.length > 50) this.frameMs.shift();
    this.counters.meanFrameMs = Math.round((this.frameMs.reduce((a, b) => a + b, 0) / this.frameMs.length) * 10) / 10;
  }
}
