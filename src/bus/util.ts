import { ValidationError } from '../core/errors';

/** Helpers shared by the bus engines (`memory.ts`, `nats.ts`). */

export const DEFAULT_MAX_DELIVER = 5;
/** How long a publish id is remembered for deduplication (also the JetStream duplicate window). */
export const DEDUPE_WINDOW_MS = 2 * 60_000;

const TOKEN = /^[A-Za-z0-9_\-:]+$/;
const NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** A concrete subject: dot-separated tokens, no wildcards. */
export function assertSubject(subject: string): void {
  if (!subject.split('.').every((t) => TOKEN.test(t))) {
    throw new ValidationError(`Invalid bus subject '${subject}': use dot-separated tokens of letters, digits, '_', '-', ':' (no wildcards)`, { subject });
  }
}

/** A subscription pattern: tokens, `*` for one token, `>` only as the last token. */
export function assertPattern(pattern: string): void {
  const tokens = pattern.split('.');
  const ok = tokens.every((t, i) => TOKEN.test(t) || t === '*' || (t === '>' && i === tokens.length - 1));
  if (!ok) {
    throw new ValidationError(`Invalid bus pattern '${pattern}': dot-separated tokens, '*' for one token, '>' only at the end`, { pattern });
  }
}

/** Durable names become JetStream consumer names, so both engines accept the same set. */
export function assertDurable(name: string): void {
  if (!NAME.test(name)) {
    throw new ValidationError(`Invalid durable name '${name}': 1-64 letters, digits, '_' or '-'`, { durable: name });
  }
}

export function assertMaxDeliver(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new ValidationError(`maxDeliver must be a positive integer, got ${n}`, { maxDeliver: n });
}

/** Back-off before delivery attempt `attempt + 1` after `attempt` failures: 50 ms, 100 ms, … capped at 2 s. */
export function retryDelayMs(attempt: number, baseMs = 50): number {
  return Math.min(baseMs * 2 ** Math.max(0, attempt - 1), 2000);
}

/** Sleep that ends early (resolving `false`) when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Wait for the promises to settle, but no longer than `ms`. Resolves `true` if all settled. */
export async function settleWithin(promises: Iterable<Promise<unknown>>, ms: number): Promise<boolean> {
  const all = [...promises];
  if (all.length === 0) return true;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([Promise.allSettled(all).then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A FIFO with O(1) shift (arrays' `shift()` is O(n), which hurts for a 100k backlog). */
export class Fifo<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  /** Put an item back at the front (a message whose delivery was interrupted). */
  unshift(item: T): void {
    if (this.head > 0) this.items[--this.head] = item;
    else this.items.unshift(item);
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }
}
