/**
 * Sustained metadata ingest into PostgreSQL through the bulk writers (src/metadata), no loss.
 *
 *   npx tsx bench/metadata-ingest.ts [--smoke] [--rows 600000] [--concurrency 2]
 *
 * A private PostgreSQL database (migrated: monthly partitions). The rows are the city mix of the capacity
 * model (src/capacity/model.ts: per camera-hour 60 sightings (10 % ANPR × 600), 36 tracks (30 % analysed ×
 * 120), 1.8 events), generated up front (synthetic, src/simulate/rows.ts; tracks without embeddings), then
 * pushed as fast as the writers take them ('wait' policy: bounded queues of 50,000, producers wait).
 * Measured: rows/s from the first push to the last commit, rows lost (accepted − stored, must be 0), and
 * producer wait (back-pressure). Baseline in the same run: the same rows as CSV loaded with server-side
 * `COPY … FROM file` (the fastest path PostgreSQL has; needs the superuser of the test server).
 * Target: ≥ 20,000 rows/s on this 2-core machine. One JSON line on stdout.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pino from 'pino';
import { openTestStore } from '../test/support/engines';
import { BulkWriter } from '../src/metadata/bulk-writer';
import { tableOf } from '../src/metadata/partitions';
import { tableSink, type SinkColumn } from '../src/metadata/table-sink';
import { EVENT_COLUMNS, SIGHTING_COLUMNS, TRACK_COLUMNS, eventRow, seeded, sightingRow, synthCameras, trackRow } from '../src/simulate/rows';
import type { Store } from '../src/store/store';
import { args, finish, intArg, log, machine } from './lib/common';
import { round } from './lib/stats';

const a = args({ smoke: 'boolean', rows: 'string', concurrency: 'string' });
const smoke = a.smoke === true;
const ROWS = intArg(a.rows, smoke ? 20_000 : 600_000);
const CONC = intArg(a.concurrency, 2);
const silent = pino({ level: 'warn' });

type Kind = 'sightings' | 'tracks' | 'events';
const KINDS: { kind: Kind; table: string; cols: SinkColumn[]; share: number }[] = [
  { kind: 'sightings', table: 'plate_sightings', cols: SIGHTING_COLUMNS, share: 60 / 97.8 },
  { kind: 'tracks', table: 'search_tracks', cols: TRACK_COLUMNS, share: 36 / 97.8 },
  { kind: 'events', table: 'analytics_events', cols: EVENT_COLUMNS, share: 1.8 / 97.8 },
];

function generate(n: number, t0: number): Record<Kind, object[]> {
  const rng = seeded(42);
  const cams = synthCameras(1000);
  const out: Record<Kind, object[]> = { sightings: [], tracks: [], events: [] };
  for (let i = 0; i < n; i++) {
    const x = rng();
    const cam = cams[i % cams.length]!;
    const at = t0 + i;
    if (x < KINDS[0]!.share) out.sightings.push(sightingRow(rng, cam, at));
    else if (x < KINDS[0]!.share + KINDS[1]!.share) out.tracks.push(trackRow(rng, cam, at));
    else out.events.push(eventRow(rng, cam, at));
  }
  return out;
}

async function count(store: Store, table: string): Promise<number> {
  const r = await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(store.db);
  return Number(r.rows[0]!.n);
}

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

async function main(): Promise<void> {
  const ts = await openTestStore('postgres');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sv-ingest-'));
  chmodSync(dir, 0o755);
  try {
    const t0 = Date.now();
    log(`generating ${ROWS} rows`);
    const rows = generate(ROWS, t0);
    const writers = KINDS.map((k) => new BulkWriter<object>({ name: k.kind, log: silent, concurrency: CONC, maxBatch: 2000, maxQueued: 50_000, sink: tableSink(ts.store, k.table, k.cols, tableOf(k.kind)) }));
    log('ingesting through the bulk writers');
    const start = performance.now();
    // Interleave kinds as cameras would: round-robin over the three queues.
    const idx = [0, 0, 0];
    for (let left = ROWS; left > 0; ) {
      for (let k = 0; k < 3; k++) {
        const list = rows[KINDS[k]!.kind];
        for (let j = 0; j < 200 && idx[k]! < list.length; j++) {
          await writers[k]!.push(list[idx[k]!++]!);
          left--;
        }
      }
    }
    await Promise.all(writers.map((w) => w.flush()));
    const secs = (performance.now() - start) / 1000;
    const stored = await Promise.all(KINDS.map((k) => count(ts.store, k.table)));
    const accepted = writers.reduce((s, w) => s + w.stats.accepted, 0);
    const storedTotal = stored.reduce((s, n) => s + n, 0);
    const ours = { rowsPerSecond: round(storedTotal / secs, 0), seconds: round(secs, 2), accepted, stored: storedTotal, lost: accepted - storedTotal, failed: writers.reduce((s, w) => s + w.stats.failed, 0), producerWaitMs: writers.reduce((s, w) => s + w.stats.waitedMs, 0), batches: writers.reduce((s, w) => s + w.stats.batches, 0) };
    log('bulk writers', ours);

    // Baseline: the same rows, COPY from CSV files on the server (into empty copies of the tables, same partitions and indexes).
    const files = KINDS.map((k) => {
      const f = path.join(dir, `${k.table}.csv`);
      writeFileSync(f, rows[k.kind].map((r) => k.cols.map((c) => csvCell((r as Record<string, unknown>)[c.name])).join(',')).join('\n') + '\n');
      chmodSync(f, 0o644);
      return f;
    });
    for (const k of KINDS) await sql.raw(`truncate ${k.table}`).execute(ts.store.db);
    const cStart = performance.now();
    for (let i = 0; i < KINDS.length; i++) {
      const k = KINDS[i]!;
      await sql.raw(`copy ${k.table} (${k.cols.map((c) => `"${c.name}"`).join(', ')}) from '${files[i]}' with (format csv)`).execute(ts.store.db);
    }
    const cSecs = (performance.now() - cStart) / 1000;
    const copied = (await Promise.all(KINDS.map((k) => count(ts.store, k.table)))).reduce((s, n) => s + n, 0);
    const baseline = { rowsPerSecond: round(copied / cSecs, 0), seconds: round(cSecs, 2), rows: copied };
    log('baseline COPY', baseline);
    const mix = Object.fromEntries(KINDS.map((k, i) => [k.kind, stored[i]]));
    finish({ bench: 'metadata-ingest', smoke, rows: ROWS, mix, concurrency: CONC, bulkWriter: ours, baselineCopy: baseline, ratioToCopy: round(ours.rowsPerSecond / baseline.rowsPerSecond, 2), target: 20_000, met: ours.rowsPerSecond >= 20_000 && ours.lost === 0, machine: machine(), loadavg: os.loadavg().map((x) => round(x, 1)) });
  } finally {
    await ts.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
