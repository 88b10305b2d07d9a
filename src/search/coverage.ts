import { randomUUID } from 'node:crypto';
import { errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import type { Store } from '../store/store';
import { CoverageRepository } from './coverage.repository';

/** Frames further apart than this end a span (a stopped pipeline, a camera offline). */
export const LIVE_SPAN_GAP_MS = 30_000;

interface Open {
  id: string;
  fromMs: number;
  toMs: number;
  stored: boolean;
  dirty: boolean;
}

/**
 * What the live analytics analysed, per camera: the indexer sees every frame a live pipeline processes
 * (observeFrame, also frames the motion gate let pass empty), so a camera's frames close together form a
 * span [first frame, last frame]. Spans are kept in memory and written every `flushMs` (one insert per span,
 * then an update of its end), so the hot path costs a Map lookup. A crash loses at most the last flushMs.
 */
export class LiveCoverage {
  private readonly open = new Map<string, Open>();
  private closed: Array<Open & { cameraId: string }> = [];
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly o: { store: Store; log: Logger; node: string; now?: () => number; gapMs?: number; flushMs?: number }) {}

  observe(cameraId: string, atMs = (this.o.now ?? Date.now)()): void {
    const s = this.open.get(cameraId);
    if (s && atMs >= s.toMs && atMs - s.toMs <= (this.o.gapMs ?? LIVE_SPAN_GAP_MS)) {
      s.toMs = atMs;
      s.dirty = true;
      return;
    }
    if (s && atMs < s.toMs) return; // out of order: already covered or older than the span (ignored)
    if (s) this.closed.push({ ...s, cameraId });
    this.open.set(cameraId, { id: randomUUID(), fromMs: atMs, toMs: atMs, stored: false, dirty: true });
  }

  start(): void {
    this.timer ??= setInterval(() => void this.flush(), this.o.flushMs ?? 15_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  /** Writes new and extended spans; one flush at a time. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.write());
    return this.flushing;
  }

  private async write(): Promise<void> {
    const closed = this.closed;
    this.closed = [];
    const todo = [...closed, ...[...this.open.entries()].map(([cameraId, s]) => Object.assign(s, { cameraId }))].filter((s) => s.dirty && s.toMs > s.fromMs);
    const repo = new CoverageRepository(this.o.store.db);
    for (const s of todo) {
      try {
        if (s.stored) await repo.extendSpan(s.id, s.toMs);
        else await repo.insertSpan({ id: s.id, cameraId: s.cameraId, node: this.o.node, fromMs: s.fromMs, toMs: s.toMs });
        s.stored = true;
        s.dirty = false;
      } catch (err) {
        this.o.log.warn({ cameraId: s.cameraId, err: errorMessage(err) }, 'live analysis coverage could not be written; retried at the next flush');
        if (closed.includes(s)) this.closed.push(s);
      }
    }
  }
}
