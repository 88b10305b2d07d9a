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
import { spawnFfmpeg, type MediaTools } from '../media/ffmpeg';
import { Supervisor } from '../media/supervisor';
import { FrameReader, grayOutputArgs, type FrameFormat } from './frames';
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

export interface SamplerStats {
  frames: number;
  runs: number;
  lastFrameAt: number | null;
  lastExit: { cause: string; code: number | null; at: number } | null;
}

export class FrameSampler {
  private readonly supervisor: Supervisor;
  private stopping = false;
  readonly stats: SamplerStats = { frames: 0, runs: 0, lastFrameAt: null, lastExit: null };

  constructor(private readonly o: SamplerOptions) {
    const args = samplerArgs(o);
    this.supervisor = new Supervisor({
      initialDelayMs: o.restartInitialDelayMs,
      maxDelayMs: o.restartMaxDelayMs,
      stallTimeoutMs: o.stallTimeoutMs,
      stopGraceMs: 2000,
      log: o.log,
      spawn: () => {
        const reader = new FrameReader(o, (frame) => {
          if (this.stopping) return; // ffmpeg flushes a last frame when it is told to stop
          const at = Date.now();
          this.stats.frames++;
          this.stats.lastFrameAt = at;
          this.supervisor.touch();
          o.onFrame(frame, at);
        });
        const child = spawnFfmpeg(o.tools, args, { stdout: 'pipe', log: o.log });
        child.stdout?.on('data', (chunk: Buffer) => reader.push(chunk));
        return child;
      },
    });
    this.supervisor.on('started', () => {
      this.stats.runs++;
    });
    this.supervisor.on('exited', (e) => {
      this.stats.lastExit = { cause: e.cause, code: e.code, at: Date.now() };
      if (e.cause !== 'stopped') {
        o.log.warn({ cause: e.cause, code: e.code, signal: e.signal, runMs: e.runMs, nextDelayMs: e.nextDelayMs, err: e.error }, 'health sampler ended; restarting after back-off');
      }
      o.onExit?.({ cause: e.cause, code: e.code, nextDelayMs: e.nextDelayMs });
    });
    this.supervisor.on('failed', (f) => o.log.warn(f, 'health sampler keeps failing; retrying at the longest back-off'));
  }

  get state(): string {
    return this.supervisor.state;
  }

  /** The running ffmpeg's pid (benchmark: its CPU time). */
  get pid(): number | undefined {
    return this.supervisor.pid;
  }

  start(): void {
    this.stopping = false;
    this.supervisor.start();
  }

  stop(): Promise<void> {
    this.stopping = true;
    return this.supervisor.stop();
  }
}

/** GOP in ms from a recorded segment's keyframe offsets (median spacing); null when unknown. */
export function gopFromKeyframes(keyframes: readonly number[]): number | null {
  if (keyframes.length < 2) return null;
  const d = keyframes.slice(1).map((k, i) => k - keyframes[i]!).filter((x) => x > 0).sort((a, b) => a - b);
  return d.length ? d[d.length >> 1]! : null;
}
