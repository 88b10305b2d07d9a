import { appendFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import type { JournalOp, RecordingIndex } from './recording-index';

/**
 * The recorder's write-ahead spool for the index. Every op is appended to
 * `<storage>/.spool/<cameraId>.jsonl` before it is applied; applied ops leave the file. While the
 * store is unavailable ops wait in memory and in the file, and are retried with back-off, in order.
 * On start-up `load()` picks up what a previous process left. Recording never waits on this.
 */
export interface JournalOptions {
  file: string;
  index: RecordingIndex;
  log: Logger;
  initialRetryMs?: number;
  maxRetryMs?: number;
}

export class Journal {
  private pending: JournalOp[] = [];
  private io: Promise<void> = Promise.resolve();
  private flushing = false;
  private again = false;
  private closed = false;
  private retryTimer?: NodeJS.Timeout;
  private delay: number;
  private failingSince: number | null = null;
  private waiters: Array<() => void> = [];
  private dirReady = false;

  constructor(private readonly o: JournalOptions) {
    this.delay = o.initialRetryMs ?? 500;
  }

  /** Ops waiting for the store. */
  get size(): number {
    return this.pending.length;
  }

  /** Reads the spool a previous process left (a torn last line is skipped and reported). */
  async load(): Promise<number> {
    let text: string;
    try {
      text = await readFile(this.o.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw err;
    }
    const ops: JournalOp[] = [];
    for (const [i, line] of text.split('\n').entries()) {
      if (!line.trim()) continue;
      try {
        ops.push(JSON.parse(line) as JournalOp);
      } catch (err) {
        this.o.log.warn({ file: this.o.file, line: i + 1, err: errorMessage(err) }, 'spool line unreadable (torn by a crash?); skipped — its segment file, if any, is re-indexed from .incoming or stays on disk');
      }
    }
    this.pending.unshift(...ops);
    if (ops.length) {
      this.o.log.info({ ops: ops.length }, 'spooled index entries found; indexing them');
      this.kick();
    }
    return ops.length;
  }

  /** Spools the ops (write-ahead) and applies them as soon as the store takes them. */
  async push(...ops: JournalOp[]): Promise<void> {
    if (!ops.length) return;
    this.pending.push(...ops);
    const lines = ops.map((o) => JSON.stringify(o) + '\n').join('');
    await this.file(async () => {
      if (!this.dirReady) await mkdir(path.dirname(this.o.file), { recursive: true });
      this.dirReady = true;
      await appendFile(this.o.file, lines);
    });
    this.kick();
  }

  /** Tries to apply what is pending now (coalesces concurrent calls). */
  kick(): void {
    if (this.closed) return;
    if (this.flushing) {
      this.again = true;
      return;
    }
    clearTimeout(this.retryTimer);
    this.flushing = true;
    void this.flush().finally(() => {
      this.flushing = false;
      if (this.again && !this.closed) {
        this.again = false;
        this.kick();
      }
    });
  }

  /** Resolves once nothing is pending. */
  idle(): Promise<void> {
    if (!this.pending.length) return Promise.resolve();
    return new Promise((r) => this.waiters.push(r));
  }

  /** Stops retrying; pending ops stay in the spool file for the next start. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    while (this.flushing) await new Promise((r) => setTimeout(r, 10));
    await this.io;
  }

  private async flush(): Promise<void> {
    const batch = this.pending.slice(0, 500);
    if (!batch.length) return;
    try {
      await this.o.index.apply(batch);
    } catch (err) {
      if (this.failingSince === null) {
        this.failingSince = Date.now();
        this.o.log.warn({ pending: this.pending.length, err: errorMessage(err), spool: this.o.file }, 'store unavailable: index entries spooled; retrying with back-off (recording continues)');
      }
      if (!this.closed) {
        this.retryTimer = setTimeout(() => this.kick(), this.delay);
        this.retryTimer.unref();
      }
      this.delay = Math.min(this.delay * 2, this.o.maxRetryMs ?? 30_000);
      return;
    }
    this.pending.splice(0, batch.length);
    this.delay = this.o.initialRetryMs ?? 500;
    if (this.failingSince !== null) {
      this.o.log.info({ outageMs: Date.now() - this.failingSince, pending: this.pending.length }, 'store available again: spooled index entries applied');
      this.failingSince = null;
    }
    const rest = this.pending.map((o) => JSON.stringify(o) + '\n').join('');
    await this.file(async () => {
      if (rest) await writeFile(this.o.file, rest);
      else await rm(this.o.file, { force: true });
    });
    if (this.pending.length) this.again = true;
    else for (const w of this.waiters.splice(0)) w();
  }

  /** File operations run one at a time, in call order; a failure is reported, the ops stay in memory. */
  private file(fn: () => Promise<void>): Promise<void> {
    this.io = this.io.then(fn).catch((err: unknown) => {
      this.dirReady = false;
      this.o.log.error({ spool: this.o.file, err: errorMessage(err) }, 'cannot write the spool file; index entries are kept in memory only until the store takes them — check the storage is writable');
    });
    return this.io;
  }
}
