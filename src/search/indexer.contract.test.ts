import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { ENGINES } from '../../test/support/engines';
import { silentLogger } from '../core/logger';
import { DEFAULT_TOOLS } from '../media/ffmpeg';
import { descriptorEmbedder } from '../reid/descriptor';
import { TrackIndexer } from './indexer';
import { openSearchSite, T0, track, type SearchSite } from './search.fixtures';

const count = async (site: SearchSite): Promise<number> =>
  Number((await site.store.db.selectFrom('search_tracks').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

for (const engine of ENGINES) {
  describe(`track indexer on the bulk writer (${engine})`, () => {
    let site: SearchSite;
    beforeEach(async () => {
      site = await openSearchSite(engine);
    });
    afterEach(() => site.cleanup());

    test('finished tracks are written in multi-row batches; idle() returns once every handed-over track is in the index', async () => {
      // Tracks without a crop: no JPEG (ffmpeg) or embedding work, so rows arrive faster than single inserts and
      // nothing but the database decides (crops are covered by search.contract.test.ts).
      const N = 60;
      for (let i = 0; i < N; i++) site.indexer.onTrackLost(i % 2 ? 'p-1' : 'p-2', track(i + 1, 'person', T0 + i * 1000, T0 + i * 1000 + 500));
      await site.indexer.idle();
      assert.equal(await count(site), N, `every track is searchable when idle() resolves (what an analysis job waits for); ${JSON.stringify(site.indexer.stats)}`);
      const s = site.indexer.stats;
      assert.deepEqual([s.indexed, s.failed, s.dropped, s.pending], [N, 0, 0, 0]);
      assert.equal(s.writer.written, N);
      assert.ok(s.writer.batches <= N / 4, `rows were batched (${s.writer.batches} inserts for ${N} tracks)`);
    });
  });
}

describe('track indexer back-pressure (postgres)', { skip: !ENGINES.includes('postgres') }, () => {
  test('a stalled database fills the bounded queue, new tracks are dropped and counted; nothing is lost once it recovers', async () => {
    const site = await openSearchSite('postgres');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sv-indexer-'));
    // A small queue and few tracks in flight, so a few hundred tracks exceed them.
    const indexer = new TrackIndexer({
      store: site.store, tools: DEFAULT_TOOLS, log: silentLogger(), embedder: async () => descriptorEmbedder, cropRoot: dir, minHits: 3,
      maxQueuedRows: 10, maxBatchRows: 5, maxPending: 20,
    });
    const blocker = new pg.Client({ connectionString: await databaseUrl(site) });
    await blocker.connect();
    try {
      // Another session holds the table: every insert waits (a database that does not keep up).
      await blocker.query('begin');
      await blocker.query('lock table search_tracks in access exclusive mode');
      const N = 200;
      for (let i = 0; i < N; i++) {
        indexer.onTrackLost('p-1', track(i + 1, 'person', T0 + i * 1000, T0 + i * 1000 + 500)); // no crop: only the database is slow
        if (i % 20 === 19) await new Promise((r) => setTimeout(r, 20)); // tracks end over time, as in a pipeline
      }
      await waitFor(() => indexer.stats.dropped > 0, 10_000);
      const s = indexer.stats;
      assert.ok(s.writer.maxQueued <= 10, 'the queue stays bounded');
      assert.ok(s.writer.waitedMs > 0 || s.pending > 0, 'producers waited for room');
      assert.ok(s.pending <= 20, 'tracks in flight stay bounded');
      assert.equal(s.writer.written, 0, 'nothing was written while the table was held');
      await blocker.query('commit');
      await indexer.idle();
      assert.equal(s.indexed + s.dropped + s.skipped + s.failed, N, 'every track is indexed or counted');
      assert.equal(s.failed, 0);
      assert.equal(await count(site), s.indexed);
      assert.ok(s.writer.batches < s.indexed, 'the backlog was written in multi-row batches');
    } finally {
      await blocker.end();
      await indexer.idle();
      await site.cleanup();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

async function databaseUrl(site: SearchSite): Promise<string> {
  const r = await site.store.db.selectNoFrom((eb) => eb.fn<string>('current_database', []).as('db')).executeTakeFirstOrThrow();
  const u = new URL(process.env.SMARTVIEW_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  u.pathname = `/${r.db}`;
  return u.toString();
}

async function waitFor(cond: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
