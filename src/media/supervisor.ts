import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';

/**
 * Keeps one long-running process (an ffmpeg per camera and stream role) alive:
 * - restarts it when it exits, with exponential back-off (initialDelayMs doubling up to maxDelayMs);
 *   a run that made progress for healthyAfterMs resets the back-off;
 * - a restart-rate limit: more than maxRestarts restarts within restartWindowMs → `failed`, and the
 *   next attempts wait maxDelayMs each until a run is healthy again;
 * - stall detection: a run that reports no progress (`touch()`) for stallTimeoutMs is killed
 *   (SIGKILL) and restarted;
 * - clean stop: SIGINT, then SIGKILL after stopGraceMs.
 * The owner spawns (so the supervisor knows nothing of ffmpeg) and reports progress.
 */
export type ExitCause = 'exited' | 'stalled' | 'stopped' | 'restarted' | 'spawn_failed';

export interface SupervisorOptions {
  spawn: () => ChildProcess;
  initialDelayMs: number;
  maxDelayMs: number;
  stallTimeoutMs: number;
  stopGraceMs?: number;
  maxRestarts?: number;
  restartWindowMs?: number;
  healthyAfterMs?: number;
  log?: Logger;
}

export interface ExitInfo {
  run: number;
  pid: number | undefined;
  code: number | null;
  signal: NodeJS.Signals | null;
  cause: ExitCause;
  runMs: number;
  /** When the next attempt starts (null: none, the supervisor stops). */
  nextDelayMs: number | null;
  error?: string;
}

export interface SupervisorEvents {
  started: [{ run: number; pid: number | undefined }];
  exited: [ExitInfo];
  stalled: [{ run: number; idleMs: number }];
  failed: [{ restarts: number; windowMs: number; delayMs: number }];
}

export type SupervisorState = 'idle' | 'running' | 'waiting' | 'stopping' | 'stopped';

export class Supervisor extends EventEmitter<SupervisorEvents> {
  private child?: ChildProcess;
  private run = 0;
  private runStart = 0;
  private lastProgress = 0;
  private progressed = false;
  private failures = 0;
  private restarts: number[] = [];
  private limited = false;
  private restartTimer?: NodeJS.Timeout;
  private stallTimer?: NodeJS.Timeout;
  private killTimer?: NodeJS.Timeout;
  private pendingCause?: ExitCause;
  private exitWaiters: Array<() => void> = [];
  private _state: SupervisorState = 'idle';

  constructor(private readonly o: SupervisorOptions) {
    super();
  }

  get state(): SupervisorState {
    return this._state;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    if (this._state !== 'idle') return;
    this.launch();
  }

  /** The process made progress (new output): resets the stall clock. */
  touch(): void {
    this.lastProgress = Date.now();
    this.progressed = true;
  }

  /** Restart now (e.g. the source changed): no back-off, not counted as a failure. */
  restart(): void {
    if (this._state === 'waiting') {
      clearTimeout(this.restartTimer);
      this.launch();
    } else if (this._state === 'running') this.terminate('restarted');
  }

  /** SIGINT, then SIGKILL after the grace period; resolves when the process is gone. */
  async stop(): Promise<void> {
    if (this._state === 'stopped') return;
    clearTimeout(this.restartTimer);
    const running = this._state === 'running' || this._state === 'stopping';
    this._state = 'stopping';
    if (running && this.child) {
      const gone = new Promise<void>((r) => this.exitWaiters.push(r));
      this.terminate('stopped');
      await gone;
    }
    this._state = 'stopped';
    this.clearTimers();
  }

  private launch(): void {
    this.run++;
    this.runStart = Date.now();
    this.lastProgress = this.runStart;
    this.progressed = false;
    this.pendingCause = undefined;
    let child: ChildProcess;
    try {
      child = this.o.spawn();
    } catch (err) {
      this.onExit(undefined, null, null, 'spawn_failed', errorMessage(err));
      return;
    }
    this.child = child;
    this._state = 'running';
    let done = false;
    let spawnError: string | undefined;
    child.on('error', (err) => {
      spawnError = err.message;
      if (child.pid === undefined && !done) {
        done = true;
        this.onExit(undefined, null, null, 'spawn_failed', spawnError);
      }
    });
    child.once('close', (code, signal) => {
      if (done) return;
      done = true;
      this.onExit(child.pid, code, signal, spawnError ? 'spawn_failed' : undefined, spawnError);
    });
    const every = Math.max(50, Math.min(1000, Math.floor(this.o.stallTimeoutMs / 4)));
    this.stallTimer = setInterval(() => this.checkStall(), every);
    this.stallTimer.unref();
    this.emit('started', { run: this.run, pid: child.pid });
  }

  private checkStall(): void {
    if (this._state !== 'running' || this.pendingCause) return;
    const idle = Date.now() - this.lastProgress;
    if (idle < this.o.stallTimeoutMs) return;
    this.emit('stalled', { run: this.run, idleMs: idle });
    this.pendingCause = 'stalled';
    this.child?.kill('SIGKILL');
  }

  private terminate(cause: ExitCause): void {
    const child = this.child;
    if (!child || this.pendingCause === 'stopped') return;
    this.pendingCause = cause;
    child.kill('SIGINT');
    clearTimeout(this.killTimer);
    this.killTimer = setTimeout(() => {
      this.o.log?.warn({ pid: child.pid, graceMs: this.o.stopGraceMs ?? 5000 }, 'process ignored SIGINT; killing it');
      child.kill('SIGKILL');
    }, this.o.stopGraceMs ?? 5000);
    this.killTimer.unref();
  }

  private onExit(pid: number | undefined, code: number | null, signal: NodeJS.Signals | null, forced: ExitCause | undefined, error?: string): void {
    this.clearTimers();
    this.child = undefined;
    const now = Date.now();
    const runMs = now - this.runStart;
    const cause: ExitCause = forced ?? this.pendingCause ?? 'exited';
    const stopping = this._state === 'stopping' || cause === 'stopped';
    let nextDelayMs: number | null = null;
    if (!stopping) {
      nextDelayMs = cause === 'restarted' ? 0 : this.backoff(now, runMs);
      this._state = 'waiting';
    }
    this.emit('exited', { run: this.run, pid, code, signal, cause, runMs, nextDelayMs, error });
    const waiters = this.exitWaiters.splice(0);
    for (const w of waiters) w();
    if (nextDelayMs !== null && this._state === 'waiting') {
      this.restartTimer = setTimeout(() => {
        if (this._state === 'waiting') this.launch();
      }, nextDelayMs);
    }
  }

  private backoff(now: number, runMs: number): number {
    const healthyAfter = this.o.healthyAfterMs ?? Math.max(this.o.maxDelayMs, 10_000);
    if (this.progressed && runMs >= healthyAfter) {
      this.failures = 0;
      this.limited = false;
    }
    this.failures++;
    const window = this.o.restartWindowMs ?? 10 * 60_000;
    const max = this.o.maxRestarts ?? 20;
    this.restarts = this.restarts.filter((t) => now - t < window);
    this.restarts.push(now);
    let delay = Math.min(this.o.initialDelayMs * 2 ** Math.min(this.failures - 1, 30), this.o.maxDelayMs);
    if (this.restarts.length > max) {
      delay = this.o.maxDelayMs;
      if (!this.limited) {
        this.limited = true;
        this.emit('failed', { restarts: this.restarts.length, windowMs: window, delayMs: delay });
      }
    }
    return delay;
  }

  private clearTimers(): void {
    clearInterval(this.stallTimer);
    clearTimeout(this.killTimer);
    this.stallTimer = undefined;
    this.killTimer = undefined;
  }
}
