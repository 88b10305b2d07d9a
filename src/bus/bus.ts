import type { EpochMs } from '../core/time';

/**
 * The event bus port. Two engines implement it: in-process (`memory.ts`, the embedded default)
 * and NATS JetStream (`nats.ts`, cluster mode). `bus.contract.test.ts` runs the same suite on both.
 *
 * The bus carries metadata only (domain events, "segment closed", health) — never frames.
 * Subjects are dot-separated (`camera.created`); patterns use NATS wildcards: `*` one token,
 * `>` one or more trailing tokens. Engines prefix subjects with `bus.subjectPrefix` on the wire.
 */
export interface BusMessage<T = unknown> {
  /** Subject without the engine prefix, e.g. `camera.created`. */
  subject: string;
  data: T;
  /** Unique id; publishing twice with the same id delivers once (deduplication window). */
  id: string;
  publishedAt: EpochMs;
}

export type BusHandler<T = unknown> = (msg: BusMessage<T>) => Promise<void> | void;

export interface SubscribeOptions {
  /**
   * Durable consumer name. Messages published while a durable subscriber is away are delivered
   * when it returns; a handler that throws gets the message again (at-least-once).
   * Several subscriptions with the same durable name share the work (queue semantics).
   * Without a name the subscription is ephemeral and sees only messages published after it starts.
   */
  durable?: string;
  /** How many times to try a message whose handler throws before giving up (default 5). */
  maxDeliver?: number;
}

export interface Subscription {
  unsubscribe(): Promise<void>;
}

export interface EventBus {
  readonly engine: 'memory' | 'nats';
  /** Resolves once the message is durably accepted (JetStream ack) or handed to local subscribers. */
  publish<T>(subject: string, data: T, opts?: { id?: string }): Promise<void>;
  subscribe<T>(pattern: string, handler: BusHandler<T>, opts?: SubscribeOptions): Promise<Subscription>;
  close(): Promise<void>;
}

/** Does `subject` match the NATS-style `pattern`? */
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length) return false;
    if (p[i] !== '*' && p[i] !== s[i]) return false;
  }
  return p.length === s.length;
}
