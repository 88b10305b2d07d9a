import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { DomainEventMap, DomainEventName } from '../bus/events';
import type { EventBus } from '../bus/bus';
import type { Logger } from '../core/logger';
import { errorMessage } from '../core/errors';
import type { Db, Store } from '../store/store';

/**
 * Transactional outbox: services add domain events in the same transaction as the change;
 * the relay publishes committed events to the bus and marks them. A crash between commit and
 * publish loses nothing: the relay finds the row on its next pass.
 */
export async function addEvent<K extends DomainEventName>(tx: Db, name: K, data: DomainEventMap[K], at = Date.now()): Promise<void> {
  await tx.insertInto('outbox').values({ event_id: randomUUID(), name, data: JSON.stringify(data), at, published_at: null }).execute();
}

export class OutboxRelay {
  private timer?: NodeJS.Timeout;
  private running = false;
  private again = false;
  private stopped = false;

  constructor(
    private readonly store: Store,
    private readonly bus: EventBus,
    private readonly log: Logger,
    private readonly intervalMs = 1000,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.kick(), this.intervalMs);
    this.timer.unref();
    this.kick();
  }

  /** Publish pending events now (called after a commit); coalesces concurrent calls. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void this.drain()
      .catch((err: unknown) => this.log.warn({ err: errorMessage(err) }, 'outbox relay pass failed; retrying on the next pass'))
      .finally(() => {
        this.running = false;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Publishes every pending event; returns how many. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.store.transaction(async (tx) => {
        let q = tx.selectFrom('outbox').selectAll().where('published_at', 'is', null).orderBy('seq').limit(200);
        if (this.store.engine === 'postgres') q = q.modifyEnd(sql`for update skip locked`);
        const rows = await q.execute();
        for (const r of rows) {
          await this.bus.publish(r.name, { ...(JSON.parse(r.data) as object), at: r.at }, { id: r.event_id });
        }
        if (rows.length) {
          await tx.updateTable('outbox').set({ published_at: Date.now() }).where('seq', 'in', rows.map((r) => r.seq)).execute();
        }
        return rows.length;
      });
      total += n;
      if (n < 200) break;
    }
    await this.store.db.deleteFrom('outbox').where('published_at', '<', Date.now() - 24 * 3_600_000).execute();
    return total;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    while (this.running) await new Promise((r) => setTimeout(r, 10));
  }
}
