import type { DomainEventMap } from '../../bus/events';
import { OperationalError, errorMessage } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { Clock } from '../../core/time';
import { addEvent } from '../../events/outbox';
import type { Store } from '../../store/store';
import { deletionVariants } from '../search/fuzzy';
import { SightingRepository, type SightingRow } from './sighting.repository';

interface Item {
  row: SightingRow;
  event: DomainEventMap['plate.sighted'] | null;
  resolve(): void;
  reject(err: unknown): void;
}

const KNOWN_KEYS_MAX = 200_000;

/**
 * Group commit of sightings: one writer per process takes everything queued while the previous
 * transaction ran and writes it in one transaction (rows, new plate keys, outbox events). Idle, a
 * read is written at once; at 200 reads/s a handful share each commit, so the store sees tens of
 * transactions a second instead of hundreds and the pool stays free for alerts and searches.
 * A failed batch is retried row by row, so one bad row fails alone. The queue is bounded.
 */
export class SightingWriter {
  private queue: Item[] = [];
  private running: Promise<void> | null = null;
  /** Plate keys already filed in plate_key_variants (skips the ignored inserts for known plates). */
  private knownKeys = new Set<string>();
  readonly stats = { batches: 0, rows: 0, refused: 0, maxBatch: 0 };

  constructor(
    private readonly deps: { store: Store; clock: Clock; log: Logger; afterCommit?: () => void },
    private readonly o: { maxBatch?: number; maxQueued?: number } = {},
  ) {}

  /** Resolves once the sighting is committed. */
  write(row: SightingRow, event: DomainEventMap['plate.sighted'] | null): Promise<void> {
    if (this.queue.length >= (this.o.maxQueued ?? 20_000)) {
      this.stats.refused++;
      return Promise.reject(new OperationalError('sightings_backlog', `The sightings store is ${this.queue.length} reads behind; this read was not stored. Check the database.`));
    }
    const done = new Promise<void>((resolve, reject) => this.queue.push({ row, event, resolve, reject }));
    this.running ??= this.drain().finally(() => {
      this.running = null;
    });
    return done;
  }

  /** Resolves when everything queued so far is written. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    while (this.queue.length) {
      const items = this.queue.splice(0, this.o.maxBatch ?? 500);
      try {
        await this.commit(items);
        for (const i of items) i.resolve();
      } catch (err) {
        if (items.length === 1) items[0]!.reject(err);
        else {
          this.deps.log.warn({ rows: items.length, err: errorMessage(err) }, 'a batch of sightings failed; writing them one by one');
          for (const i of items) await this.commit([i]).then(i.resolve, i.reject);
        }
      }
    }
  }

  private async commit(items: Item[]): Promise<void> {
    const fresh = [...new Set(items.map((i) => i.row.plate_key))].filter((k) => !this.knownKeys.has(k));
    const now = this.deps.clock.now();
    await this.deps.store.transaction(async (tx) => {
      const repo = new SightingRepository(tx, this.deps.store.engine);
      await repo.insertBulk(items.map((i) => i.row));
      if (fresh.length) await repo.addKeyVariants(fresh.flatMap((k) => deletionVariants(k).map((variant) => ({ variant, plate_key: k }))));
      for (const i of items) if (i.event) await addEvent(tx, 'plate.sighted', i.event, now);
    });
    if (this.knownKeys.size + fresh.length > KNOWN_KEYS_MAX) this.knownKeys = new Set();
    for (const k of fresh) this.knownKeys.add(k);
    this.stats.batches++;
    this.stats.rows += items.length;
    this.stats.maxBatch = Math.max(this.stats.maxBatch, items.length);
    if (items.some((i) => i.event)) this.deps.afterCommit?.();
  }
}
