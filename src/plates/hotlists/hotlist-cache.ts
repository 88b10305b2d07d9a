import type { EventBus, Subscription } from '../../bus/bus';
import { errorMessage } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { Clock } from '../../core/time';
import type { Store } from '../../store/store';
import { HotlistRepository } from './hotlist.repository';
import { HotlistMatcher } from './matcher';

/**
 * Keeps a HotlistMatcher loaded with the entries not yet expired: reloads on 'hotlist.changed'
 * (every node subscribes, ephemerally: each must reload) and on a timer, which also drops entries
 * whose validity ended and catches a change whose message was lost. Reloads coalesce.
 */
export class HotlistCache {
  readonly matcher = new HotlistMatcher();
  private sub?: Subscription;
  private timer?: NodeJS.Timeout;
  private loading: Promise<void> | null = null;
  private again = false;
  loadedAt = 0;

  constructor(
    private readonly deps: { store: Store; bus: EventBus; clock: Clock; log: Logger },
    private readonly refreshMs = 60_000,
  ) {}

  async start(): Promise<void> {
    this.sub = await this.deps.bus.subscribe('hotlist.changed', () => this.reload());
    this.timer = setInterval(() => void this.reload(), this.refreshMs);
    this.timer.unref();
    await this.reload();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.sub?.unsubscribe();
    await this.loading;
  }

  /** Reloads now (a reload asked for while one runs runs once more after it). Never throws. */
  reload(): Promise<void> {
    if (this.loading) {
      this.again = true;
      return this.loading;
    }
    this.loading = (async () => {
      do {
        this.again = false;
        try {
          const now = this.deps.clock.now();
          const entries = await new HotlistRepository(this.deps.store.db).active(now);
          this.matcher.load(entries);
          this.loadedAt = now;
          this.deps.log.debug({ entries: entries.length }, 'hotlists loaded');
        } catch (err) {
          this.deps.log.error({ err: errorMessage(err) }, 'hotlists could not be reloaded; matching goes on with the previous lists');
        }
      } while (this.again);
    })().finally(() => {
      this.loading = null;
    });
    return this.loading;
  }
}
