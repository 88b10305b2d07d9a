import { randomUUID } from 'node:crypto';
import { OperationalError, errorMessage } from '../core/errors';
import { silentLogger, type Logger } from '../core/logger';
import { systemClock, type Clock } from '../core/time';
import { subjectMatches, type BusHandler, type BusMessage, type EventBus, type SubscribeOptions, type Subscription } from './bus';
import {
  DEDUPE_WINDOW_MS, DEFAULT_MAX_DELIVER, Fifo, assertDurable, assertMaxDeliver, assertPattern, assertSubject,
  retryDelayMs, settleWithin, sleep,
} from './util';

/**
 * In-process event bus (engine `memory`, the embedded default).
 *
 * - Publish resolves once the message is queued for every matching subscription; handlers run
 *   later, one message at a time per subscriber, in publish order. A slow subscriber never blocks
 *   a publisher: every queue is bounded and, when full, drops its oldest message (counted, logged).
 * - Durable consumers keep messages published while no subscriber with their name is attached,
 *   but only for the lifetime of this process: there is no persistence. Cluster deployments that
 *   need durability across restarts use the `nats` engine.
 * - A durable consumer is created by its first subscription and sees messages from then on.
 * - Subscribing to an existing durable name with another pattern or maxDeliver redefines it.
 */
export interface MemoryBusOptions {
  logger?: Logger;
  clock?: Clock;
  /** How long a publish id is remembered (default 2 minutes). */
  dedupeWindowMs?: number;
  /** How many publish ids are remembered at most (default 10,000). */
  dedupeMaxIds?: number;
  /** Messages kept per durable consumer (default 100,000). */
  durableBacklog?: number;
  /** Messages queued per ephemeral subscription (default 10,000). */
  ephemeralQueue?: number;
  /** Base of the redelivery back-off in ms (default 50, doubling, capped at 2 s). */
  retryBaseMs?: number;
}

interface Entry {
  msg: BusMessage;
  attempts: number;
}

interface Receiver {
  handler: BusHandler;
  active: boolean;
  running: boolean;
  abort: AbortController;
}

/** A queue of messages for one ephemeral subscription or one durable consumer (shared by its receivers). */
interface Channel {
  label: string;
  durable?: string;
  pattern: string;
  maxDeliver: number;
  limit: number;
  queue: Fifo<Entry>;
  dropped: number;
  receivers: Set<Receiver>;
}

export class MemoryBus implements EventBus {
  readonly engine = 'memory' as const;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly dedupeWindowMs: number;
  private readonly dedupeMaxIds: number;
  private readonly durableBacklog: number;
  private readonly ephemeralQueue: number;
  private readonly retryBaseMs: number;
  private readonly seen = new Map<string, number>();
  private readonly ephemeral = new Set<Channel>();
  private readonly durables = new Map<string, Channel>();
  private readonly inflight = new Set<Promise<unknown>>();
  private closed = false;

  constructor(opts: MemoryBusOptions = {}) {
    this.logger = (opts.logger ?? silentLogger()).child({ component: 'bus', engine: 'memory' });
    this.clock = opts.clock ?? systemClock;
    this.dedupeWindowMs = opts.dedupeWindowMs ?? DEDUPE_WINDOW_MS;
    this.dedupeMaxIds = opts.dedupeMaxIds ?? 10_000;
    this.durableBacklog = opts.durableBacklog ?? 100_000;
    this.ephemeralQueue = opts.ephemeralQueue ?? 10_000;
    this.retryBaseMs = opts.retryBaseMs ?? 50;
  }

  async publish<T>(subject: string, data: T, opts?: { id?: string }): Promise<void> {
    if (this.closed) throw new OperationalError('bus_closed', 'The event bus is closed', { details: { subject } });
    assertSubject(subject);
    const id = opts?.id ?? randomUUID();
    if (this.isDuplicate(id)) {
      this.logger.debug({ subject, id }, 'duplicate publish ignored');
      return;
    }
    // Serialise once, as the NATS engine does: subscribers get their own copy of JSON-safe data.
    const json = data === undefined ? undefined : JSON.stringify(data);
    const publishedAt = this.clock.now();
    for (const ch of [...this.ephemeral, ...this.durables.values()]) {
      if (!subjectMatches(ch.pattern, subject)) continue;
      const copy: unknown = json === undefined ? undefined : JSON.parse(json);
      this.enqueue(ch, { msg: { subject, data: copy, id, publishedAt }, attempts: 0 });
    }
  }

  async subscribe<T>(pattern: string, handler: BusHandler<T>, opts: SubscribeOptions = {}): Promise<Subscription> {
    if (this.closed) throw new OperationalError('bus_closed', 'The event bus is closed', { details: { pattern } });
    assertPattern(pattern);
    const maxDeliver = opts.maxDeliver ?? DEFAULT_MAX_DELIVER;
    assertMaxDeliver(maxDeliver);
    const receiver: Receiver = { handler: handler as BusHandler, active: true, running: false, abort: new AbortController() };
    let ch: Channel;
    if (opts.durable !== undefined) {
      assertDurable(opts.durable);
      const existing = this.durables.get(opts.durable);
      if (existing) {
        if (existing.pattern !== pattern || existing.maxDeliver !== maxDeliver) {
          this.logger.info({ durable: opts.durable, from: existing.pattern, to: pattern, maxDeliver }, 'durable consumer redefined');
          existing.pattern = pattern;
          existing.maxDeliver = maxDeliver;
        }
        ch = existing;
      } else {
        ch = this.channel(`durable ${opts.durable}`, pattern, maxDeliver, this.durableBacklog, opts.durable);
        this.durables.set(opts.durable, ch);
      }
    } else {
      ch = this.channel(`ephemeral ${pattern}`, pattern, maxDeliver, this.ephemeralQueue);
      this.ephemeral.add(ch);
    }
    ch.receivers.add(receiver);
    this.kick(ch); // a returning durable subscriber gets its backlog
    return {
      unsubscribe: async () => {
        if (!receiver.active) return;
        receiver.active = false;
        receiver.abort.abort();
        ch.receivers.delete(receiver);
        if (ch.durable === undefined) {
          this.ephemeral.delete(ch);
          ch.queue.clear();
        } else {
          this.kick(ch); // another subscriber of the same durable takes over
        }
      },
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const ch of [...this.ephemeral, ...this.durables.values()]) {
      for (const r of ch.receivers) {
        r.active = false;
        r.abort.abort();
      }
      ch.receivers.clear();
      ch.queue.clear();
    }
    this.ephemeral.clear();
    this.durables.clear();
    // Let handlers that are running finish (bounded), so shutdown does not cut them off mid-way.
    if (!(await settleWithin(this.inflight, 5000))) {
      this.logger.warn({ running: this.inflight.size }, 'bus closed while handlers were still running');
    }
  }

  private channel(label: string, pattern: string, maxDeliver: number, limit: number, durable?: string): Channel {
    return { label, pattern, maxDeliver, limit, durable, queue: new Fifo<Entry>(), dropped: 0, receivers: new Set() };
  }

  private isDuplicate(id: string): boolean {
    const now = this.clock.now();
    for (const [old, at] of this.seen) {
      if (this.seen.size <= this.dedupeMaxIds && now - at < this.dedupeWindowMs) break;
      this.seen.delete(old);
    }
    if (this.seen.has(id)) return true;
    this.seen.set(id, now);
    return false;
  }

  private enqueue(ch: Channel, entry: Entry): void {
    if (ch.queue.length >= ch.limit) {
      const lost = ch.queue.shift();
      ch.dropped++;
      if (ch.dropped === 1 || ch.dropped % 1000 === 0) {
        this.logger.warn({ subscription: ch.label, limit: ch.limit, dropped: ch.dropped, lostId: lost?.msg.id }, 'bus queue full: dropped the oldest message');
      }
    }
    ch.queue.push(entry);
    this.kick(ch);
  }

  /** Start a delivery loop for every idle receiver of the channel (after the current call stack). */
  private kick(ch: Channel): void {
    if (ch.queue.length === 0) return;
    for (const r of ch.receivers) {
      if (!r.active || r.running) continue;
      r.running = true;
      queueMicrotask(() => void this.run(ch, r));
    }
  }

  private async run(ch: Channel, r: Receiver): Promise<void> {
    try {
      while (r.active && !this.closed) {
        const entry = ch.queue.shift();
        if (!entry) break;
        if (!(await this.deliver(ch, r, entry))) {
          ch.queue.unshift(entry); // the receiver left during a retry: keep the message for the others
          break;
        }
      }
    } catch (err) {
      this.logger.error({ err, subscription: ch.label }, 'bus delivery loop failed');
    } finally {
      r.running = false;
    }
    if (!this.closed) this.kick(ch);
  }

  /** Deliver with retries. Returns false when the receiver went away before the message was handled. */
  private async deliver(ch: Channel, r: Receiver, entry: Entry): Promise<boolean> {
    const { msg } = entry;
    for (;;) {
      entry.attempts++;
      const call = (async () => r.handler(msg))();
      this.inflight.add(call);
      try {
        await call;
        return true;
      } catch (err) {
        const log = { err, subscription: ch.label, subject: msg.subject, id: msg.id, attempt: entry.attempts, maxDeliver: ch.maxDeliver };
        if (entry.attempts >= ch.maxDeliver) {
          this.logger.error(log, `bus handler failed ${entry.attempts} times; message dropped: ${errorMessage(err)}`);
          return true;
        }
        this.logger.warn(log, `bus handler failed; will redeliver: ${errorMessage(err)}`);
      } finally {
        this.inflight.delete(call);
      }
      const waited = await sleep(retryDelayMs(entry.attempts, this.retryBaseMs), r.abort.signal);
      if (!waited || !r.active || this.closed) return false;
    }
  }
}
