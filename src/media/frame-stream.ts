/**
 * One long-running ffmpeg whose stdout is raw video of a fixed frame size, kept alive by the
 * Supervisor (restart with back-off, stall = no frame for stallTimeoutMs). Every whole frame goes
 * to `onFrame` with its arrival time; nothing queues here (the reader holds at most one partial
 * frame). Used by the health sampler (grey) and the analytics camera sampler (rgb24).
 */
import type { Logger } from '../core/logger';
import { spawnFfmpeg, type MediaTools } from './ffmpeg';
import { RawFrameReader } from './raw-frames';
import { Supervisor, type ExitCause } from './supervisor';

export interface FrameStreamOptions {
  tools: MediaTools;
  /** ffmpeg arguments (they may carry credentials: never logged unredacted). */
  args: readonly string[];
  frameBytes: number;
  restartInitialDelayMs: number;
  restartMaxDelayMs: number;
  stallTimeoutMs: number;
  log: Logger;
  /** What the log lines call this stream ('health sampler', 'analytics sampler'). */
  name: string;
  onFrame(data: Uint8Array, at: number): void;
  /** A run ended (for metrics): why, and when the next starts. */
  onExit?(info: { cause: ExitCause; code: number | null; nextDelayMs: number | null }): void;
}

export interface FrameStreamStats {
  frames: number;
  runs: number;
  lastFrameAt: number | null;
  lastExit: { cause: string; code: number | null; at: number } | null;
}

export class FrameStream {
  private readonly supervisor: Supervisor;
  private stopping = false;
  readonly stats: FrameStreamStats = { frames: 0, runs: 0, lastFrameAt: null, lastExit: null };

  constructor(o: FrameStreamOptions) {
    this.supervisor = new Supervisor({
      initialDelayMs: o.restartInitialDelayMs,
      maxDelayMs: o.restartMaxDelayMs,
      stallTimeoutMs: o.stallTimeoutMs,
      stopGraceMs: 2000,
      log: o.log,
      spawn: () => {
        const reader = new RawFrameReader(o.frameBytes, (data) => {
          if (this.stopping) return; // ffmpeg flushes a last frame when it is told to stop
          const at = Date.now();
          this.stats.frames++;
          this.stats.lastFrameAt = at;
          this.supervisor.touch();
          o.onFrame(data, at);
        });
        const child = spawnFfmpeg(o.tools, o.args, { stdout: 'pipe', log: o.log });
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
        o.log.warn({ cause: e.cause, code: e.code, signal: e.signal, runMs: e.runMs, nextDelayMs: e.nextDelayMs, err: e.error }, `${o.name} ended; restarting after back-off`);
      }
      o.onExit?.({ cause: e.cause, code: e.code, nextDelayMs: e.nextDelayMs });
    });
    this.supervisor.on('failed', (f) => o.log.warn(f, `${o.name} keeps failing; retrying at the longest back-off`));
  }

  get state(): string {
    return this.supervisor.state;
  }

  /** The running ffmpeg's pid (benchmarks: its CPU time). */
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
