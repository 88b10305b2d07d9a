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
  /** Called with the rows of each committed batch (or single row), e.g. to count them as stored. */
  onWritten?: (rows: R[]) => void;
  /** Called for a row that could not be stored after its retries (already counted in stats.failed and logged). */
  onFailed?: (row: R, err: unknown) => void;
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
  /** Rows taken from the queue so far (a row's position = its index in push order). */
  private taken = 0;
  /** Positions [from, to) of the batches being written. */
  private readonly inFlight = new Set<{ from: number; to: number }>();
  private barriers: { upTo: number; resolve: () => void }[] = [];
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

  /**
   * Resolves when every row queued so far has been written (or counted as failed): a barrier, so rows
   * pushed after the call (live cameras keep producing) do not keep it waiting.
   */
  async flush(): Promise<void> {
    const upTo = this.taken + this.queue.length;
    if (this.settledBelow() >= upTo) return;
    await new Promise<void>((resolve) => this.barriers.push({ upTo, resolve }));
  }

  /** Every row at a position below this is written or counted as failed. */
  private settledBelow(): number {
    let low = this.taken;
    for (const b of this.inFlight) if (b.from < low) low = b.from;
    return low;
  }

  private release(): void {
    if (!this.barriers.length) return;
    const low = this.settledBelow();
    const ready = this.barriers.filter((b) => b.upTo <= low);
    if (!ready.length) return;
    this.barriers = this.barriers.filter((b) => b.upTo > low);
    for (const b of ready) b.resolve();
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
        this.kick();
      });
    }
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      const span = { from: this.taken, to: this.taken + batch.length };
      this.taken = span.to;
      this.inFlight.add(span);
      for (const w of this.waiters.splice(0)) w();
      try {
        await this.writeBatch(batch);
      } finally {
        this.inFlight.delete(span);
        this.release();
      }
    }
  }

  private async writeBatch(batch: R[]): Promise<void> {
    const retries = this.o.retries ?? 5;
    let delay = this.o.retryDelayMs ?? 200;
    let lastErr: unknown = null;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.o.sink(batch);
      } catch (err) {
        lastErr = err;
        if (attempt >= retries) {
          this.o.log.warn({ writer: this.o.name, rows: batch.length, err: errorMessage(err) }, 'a metadata batch failed after its retries; writing its rows one by one');
          break;
        }
        this.stats.retried++;
        this.o.log.warn({ writer: this.o.name, rows: batch.length, attempt: attempt + 1, err: errorMessage(err) }, 'a metadata batch failed; retrying');
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 5000);
        continue;
      }
      // Outside the try: a failing callback must not make a committed batch look failed (it would be written twice).
      this.stats.written += batch.length;
      this.stats.batches++;
      this.written(batch);
      return;
    }
    if (batch.length === 1) return this.failRow(batch[0]!, lastErr);
    for (const row of batch) {
      try {
        await this.o.sink([row]);
      } catch (err) {
        this.failRow(row, err);
        continue;
      }
      this.stats.written++;
      this.written([row]);
    }
  }

  private written(rows: R[]): void {
    try {
      this.o.onWritten?.(rows);
    } catch (err) {
      this.o.log.error({ writer: this.o.name, err: errorMessage(err) }, 'the onWritten callback of a metadata writer failed (the rows are stored)');
    }
  }

  private failRow(row: R, err: unknown): void {
    this.stats.failed++;
    this.o.log.error({ writer: this.o.name, failed: this.stats.failed, err: err ? errorMessage(err) : 'batch of one failed after its retries' }, 'a metadata row could not be stored (counted as failed)');
    try {
      this.o.onFailed?.(row, err);
    } catch (cbErr) {
      this.o.log.error({ writer: this.o.name, err: errorMessage(cbErr) }, 'the onFailed callback of a metadata writer failed');
    }
  }
}
