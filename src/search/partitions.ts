import type { Logger } from '../core/logger';
import type { Db, Store } from '../store/store';
import { ensureMonths, listPartitions, tableOf } from '../metadata/partitions';

/**
 * Monthly range partitions of search_tracks on PostgreSQL (by started_at, UTC months), like plate
 * sightings: a query's time range (every search has one) prunes to the months it covers, and retention
 * can drop whole months. SQLite keeps one table. Partitions are created ahead by the scheduler and on
 * demand by the indexer (recorded-footage jobs over old footage). See docs/design/forensic-search.md.
 */
export function trackMonthStart(ms: number, addMonths = 0): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + addMonths, 1);
}

export function trackPartitionName(monthStartMs: number): string {
  const d = new Date(monthStartMs);
  return `search_tracks_${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

export function trackPartitionDdl(monthStartMs: number): string {
  const from = trackMonthStart(monthStartMs);
  return `create table if not exists ${trackPartitionName(from)} partition of search_tracks for values from (${from}) to (${trackMonthStart(from, 1)})`;
}

/** The months starting in [fromMs, toMs] (month starts). */
export function monthsBetween(fromMs: number, toMs: number): number[] {
  const out: number[] = [];
  for (let m = trackMonthStart(fromMs); m <= toMs; m = trackMonthStart(m, 1)) out.push(m);
  return out;
}

/** Creates and lists the partitions (PostgreSQL only): the shared monthly-partition helper on search_tracks. */
export class TrackPartitionRepository {
  constructor(private readonly db: Db) {}

  /** Creates the missing partitions of `months`; serialised by an advisory lock (several nodes may race). */
  async ensure(months: number[]): Promise<string[]> {
    return ensureMonths(this.db, tableOf('tracks'), months);
  }

  async list(): Promise<string[]> {
    return listPartitions(this.db, 'search_tracks');
  }
}

/** Keeps the months of search_tracks that this process has made sure of (no DDL on the hot path). */
export class TrackPartitions {
  private readonly known = new Set<number>();

  constructor(private readonly store: Store, private readonly log?: Logger) {}

  /** Makes sure the partitions holding tracks that start at these times exist (no-op on SQLite). */
  async ensureFor(times: readonly number[]): Promise<void> {
    if (this.store.engine !== 'postgres') return;
    const months = [...new Set(times.map((t) => trackMonthStart(t)))].filter((m) => !this.known.has(m));
    if (!months.length) return;
    const created = await new TrackPartitionRepository(this.store.db).ensure(months);
    for (const m of months) this.known.add(m);
    if (created.length) this.log?.info({ created }, 'search track partitions created');
  }

  /** This month and `monthsAhead` after it (the scheduler, daily). */
  async ensureAhead(nowMs: number, monthsAhead = 2): Promise<void> {
    await this.ensureFor(Array.from({ length: monthsAhead + 1 }, (_, i) => trackMonthStart(nowMs, i)));
  }
}
