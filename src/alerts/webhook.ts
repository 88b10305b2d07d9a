import { createHmac, timingSafeEqual } from 'node:crypto';
import { errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import { Fifo } from '../bus/util';
import { severityAtLeast, type Severity } from './types';

export const SIGNATURE_HEADER = 'x-smartview-signature';

/** `t=<ms>,v1=<hex HMAC-SHA256 of "<t>.<body>">` */
export function signBody(secret: string, tMs: number, body: string): string {
  return `t=${tMs},v1=${createHmac('sha256', secret).update(`${tMs}.${body}`).digest('hex')}`;
}

/** For receivers (and tests): is `header` a valid signature of `body`, made within `toleranceMs` of `nowMs`? */
export function verifySignature(secret: string, header: string, body: string, nowMs = Date.now(), toleranceMs = 300_000): boolean {
  const m = /^t=(\d{1,15}),v1=([0-9a-f]{64})$/.exec(header);
  if (!m) return false;
  const t = Number(m[1]);
  if (Math.abs(nowMs - t) > toleranceMs) return false;
  const want = Buffer.from(signBody(secret, t, body).split('v1=')[1]!, 'hex');
  return timingSafeEqual(want, Buffer.from(m[2]!, 'hex'));
}

export interface WebhookEndpoint {
  url: string;
  secret: string;
  minSeverity: Severity;
}

export interface OutboundMessage {
  id: string;
  name: string;
  at: number;
  data: Record<string, unknown>;
}

export interface WebhookOptions {
  timeoutMs: number;
  maxAttempts: number;
  queueSize: number;
  /** First retry delay; doubles per attempt up to maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
}

export interface WebhookStats {
  sent: number;
  retries: number;
  /** Given up after maxAttempts, or refused by the receiver (4xx). */
  failed: number;
  /** Lost to a full queue. */
  dropped: number;
  queued: number;
}

/** Where to log an endpoint: origin and path only (a query string may carry a token). */
function shown(url: string): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
}

/**
 * One webhook endpoint: a bounded queue delivered in order by one worker. Each POST is signed
 * afresh (X-SmartView-Signature) and retried with exponential back-off on network errors,
 * timeouts, 408, 429 and 5xx. The secret is never logged.
 */
export class WebhookSender {
  readonly stats: WebhookStats = { sent: 0, retries: 0, failed: 0, dropped: 0, queued: 0 };
  private readonly queue = new Fifo<OutboundMessage>();
  private running = false;
  private stopped = false;
  private readonly abort = new AbortController();
  private idleWaiters: Array<() => void> = [];
  private readonly where: string;

  constructor(
    private readonly endpoint: WebhookEndpoint,
    private readonly o: WebhookOptions,
    private readonly log: Logger,
  ) {
    this.where = shown(endpoint.url);
  }

  /** Queues the message if its severity is high enough for this endpoint; never waits. */
  offer(msg: OutboundMessage): void {
    if (this.stopped) return;
    if (!severityAtLeast(String(msg.data.severity ?? 'info'), this.endpoint.minSeverity)) return;
    if (this.queue.length >= this.o.queueSize) {
      const lost = this.queue.shift();
      this.stats.dropped++;
      if (this.stats.dropped === 1 || this.stats.dropped % 100 === 0) {
        this.log.warn({ endpoint: this.where, dropped: this.stats.dropped, lostId: lost?.id, queueSize: this.o.queueSize }, 'webhook queue full: dropped the oldest message');
      }
    }
    this.queue.push(msg);
    this.stats.queued = this.queue.length;
    if (!this.running) void this.pump();
  }

  /** Resolves when the queue is empty and nothing is in flight (tests, shutdown). */
  idle(): Promise<void> {
    if (!this.running && this.queue.length === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  stop(): void {
    this.stopped = true;
    this.abort.abort();
    if (this.queue.length) this.log.info({ endpoint: this.where, unsent: this.queue.length }, 'webhook delivery stopped with messages unsent');
    this.queue.clear();
  }

  private async pump(): Promise<void> {
    this.running = true;
    try {
      for (let msg = this.queue.shift(); msg && !this.stopped; msg = this.queue.shift()) {
        this.stats.queued = this.queue.length;
        await this.deliver(msg);
      }
    } finally {
      this.running = false;
      this.stats.queued = this.queue.length;
      for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  private async deliver(msg: OutboundMessage): Promise<void> {
    const body = JSON.stringify(msg);
    const base = this.o.baseDelayMs ?? 1000;
    for (let attempt = 1; attempt <= this.o.maxAttempts && !this.stopped; attempt++) {
      const outcome = await this.post(msg, body);
      if (outcome === 'ok') {
        this.stats.sent++;
        return;
      }
      if (outcome.retry === false || attempt === this.o.maxAttempts) {
        this.stats.failed++;
        this.log.warn({ endpoint: this.where, id: msg.id, name: msg.name, attempts: attempt, reason: outcome.reason }, 'webhook delivery failed; message dropped');
        return;
      }
      this.stats.retries++;
      const delay = Math.min(this.o.maxDelayMs ?? 60_000, base * 2 ** (attempt - 1));
      this.log.debug({ endpoint: this.where, id: msg.id, attempt, delay, reason: outcome.reason }, 'webhook delivery failed; retrying');
      await sleep(delay, this.abort.signal);
    }
  }

  private async post(msg: OutboundMessage, body: string): Promise<'ok' | { retry: boolean; reason: string }> {
    const t = Date.now();
    try {
      const res = await fetch(this.endpoint.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'SmartView-Webhook/1',
          'x-smartview-event': msg.name,
          'x-smartview-delivery': msg.id,
          [SIGNATURE_HEADER]: signBody(this.endpoint.secret, t, body),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.o.timeoutMs)]),
      });
      await res.arrayBuffer().catch((err: unknown) => this.log.debug({ endpoint: this.where, err: errorMessage(err) }, 'webhook answer body unreadable'));
      if (res.status >= 200 && res.status < 300) return 'ok';
      const retry = res.status === 408 || res.status === 429 || res.status >= 500;
      return { retry, reason: `HTTP ${res.status}` };
    } catch (err) {
      return { retry: true, reason: errorMessage(err) };
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    }, { once: true });
  });
}
