/**
 * The health sampler of one camera: one long-running ffmpeg (spawned through src/media, kept alive
 * by src/media/supervisor) that decodes the camera's sub-stream (main stream without one) to one
 * tiny greyscale frame every `intervalMs` on stdout.
 *
 * Cheap: when the interval is at least the GOP, `-skip_frame nokey` makes the decoder skip every
 * frame but the keyframes, so decoding costs a fraction of a full decode; one decoder and one filter
 * thread; area-scaled to 64×36. Bounded: frames go straight to `onFrame`, which keeps or drops each
 * (nothing queues); the stdout reader holds at most one partial frame.
 */
import type { Logger } from '../core/logger';
import type { MediaTools } from '../media/ffmpeg';
import { FrameStream, type FrameStreamStats } from '../media/frame-stream';
import { grayOutputArgs, type FrameFormat } from './frames';
import type { GreyFrame } from './tamper';

export interface SamplerOptions extends FrameFormat {
  tools: MediaTools;
  /** ffmpeg input arguments up to and including `-i` (they may carry credentials: never logged). */
  inputArgs: string[];
  intervalMs: number;
  /** Decode keyframes only (the caller decides: interval ≥ GOP). */
  keyframesOnly: boolean;
  restartInitialDelayMs: number;
  restartMaxDelayMs: number;
  /** No frame for this long = stalled: killed and restarted. */
  stallTimeoutMs: number;
  log: Logger;
  onFrame(frame: GreyFrame, at: number): void;
  /** A run ended (for metrics): why, and when the next starts. */
  onExit?(info: { cause: string; code: number | null; nextDelayMs: number | null }): void;
}

/** The ffmpeg arguments of a sampler (exported for the benchmark and tests). */
export function samplerArgs(o: Pick<SamplerOptions, 'inputArgs' | 'intervalMs' | 'keyframesOnly' | 'width' | 'height'>): string[] {
  return [
    '-loglevel', 'error',
    '-filter_threads', '1',
    '-threads', '1',
    ...(o.keyframesOnly ? ['-skip_frame', 'nokey'] : []),
    ...o.inputArgs,
    '-map', '0:v:0',
    // Each frame leaves at once (not when ffmpeg's 32 KB output buffer happens to fill).
    '-flush_packets', '1',
    ...grayOutputArgs({ width: o.width, height: o.height, fps: `1000/${Math.round(o.intervalMs)}` }),
  ];
}

export type SamplerStats = FrameStreamStats;

/** A FrameStream (src/media/frame-stream: supervised ffmpeg, raw frames) of tiny grey frames. */
export class FrameSampler {
  private readonly stream: FrameStream;

  constructor(o: SamplerOptions) {
    this.stream = new FrameStream({
      tools: o.tools,
      args: samplerArgs(o),
      frameBytes: o.width * o.height,
      restartInitialDelayMs: o.restartInitialDelayMs,
      restartMaxDelayMs: o.restartMaxDelayMs,
      stallTimeoutMs: o.stallTimeoutMs,
      log: o.log,
      name: 'health sampler',
      onFrame: (data, at) => o.onFrame({ width: o.width, height: o.height, data }, at),
      onExit: o.onExit,
    });
  }

  get stats(): SamplerStats {
    return this.stream.stats;
  }

  get state(): string {
    return this.stream.state;
  }

  /** The running ffmpeg's pid (benchmark: its CPU time). */
  get pid(): number | undefined {
    return this.stream.pid;
  }

  start(): void {
    this.stream.start();
  }

  stop(): Promise<void> {
    return this.stream.stop();
  }
}

/** GOP in ms from a recorded segment's keyframe offsets (median spacing); null when unknown. */
export function gopFromKeyframes(keyframes: readonly number[]): number | null {
  if (keyframes.length < 2) return null;
  const d = keyframes.slice(1).map((k, i) => k - keyframes[i]!).filter((x) => x > 0).sort((a, b) => a - b);
  return d.length ? d[d.length >> 1]! : null;
}
