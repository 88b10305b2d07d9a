/**
 * The analytics sampler of one live camera: one supervised ffmpeg (src/media/frame-stream) that
 * decodes the camera's sub-stream (the main stream without one) at a low rate, scaled ONCE to
 * the detector's input size (longest side ≤ maxSide, aspect kept, even sides), as packed rgb24.
 *
 * Cheapest decode: keyframes only (`-skip_frame nokey`) when the sampling rate is at or below the
 * keyframe rate, else a full decode with the rate filter. The GOP comes from what the caller knows
 * (the recorder's probe, recorded keyframes) or from a probe at start; when keyframe-only delivers
 * clearly fewer frames than asked (the GOP grew since), the sampler switches to a full decode.
 *
 * Bounded: while the consumer is still busy with the previous frame (its promise pending), a new
 * frame is dropped on purpose and counted; nothing queues. Timestamps are wall clock at arrival.
 */
import { errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import { redactUrl } from '../core/logger';
import { ffmpegInputArgs, type StreamSource } from '../ingest/source';
import { probeArgs } from '../live/camera-source';
import type { MediaTools } from '../media/ffmpeg';
import { FrameStream } from '../media/frame-stream';
import { probeSource } from '../media/probe';
import { fitWithin, keyframesSuffice, sampleArgs, type Size } from './args';
import type { SampledFrame, SamplerStats } from './types';

export interface CameraSamplerOptions {
  tools: MediaTools;
  /** The camera id (SampledFrame.source). */
  source: string;
  /** The stream to sample, credentials included (CameraSources.source(camera, CameraSources.pick(camera, 'auto'))). */
  stream: StreamSource;
  defaultTransport: 'tcp' | 'udp';
  fps: number;
  /** The detector's input size: the longest side of a frame is at most this. */
  maxSide: number;
  /** What is already known of the stream (skips the probe at start). gopMs null = unknown. */
  known?: { width: number; height: number; gopMs: number | null };
  /** 'auto' (default) picks keyframe-only decoding when the GOP allows it. */
  decode?: 'auto' | 'keyframes' | 'full';
  restartInitialDelayMs?: number;
  restartMaxDelayMs?: number;
  /** No frame for this long = stalled: killed and restarted (default max(10 s, 5 frames)). */
  stallTimeoutMs?: number;
  /** Connection / I/O timeout of the source (default 10 s). */
  ioTimeoutMs?: number;
  log: Logger;
  /** The consumer. While the promise it returns is pending, new frames are dropped (counted). */
  onFrame(frame: SampledFrame): void | Promise<unknown>;
}

/** Keyframe-only that delivers less than this share of the asked rate has met a longer GOP than expected. */
const KEYFRAME_RATE_FLOOR = 0.6;
const RATE_WINDOW = 6;

export class CameraSampler {
  private stream?: FrameStream;
  private stopped = true;
  private busy = false;
  private seq = 0;
  private runsBefore = 0;
  private wake?: () => void;
  private starting?: Promise<void>;
  private arrivals: number[] = [];
  private sourceSize: Size | null = null;
  private outSize: Size | null = null;
  private gopMs: number | null = null;
  private keyframeOnly = false;
  private counts = { frames: 0, dropped: 0, delivered: 0, consumerErrors: 0 };

  constructor(private readonly o: CameraSamplerOptions) {
    if (!(o.fps > 0)) throw new RangeError(`fps must be positive, got ${o.fps}`);
    if (!(o.maxSide >= 16)) throw new RangeError(`maxSide must be at least 16, got ${o.maxSide}`);
  }

  stats(): SamplerStats {
    return { frames: this.counts.frames, dropped: this.counts.dropped, restarts: this.restarts, keyframeOnly: this.keyframeOnly };
  }

  /** What the sampler settled on (null sizes before the first successful probe). */
  info(): { sourceSize: Size | null; outputSize: Size | null; gopMs: number | null; keyframeOnly: boolean; state: string; pid: number | undefined; delivered: number } {
    return { sourceSize: this.sourceSize, outputSize: this.outSize, gopMs: this.gopMs, keyframeOnly: this.keyframeOnly, state: this.stream?.state ?? (this.stopped ? 'stopped' : 'probing'), pid: this.stream?.pid, delivered: this.counts.delivered };
  }

  /** Starts (probing first when the stream is not known); a failing probe is retried with back-off until stop(). */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.starting = this.prepare().catch((err: unknown) => this.o.log.error({ err: errorMessage(err) }, 'analytics sampler could not start'));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.starting;
    await this.stream?.stop();
  }

  private get restarts(): number {
    return this.runsBefore + Math.max(0, (this.stream?.stats.runs ?? 0) - 1);
  }

  private async prepare(): Promise<void> {
    let delay = this.o.restartInitialDelayMs ?? 1000;
    const where = redactUrl(this.o.stream.url);
    while (!this.stopped && !this.sourceSize) {
      if (this.o.known) {
        this.sourceSize = { width: this.o.known.width, height: this.o.known.height };
        this.gopMs = this.o.known.gopMs;
        break;
      }
      try {
        const p = await probeSource(this.o.tools, this.o.stream, { defaultTransport: this.o.defaultTransport, timeoutMs: this.o.ioTimeoutMs ?? 15_000 });
        if (p.width && p.height) {
          this.sourceSize = { width: p.width, height: p.height };
          this.gopMs = p.gopSeconds !== null ? Math.round(p.gopSeconds * 1000) : null;
          break;
        }
        this.o.log.warn({ source: where }, 'analytics sampler: the probe found no picture size; probing again after back-off');
      } catch (err) {
        this.o.log.warn({ source: where, err: errorMessage(err), nextDelayMs: delay }, 'analytics sampler: the stream could not be probed; trying again after back-off');
      }
      await this.sleep(delay);
      delay = Math.min(delay * 2, this.o.restartMaxDelayMs ?? 30_000);
    }
    if (this.stopped || !this.sourceSize) return;
    this.outSize = fitWithin(this.sourceSize, this.o.maxSide);
    const mode = this.o.decode ?? 'auto';
    this.launch(mode === 'keyframes' || (mode === 'auto' && keyframesSuffice(this.o.fps, this.gopMs)));
  }

  private launch(keyframeOnly: boolean): void {
    const size = this.outSize!;
    const source = this.sourceSize!;
    this.keyframeOnly = keyframeOnly;
    this.arrivals = [];
    const inputArgs = [...probeArgs(false), ...ffmpegInputArgs(this.o.stream, { defaultTransport: this.o.defaultTransport, timeoutMs: this.o.ioTimeoutMs })];
    const stream = new FrameStream({
      tools: this.o.tools,
      args: sampleArgs({ inputArgs, fps: this.o.fps, keyframesOnly: keyframeOnly, pacing: 'no-wait', ...size }),
      frameBytes: size.width * size.height * 3,
      restartInitialDelayMs: this.o.restartInitialDelayMs ?? 1000,
      restartMaxDelayMs: this.o.restartMaxDelayMs ?? 30_000,
      stallTimeoutMs: this.o.stallTimeoutMs ?? Math.max(10_000, 5000 / this.o.fps),
      log: this.o.log,
      name: 'analytics sampler',
      onFrame: (data, at) => this.onFrame({ source: this.o.source, tMs: at, seq: 0, rgb: { ...size, data }, sourceWidth: source.width, sourceHeight: source.height }),
    });
    this.stream = stream;
    stream.start();
    this.o.log.info({ source: redactUrl(this.o.stream.url), fps: this.o.fps, keyframeOnly, gopMs: this.gopMs, width: size.width, height: size.height }, 'analytics sampler started');
  }

  private onFrame(frame: SampledFrame): void {
    if (this.stopped) return;
    this.counts.frames++;
    frame.seq = ++this.seq;
    if (this.keyframeOnly && this.o.decode !== 'keyframes') this.watchKeyframeRate(frame.tMs);
    if (this.busy) {
      this.counts.dropped++;
      return;
    }
    let r: void | Promise<unknown>;
    try {
      r = this.o.onFrame(frame);
    } catch (err) {
      this.consumerFailed(err);
      return;
    }
    this.counts.delivered++;
    if (r && typeof (r as Promise<unknown>).then === 'function') {
      this.busy = true;
      (r as Promise<unknown>).then(
        () => {
          this.busy = false;
        },
        (err: unknown) => {
          this.busy = false;
          this.consumerFailed(err);
        },
      );
    }
  }

  private consumerFailed(err: unknown): void {
    this.counts.consumerErrors++;
    // One line per failure burst is enough: the consumer logs its own errors in detail.
    if (this.counts.consumerErrors === 1 || this.counts.consumerErrors % 100 === 0) {
      this.o.log.warn({ source: this.o.source, err: errorMessage(err), failures: this.counts.consumerErrors }, 'analytics sampler: the frame consumer failed; the sampler goes on');
    }
  }

  /** Keyframe-only decoding that delivers far below the asked rate means the GOP is longer than thought. */
  private watchKeyframeRate(at: number): void {
    this.arrivals.push(at);
    if (this.arrivals.length <= RATE_WINDOW) return;
    this.arrivals.shift();
    const spanS = (this.arrivals.at(-1)! - this.arrivals[0]!) / 1000;
    const rate = (this.arrivals.length - 1) / Math.max(spanS, 1e-3);
    if (rate >= KEYFRAME_RATE_FLOOR * this.o.fps) return;
    this.o.log.info({ source: this.o.source, fps: this.o.fps, keyframeRate: Math.round(rate * 100) / 100 }, 'analytics sampler: keyframes come too seldom for the asked rate; switching to a full decode');
    this.gopMs = Math.round(1000 / rate);
    const old = this.stream!;
    this.runsBefore += old.stats.runs;
    this.keyframeOnly = false;
    void old.stop().then(() => {
      if (!this.stopped) this.launch(false);
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }
}
