import type { Logger } from '../core/logger';
import type { Store } from '../store/store';
import { PARTITIONED_TABLES, ensureMonths, listPartitions, monthStartUtc, parsePartitionName, type MetadataKind } from './partitions';
import { MetadataRetentionRepository } from './retention.repository';

const DAY = 86_400_000;

export interface RetentionRules {
  eventsDays: number;
  tracksDays: number;
  sightingsDays: number;
  auditDays: number;
}

export interface RetentionReport {
  dropped: { kind: MetadataKind; partition: string; rows: number }[];
  /** Expired partitions that were kept, and why (audit: chains not archived yet). */
  refused: { kind: MetadataKind; partition: string; reason: string }[];
  /** SQLite: rows deleted per kind. */
  deleted: Partial<Record<MetadataKind, number>>;
}

/**
 * Partition maintenance and retention of the metadata kinds (events, tracks, sightings, audit).
 *
 * - `ensureAhead`: this month and `ahead` more for every partitioned table (PostgreSQL), so the write
 *   path never runs DDL for live data.
 * - `expire`: a monthly partition is dropped once its whole month is older than the kind's retention
 *   (so a row lives at least its retention and at most one month longer). Audit partitions are dropped
 *   only when every chain with records in them has an archived checkpoint; otherwise refused and reported.
 *   SQLite has no partitions: rows older than the retention are deleted in batches (audit stays with
 *   the audit room's archive, which deletes archived chains' records itself).
 */
export class MetadataMaintenance {
  constructor(private readonly store: Store, private readonly rules: RetentionRules, private readonly log: Logger, private readonly ahead = 2) {}

  retentionDays(kind: MetadataKind): number {
    return { events: this.rules.eventsDays, tracks: this.rules.tracksDays, sightings: this.rules.sightingsDays, audit: this.rules.auditDays }[kind];
  }

  async ensureAhead(nowMs: number): Promise<string[]> {
    if (this.store.engine !== 'postgres') return [];
    const months = Array.from({ length: this.ahead + 1 }, (_, i) => monthStartUtc(nowMs, i));
    const created: string[] = [];
    for (const t of PARTITIONED_TABLES) created.push(...(await ensureMonths(this.store.db, t, months)));
    if (created.length) this.log.info({ created }, 'metadata partitions created ahead');
    return created;
  }

  async expire(nowMs: number): Promise<RetentionReport> {
    const report: RetentionReport = { dropped: [], refused: [], deleted: {} };
    const repo = new MetadataRetentionRepository(this.store.db);
    for (const t of PARTITIONED_TABLES) {
      const cutoff = nowMs - this.retentionDays(t.kind) * DAY;
      if (this.store.engine !== 'postgres') {
        if (t.kind === 'audit') continue;
        report.deleted[t.kind] = await repo.deleteBefore(t.table, t.column, cutoff);
        continue;
      }
      for (const name of await listPartitions(this.store.db, t.table)) {
        const range = parsePartitionName(t.table, name);
        if (!range || range.to > cutoff) continue;
        if (t.kind === 'audit') {
          const open = await repo.unarchivedAuditChains(name);
          if (open.length) {
            report.refused.push({ kind: t.kind, partition: name, reason: `audit chains not archived yet: ${open.join(', ')} (archive them first: the scheduler's audit.archive, src/audit/archive.ts)` });
            continue;
          }
        }
        const rows = await repo.countRows(name);
        await repo.dropPartition(t.table, name);
        report.dropped.push({ kind: t.kind, partition: name, rows });
      }
    }
    if (report.dropped.length || report.refused.length || Object.values(report.deleted).some((n) => n > 0)) this.log.info(report, 'metadata retention');
    for (const r of report.refused) this.log.warn(r, 'expired audit partition kept: its chains are not archived');
    return report;
  }
}
