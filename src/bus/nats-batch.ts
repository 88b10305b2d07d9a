import { ValidationError } from '../core/errors';
import { subjectMatches, type BusMessage } from './bus';
import { DEDUPE_WINDOW_MS, assertPattern } from './util';

/**
 * Producer-side micro-batching of the NATS engine (docs/design/bus-latency.md): while earlier
 * publishes wait for their JetStream ack, further events of the same subject are coalesced (for at
 * most `lingerMs`, `maxEvents` or `maxBytes`) into ONE JetStream message, a batch envelope, made
 * durable by one publish ack. The consumer unpacks it and calls the handler per event.
 *
 * Wire format of a batch: header `Sv-Batch: <count>`, `Nats-Msg-Id: b:<uuid>`, body a JSON array of
 * `{"i": id, "t": publishedAtMs, "d": data}` (no `d` when data is undefined). A "batch" of one event is
 * sent as a plain message (Nats-Msg-Id = event id), exactly as without batching.
 */

export interface BatchOptions {
  /** Subject patterns whose events may be coalesced (NATS wildcards); [] turns batching off. Default ['>']. */
  subjects: string[];
  /** Longest time the first event of a batch waits for more (ms, default 5). */
  lingerMs: number;
  /** Events per batch at most (default 500). */
  maxEvents: number;
  /** Serialised event data per batch at most, in bytes (default 256 KiB; NATS refuses messages over its max_payload, 1 MiB by default). */
  maxBytes: number;
}

export const DEFAULT_BATCH: BatchOptions = { subjects: ['>'], lingerMs: 5, maxEvents: 500, maxBytes: 256 * 1024 };

/** Header naming the number of events in a batch envelope. */
export const BATCH_HEADER = 'Sv-Batch';

export function resolveBatchOptions(opts: Partial<BatchOptions> | undefined): BatchOptions {
  const b = { ...DEFAULT_BATCH, ...(opts ?? {}) };
  for (const p of b.subjects) assertPattern(p);
  const positive = (key: 'lingerMs' | 'maxEvents' | 'maxBytes', max: number): void => {
    const v = b[key];
    if (!Number.isInteger(v) || v < 1 || v > max) throw new ValidationError(`bus.batch.${key} must be a whole number from 1 to ${max}, got ${v}`, { [key]: v });
  };
  positive('lingerMs', 1000);
  positive('maxEvents', 100_000);
  positive('maxBytes', 1024 * 1024);
  return b;
}

export function batchable(opts: BatchOptions, subject: string): boolean {
  return opts.subjects.some((p) => subjectMatches(p, subject));
}

/**
 * Per-subject answers (valid subject? coalesced?) remembered, so a publish at 10,000 events/s does not
 * split and test its subject every time. Bounded: forgets everything past `max` subjects.
 */
export class SubjectCache<T> {
  private readonly map = new Map<string, T>();

  constructor(private readonly compute: (subject: string) => T, private readonly max = 10_000) {}

  get(subject: string): T {
    let v = this.map.get(subject);
    if (v === undefined) {
      v = this.compute(subject); // throws for an invalid subject: nothing is remembered then
      if (this.map.size >= this.max) this.map.clear();
      this.map.set(subject, v);
    }
    return v;
  }
}

/** One event of a batch as the publisher holds it (data already serialised). */
export interface BatchItem {
  id: string;
  at: number;
  json: string | undefined;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The batch body; `json` is already valid JSON, so it is spliced in rather than encoded again. */
export function encodeBatch(items: readonly BatchItem[]): Uint8Array {
  const parts = items.map((it) => `{"i":${JSON.stringify(it.id)},"t":${it.at}${it.json === undefined ? '' : `,"d":${it.json}`}}`);
  return encoder.encode(`[${parts.join(',')}]`);
}

/** Parse a batch body into the bus messages of `subject`; throws on anything that is not one (the caller terminates such a message). */
export function decodeBatch(body: Uint8Array, subject: string): BusMessage[] {
  const parsed: unknown = JSON.parse(decoder.decode(body));
  if (!Array.isArray(parsed)) throw new Error('batch body is not a JSON array');
  return parsed.map((raw: unknown, n) => {
    const it = raw as { i?: unknown; t?: unknown; d?: unknown };
    if (typeof it !== 'object' || it === null || typeof it.i !== 'string' || typeof it.t !== 'number') {
      throw new Error(`batch item ${n} has no string id 'i' and number 't'`);
    }
    return { subject, id: it.i, publishedAt: it.t, data: it.d };
  });
}

/**
 * Ids a subscription has handled recently (insertion order = age), bounded by count and age. The
 * consumer side of deduplication: JetStream deduplicates by `Nats-Msg-Id` per message, which covers
 * a batch as a whole but not the events inside it (a publisher that retries an event, a batch
 * redelivered after one of its events failed).
 */
export class RecentIds {
  private readonly ids = new Map<string, number>();
  private prunedAt = 0;

  constructor(private readonly maxIds: number, private readonly windowMs: number = DEDUPE_WINDOW_MS) {}

  get size(): number {
    return this.ids.size;
  }

  has(id: string, now = Date.now()): boolean {
    const at = this.ids.get(id);
    return at !== undefined && now - at < this.windowMs;
  }

  add(id: string, now = Date.now()): void {
    this.ids.delete(id); // re-inserted at the young end
    this.ids.set(id, now);
    // Pruning walks from the oldest; by count at every add, by age at most once a second (has() checks the age anyway).
    if (this.ids.size <= this.maxIds && now - this.prunedAt < 1000) return;
    this.prunedAt = now;
    for (const [old, at] of this.ids) {
      if (this.ids.size <= this.maxIds && now - at < this.windowMs) break;
      this.ids.delete(old);
    }
  }
}
