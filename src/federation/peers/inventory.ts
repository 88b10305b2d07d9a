import type { Logger } from '../../core/logger';
import { PeerCallError, type PeerClient } from './client';
import type { SharedCamera } from './owner';

export type PeerState = 'unknown' | 'ok' | 'timeout' | 'down' | 'refused';

export interface PeerHealth {
  siteId: string;
  name: string | null;
  url: string;
  state: PeerState;
  latencyMs: number | null;
  lastOkAt: number | null;
  lastError: string | null;
  failures: number;
  nextRetryAt: number | null;
  cameras: number;
  /** Age of the cached inventory (ms), null before the first success. */
  inventoryAgeMs: number | null;
}

interface Entry {
  cameras: SharedCamera[];
  fetchedAt: number | null;
  health: Omit<PeerHealth, 'cameras' | 'inventoryAgeMs'>;
  timer: NodeJS.Timeout | null;
}

/**
 * The peers' shared cameras, cached with their age. Each peer is refreshed every `refreshMs`; a failed refresh
 * is retried with doubling back-off (retryInitialMs … retryMaxMs) while the cached cameras stay listed, marked
 * stale. The same record is the peer's health (state, latency) that the API and the web page show.
 */
export class InventoryCache {
  private readonly entries = new Map<string, Entry>();
  private stopped = false;

  constructor(
    private readonly clients: PeerClient[],
    private readonly fetch: (c: PeerClient) => Promise<SharedCamera[]>,
    private readonly o: { refreshMs: number; retryInitialMs: number; retryMaxMs: number; log: Logger },
  ) {
    for (const c of clients) {
      this.entries.set(c.peer.siteId, {
        cameras: [], fetchedAt: null, timer: null,
        health: { siteId: c.peer.siteId, name: c.peer.name ?? null, url: c.peer.url, state: 'unknown', latencyMs: null, lastOkAt: null, lastError: null, failures: 0, nextRetryAt: null },
      });
    }
  }

  start(): void {
    for (const c of this.clients) void this.refresh(c.peer.siteId);
  }

  stop(): void {
    this.stopped = true;
    for (const e of this.entries.values()) if (e.timer) clearTimeout(e.timer);
  }

  /** Refreshes one peer now (and schedules the next refresh or retry). */
  async refresh(siteId: string): Promise<void> {
    const e = this.entries.get(siteId);
    const c = this.clients.find((x) => x.peer.siteId === siteId);
    if (!e || !c) return;
    if (e.timer) clearTimeout(e.timer);
    e.timer = null;
    const t0 = performance.now();
    let delay = this.o.refreshMs;
    try {
      e.cameras = await this.fetch(c);
      e.fetchedAt = Date.now();
      this.observe(siteId, 'ok', performance.now() - t0, null);
    } catch (err) {
      const state = err instanceof PeerCallError ? err.state : 'down';
      this.observe(siteId, state, null, (err as Error).message);
      delay = Math.min(this.o.retryMaxMs, this.o.retryInitialMs * 2 ** Math.min(20, e.health.failures - 1));
      this.o.log.warn({ peer: siteId, state, failures: e.health.failures, retryInMs: delay, err: (err as Error).message }, 'peer inventory refresh failed; cached cameras kept (stale)');
    }
    if (this.stopped) return;
    e.health.nextRetryAt = Date.now() + delay;
    e.timer = setTimeout(() => void this.refresh(siteId), delay);
    e.timer.unref();
  }

  /** Records the outcome of any call to the peer (searches too) in its health. */
  observe(siteId: string, state: PeerState, latencyMs: number | null, error: string | null): void {
    const h = this.entries.get(siteId)?.health;
    if (!h) return;
    h.state = state;
    if (state === 'ok') {
      h.latencyMs = latencyMs === null ? h.latencyMs : Math.round(latencyMs);
      h.lastOkAt = Date.now();
      h.lastError = null;
      h.failures = 0;
    } else {
      h.lastError = error;
      h.failures++;
    }
  }

  health(): PeerHealth[] {
    const now = Date.now();
    return [...this.entries.values()].map((e) => ({ ...e.health, cameras: e.cameras.length, inventoryAgeMs: e.fetchedAt === null ? null : now - e.fetchedAt }));
  }

  /** Every cached remote camera with its site, whether that site's last call failed (stale) and the cache age. */
  cameras(): Array<{ site: string; camera: SharedCamera; stale: boolean; fetchedAt: number | null }> {
    const out: Array<{ site: string; camera: SharedCamera; stale: boolean; fetchedAt: number | null }> = [];
    for (const [site, e] of this.entries) for (const camera of e.cameras) out.push({ site, camera, stale: e.health.state !== 'ok', fetchedAt: e.fetchedAt });
    return out;
  }

  camera(site: string, cameraId: string): SharedCamera | undefined {
    return this.entries.get(site)?.cameras.find((c) => c.id === cameraId);
  }
}
