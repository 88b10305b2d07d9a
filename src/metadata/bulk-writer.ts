import { OperationalError, errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';

/**
 * A generic batched writer with back-pressure for the hot metadata kinds (src/metadata; the plate
 * sightings keep their own group-commit writer, which also files plate keys and outbox events).
 *
 * - Producers `push` rows into a bounded queue; `concurrency` flushers each take up to `maxBatch` rows
 *   and hand them to the sink (one multi-row statement, see table-sink.ts).
 * - Queue full: with policy 'wait' the producer awaits room (back-pressure reaches the camera's
 *   pipeline, which then drops frames it counts itself); with policy 'drop' (droppable metadata) the row
 *   is refused, counted in `stats.dropped` and logged (at most once every 10 s, with the running count).
 *   Nothing is lost silently: every row is written, counted as dropped, or counted as failed.
 * - A failed batch is retried (`retries` times, growing back-off: a database restart is survived), then
 *   row by row so one bad row fails alone (counted in `stats.failed`, logged with the error).
 */
export interface BulkWriterOptions<R> {
  name: string;
  sink: (rows: R[]) => Promise<void>;
  log: Logger;
  maxQueued?: number;
  maxBatch?: number;
  concurrency?: number;
  policy?: 'wait' | 'drop';
  retries?: number;
  retryDelayMs?: number;
}

export interface BulkWriterStats {
  accepted: number;
  written: number;
  dropped: number;
  failed: number;
  batches: number;
  retried: number;
  maxQueued: number;
  /** Time producers spent waiting for room, ms (back-pressure). */
  waitedMs: number;
}

export class BulkWriter<R> {
  private queue: R[] = [];
  private waiters: (() => void)[] = [];
  private flushers = 0;
  private idleWaiters: (() => void)[] = [];
  private lastDropLog = 0;
  private closed = false;
  readonly stats: BulkWriterStats = { accepted: 0, written: 0, dropped: 0, failed: 0, batches: 0, retried: 0, maxQueued: 0, waitedMs: 0 };
  private readonly maxQueued: number;
  private readonly maxBatch: number;
  private readonly concurrency: number;

  constructor(private readonly o: BulkWriterOptions<R>) {
    this.maxQueued = o.maxQueued ?? 50_000;
    this.maxBatch = o.maxBatch ?? 2000;
    this.concurrency = o.concurrency ?? 2;
  }

  get queued(): number {
    return this.queue.length;
  }

  /** Queues a row. 'wait': resolves true once queued (after waiting for room). 'drop': false when refused. */
  async push(row: R): Promise<boolean> {
    if (this.closed) throw new OperationalError('metadata_writer_closed', `The ${this.o.name} writer is closed; rows can no longer be queued. Restart the node.`);
    if (this.queue.length >= this.maxQueued) {
      if ((this.o.policy ?? 'wait') === 'drop') {
        this.stats.dropped++;
        const now = Date.now();
        if (now - this.lastDropLog > 10_000) {
          this.lastDropLog = now;
          this.o.log.warn({ writer: this.o.name, dropped: this.stats.dropped, queued: this.queue.length }, 'metadata queue full: droppable rows are being dropped (counted); the database is not keeping up');
        }
        return false;
      }
      const t0 = Date.now();
      while (this.queue.length >= this.maxQueued) await new Promise<void>((r) => this.waiters.push(r));
      this.stats.waitedMs += Date.now() - t0;
    }
    this.queue.push(row);
    this.stats.accepted++;
    if (this.queue.length > this.stats.maxQueued) this.stats.maxQueued = this.queue.length;
    this.kick();
    return true;
  }

  /** Resolves when every row queued so far has been written (or counted as failed). */
  async flush(): Promise<void> {
    if (this.queue.length === 0 && this.flushers === 0) return;
    await new Promise<void>((r) => this.idleWaiters.push(r));
  }

  /** Writes what is queued, then refuses new rows. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
  }

  private kick(): void {
    while (this.flushers < this.concurrency && this.queue.length > 0) {
      this.flushers++;
      void this.drain().finally(() => {
        this.flushers--;
        if (this.flushers === 0 && this.queue.length === 0) for (const r of this.idleWaiters.splice(0)) r();
        else this.kick();
      });
    }
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      for (const w of this.waiters.splice(0)) w();
      await this.writeBatch(batch);
    }
  }

  private async writeBatch(batch: R[]): Promise<void> {
    const retries = this.o.retries ?? 5;
    let delay = this.o.retryDelayMs ?? 200;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.o.sink(batch);
        this.stats.written += batch.length;
        this.stats.batches++;
        return;
      } catch (err) {
        if (attempt >= retries) {
          this.o.log.warn({ writer: this.o.name, rows: batch.length, err: errorMessage(err) }, 'a metadata batch failed after its retries; writing its rows one by one');
          break;
        }
        this.stats.retried++;
        this.o.log.warn({ writer: this.o.name, rows: batch.length, attempt: attempt + 1, err: errorMessage(err) }, 'a metadata batch failed; retrying');
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 5000);
      }
    }
    if (batch.length === 1) return this.failRow(batch[0]!, null);
    for (const row of batch) {
      try {
        await this.o.sink([row]);
        this.stats.written++;
      } catch (err) {
        this.failRow(row, err);
      }
    }
  }

  private failRow(_row: R, err: unknown): void {
    this.stats.failed++;
    this.o.log.error({ writer: this.o.name, failed: this.stats.failed, err: err ? errorMessage(err) : 'batch of one failed after its retries' }, 'a metadata row could not be stored (counted as failed)');
  }
}
