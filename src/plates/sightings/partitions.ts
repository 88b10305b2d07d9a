/**
 * Monthly range partitions of plate_sightings on PostgreSQL (names and DDL only; the queries live
 * in partition.repository.ts). One partition per UTC month: at 200 reads/s a month is ~500M rows,
 * a year of retention is 12 partitions, so planning stays cheap for searches without a time range
 * and retention drops whole months. See docs/design/sightings.md.
 */
export function monthStart(ms: number, addMonths = 0): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + addMonths, 1);
}

export function partitionName(monthStartMs: number): string {
  const d = new Date(monthStartMs);
  return `plate_sightings_${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** DDL creating the partition of the month starting at `monthStartMs` (idempotent). */
export function monthPartitionDdl(monthStartMs: number): string {
  const from = monthStart(monthStartMs);
  const to = monthStart(monthStartMs, 1);
  return `create table if not exists ${partitionName(from)} partition of plate_sightings for values from (${from}) to (${to})`;
}
