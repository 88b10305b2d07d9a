/**
 * Sustained rate of the forensic track index writes: TrackIndexer on the bulk writer (src/search/indexer.ts,
 * multi-row inserts of up to 500 tracks) against the previous path, one insert per finished track with up to
 * 64 in flight (the indexer's bound), measured in the same run on the same engine.
 *
 *   npx tsx bench/track-indexer.ts [--smoke] [--tracks 30000] [--engine both|sqlite|postgres]
 *
 * Tracks without crops: the JPEG encode and embedding of a crop (ffmpeg, re-id model) cost far more than the
 * insert and are unchanged; this measures what moved (the database writes, with the camera look-up and
 * attributes of the indexer in front of them). The producer hands over a track whenever fewer than 64 are in
 * flight (a pipeline that never waits would see the rest dropped and counted). Stores: PostgreSQL, a private
 * database (partitioned search_tracks); SQLite, the test store (in memory). Rate = tracks stored / time from
 * the first hand-over until idle() (all searchable). Loss = handed over − stored (must be 0).
 */
import os from 'node:os';
import { silentLogger } from '../src/core/logger';
import { TrackPartitions } from '../src/search/partitions';
import { TrackIndexRepository } from '../src/search/tracks.repository';
import { openSearchSite, T0, track, type SearchSite } from '../src/search/search.fixtures';
import { seeded, trackRow } from '../src/simulate/rows';
import { args, enginesArg, finish, intArg, log, machine } from './lib/common';
import { round } from './lib/stats';

const a = args({ smoke: 'boolean', tracks: 'string', engine: 'string' });
const smoke = a.smoke === true;
const N = intArg(a.tracks, smoke ? 2000 : 30_000);
const ENGINES = enginesArg(a.engine, 'both', true);
const IN_FLIGHT = 64;

const count = async (site: SearchSite): Promise<number> =>
  Number((await site.store.db.selectFrom('search_tracks').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

async function bulk(site: SearchSite): Promise<Record<string, unknown>> {
  const idx = site.indexer;
  const start = performance.now();
  for (let i = 0; i < N; i++) {
    while (idx.stats.pending >= IN_FLIGHT) await new Promise((r) => setImmediate(r));
    idx.onTrackLost(i % 2 ? 'p-1' : 'p-2', track(i + 1, 'person', T0 + i * 50, T0 + i * 50 + 4000));
  }
  await idx.idle();
  const secs = (performance.now() - start) / 1000;
  const stored = await count(site);
  const s = idx.stats;
  return { tracksPerSecond: round(stored / secs, 0), seconds: round(secs, 2), stored, lost: N - stored, dropped: s.dropped, failed: s.failed, batches: s.writer.batches, producerWaitMs: s.writer.waitedMs, maxQueued: s.writer.maxQueued };
}

async function perTrack(site: SearchSite): Promise<Record<string, unknown>> {
  const repo = new TrackIndexRepository(site.store.db);
  const parts = new TrackPartitions(site.store, silentLogger());
  const rng = seeded(11);
  const cam = { id: 'p-1', owner: 'police', district: 'Wan Chai', lat: 22.28, lon: 114.17 };
  const rows = Array.from({ length: N }, (_, i) => ({ ...trackRow(rng, cam, T0 + i * 50), embedding: null, embedding_model: null, crop_path: null }));
  let next = 0;
  const start = performance.now();
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    while (next < rows.length) {
      const row = rows[next++]!;
      await parts.ensureFor([row.started_at]);
      await repo.insert(row as never);
    }
  }));
  const secs = (performance.now() - start) / 1000;
  const stored = await count(site);
  return { tracksPerSecond: round(stored / secs, 0), seconds: round(secs, 2), stored, lost: N - stored };
}

async function main(): Promise<void> {
  const results: Record<string, unknown> = {};
  for (const engine of ENGINES) {
    const s1 = await openSearchSite(engine);
    let base: Record<string, unknown>;
    try {
      await s1.store.db.deleteFrom('search_tracks').execute();
      base = await perTrack(s1);
      log(`${engine} one insert per track`, base);
    } finally {
      await s1.cleanup();
    }
    const s2 = await openSearchSite(engine);
    try {
      await s2.store.db.deleteFrom('search_tracks').execute();
      const ours = await bulk(s2);
      log(`${engine} TrackIndexer on the bulk writer`, ours);
      results[engine] = { bulkWriter: ours, baselinePerTrack: base, speedup: round(Number(ours.tracksPerSecond) / Math.max(1, Number(base.tracksPerSecond)), 2) };
    } finally {
      await s2.cleanup();
    }
  }
  finish({ bench: 'track-indexer', smoke, tracks: N, results, machine: machine(), loadavg: os.loadavg().map((x) => round(x, 1)) });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
