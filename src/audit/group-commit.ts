/**
 * Group commit of standalone audit records (views, searches, reads: records that belong to no change).
 *
 * A record written together with a change stays in the change's transaction (`AuditLog.append(tx, …)`).
 * A standalone record has no transaction of its own to join, and one transaction per record (node lock,
 * head row FOR UPDATE, insert, head update, commit) caps a node at a few hundred appends/s on PostgreSQL
 * under load. Here concurrent callers' records are collected and appended in ONE transaction, chained
 * in arrival order (append.ts appendBodies):
 *
 * - Batching: while a batch is being committed, newcomers queue; when it ends, everything queued (up to
 *   `maxBatch`) goes in the next one. An idle appender starts a batch `lingerMs` after the first record
 *   (0: on the next turn of the event loop, so callers of the same tick share it). A record therefore
 *   waits at most `lingerMs` plus one batch commit before its own batch starts. One batch at a time per
 *   appender: the node lock serialises a node's appends anyway.
 * - Durability: a caller's promise resolves only after its batch committed; nothing is acknowledged
 *   before it is durable. A failed batch rejects every caller in it with the error (the transaction
 *   rolled back, the chain is as before); nothing is retried behind the callers' backs.
 * - An invalid entry (bad action, details too large, …) is rejected at once and never joins a batch.
 */
import { errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import type { Db } from '../store/store';
import { appendBodies, toRecordBody, type ChainConfig, type RecordBody } from './append';
import type { AppendedRecord, AuditEntry } from './types';

export interface GroupCommitOptions {
  /** The database (not a transaction): each batch opens its own transaction on it. */
  db: Db;
  cfg: ChainConfig;
  log?: Logger;
  /** Records per transaction at most (default 256). */
  maxBatch?: number;
  /** How long an idle appender waits for company before starting a batch, ms (default 0: next event-loop turn). */
  lingerMs?: number;
}

export interface GroupCommitStats {
  /** Records committed. */
  appended: number;
  /** Transactions committed. */
  batches: number;
  /** Records rejected because their batch failed. */
  failed: number;
  /** Largest batch committed. */
  maxBatch: number;
}

interface Waiter {
  body: RecordBody;
  resolve: (r: AppendedRecord) => void;
  reject: (err: unknown) => void;
}

export class AuditGroupCommit {
  readonly stats: GroupCommitStats = { appended: 0, batches: 0, failed: 0, maxBatch: 0 };
  private queue: Waiter[] = [];
  private running: Promise<void> | null = null;
  private cancelTimer: (() => void) | null = null;
  private closed = false;
  private readonly maxBatch: number;
  private readonly lingerMs: number;

  constructor(private readonly o: GroupCommitOptions) {
    this.maxBatch = Math.max(1, o.maxBatch ?? 256);
    this.lingerMs = Math.max(0, o.lingerMs ?? 0);
    if (o.db.isTransaction) throw new Error('AuditGroupCommit needs the database, not a transaction: each batch commits on its own');
  }

  /** Records waiting for a batch (not yet in a committing one). */
  get queued(): number {
    return this.queue.length;
  }

  /** Appends one record; resolves once the transaction holding it has committed. */
  append(entry: AuditEntry): Promise<AppendedRecord> {
    if (this.closed) return Promise.reject(new Error('The audit group-commit appender is closed; the record was not written'));
    let body: RecordBody;
    try {
      body = toRecordBody(entry, this.o.cfg.clock.now());
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(errorMessage(err)));
    }
    return new Promise<AppendedRecord>((resolve, reject) => {
      this.queue.push({ body, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves once every record queued so far has been committed (or rejected). */
  async flush(): Promise<void> {
    while (this.running || this.queue.length > 0) {
      if (!this.running) this.start();
      await this.running;
    }
  }

  /** Commits what is queued, then refuses new records. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
  }

  private schedule(): void {
    if (this.running) return; // the running batch starts the next one when it ends
    if (this.queue.length >= this.maxBatch) {
      this.start();
      return;
    }
    if (this.cancelTimer) return;
    const go = (): void => {
      this.cancelTimer = null;
      if (!this.running && this.queue.length > 0) this.start();
    };
    if (this.lingerMs > 0) {
      const t = setTimeout(go, this.lingerMs);
      this.cancelTimer = () => clearTimeout(t);
    } else {
      const i = setImmediate(go);
      this.cancelTimer = () => clearImmediate(i);
    }
  }

  private start(): void {
    this.cancelTimer?.();
    this.cancelTimer = null;
    const batch = this.queue.splice(0, this.maxBatch);
    this.running = this.commit(batch).finally(() => {
      this.running = null;
      // Records that arrived during the commit waited for it already: start their batch at once.
      if (this.queue.length > 0) this.start();
    });
  }

  private async commit(batch: Waiter[]): Promise<void> {
    let recs: AppendedRecord[];
    try {
      recs = await this.o.db.transaction().execute((tx) => appendBodies(tx, this.o.cfg, batch.map((w) => w.body)));
    } catch (err) {
      this.stats.failed += batch.length;
      this.o.log?.error({ node: this.o.cfg.node, records: batch.length, err: errorMessage(err) }, 'an audit group commit failed; every record in it is rejected to its caller');
      for (const w of batch) w.reject(err);
      return;
    }
    this.stats.appended += batch.length;
    this.stats.batches++;
    if (batch.length > this.stats.maxBatch) this.stats.maxBatch = batch.length;
    batch.forEach((w, i) => w.resolve(recs[i]!));
  }
}
