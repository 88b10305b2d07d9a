import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ENGINES } from '../../test/support/engines';
import { DEFAULT_TOOLS } from '../media/ffmpeg';
import { encodeJpeg } from '../media/jpeg';
import type { Detection } from '../detect/types';
import type { TrackEvent } from '../track/types';
import { as, BLACK, BLUE, GREEN, housingInvestigator, investigator, openSearchSite, outsider, personCrop, RED, T0, track, WHITE, type SearchSite } from './search.fixtures';

const DAY = 86_400_000;
const MIN = 60_000;
const CASE = 'HKP-2026-100';
const range = { from: T0 - MIN, to: T0 + DAY };

for (const engine of ENGINES) {
  describe(`track index and search on ${engine}`, () => {
    let site: SearchSite;
    const ids: Record<string, string> = {};
    const byNo = async () => {
      const rows = await site.store.db.selectFrom('search_tracks').select(['id', 'track_no', 'camera_id']).execute();
      for (const r of rows) ids[`${r.camera_id}#${r.track_no}`] = r.id;
    };

    before(async () => {
      site = await openSearchSite(engine);
      await site.cases.create(as(investigator), { ref: CASE, purpose: 'Assault near Hennessy Road', authorisedUsers: [], expiresAt: T0 + 30 * DAY });
      await site.cases.create(as(housingInvestigator), { ref: 'HD-2026-7', purpose: 'Estate vandalism', authorisedUsers: [], expiresAt: T0 + 30 * DAY });
      const bag: Detection = { label: 'backpack', classId: 24, score: 0.7, box: [110, 80, 20, 30] };
      const target = track(1, 'person', T0, T0 + 10_000);
      for (let i = 0; i < 5; i++) site.indexer.observeFrame('p-1', [target], [bag]);
      site.indexer.onTrackLost('p-1', target, personCrop(RED, BLUE, 1));
      site.indexer.onTrackLost('p-1', track(2, 'person', T0 + 1000, T0 + 5000), personCrop(WHITE, BLACK, 2));
      site.indexer.onTrackLost('p-1', track(3, 'car', T0 + 2000, T0 + 4000), personCrop(BLUE, BLUE, 3, 120, 60));
      // The target again, 200 m up the street two minutes later; a look-alike 5 km away three minutes later.
      site.indexer.onTrackLost('p-2', track(4, 'person', T0 + 2 * MIN, T0 + 2 * MIN + 8000), personCrop(RED, BLUE, 4, 44, 110));
      site.indexer.onTrackLost('p-2', track(5, 'person', T0 + 2 * MIN + 5000, T0 + 3 * MIN), personCrop(WHITE, BLACK, 5));
      site.indexer.onTrackLost('p-far', track(6, 'person', T0 + 3 * MIN, T0 + 4 * MIN), personCrop(RED, BLUE, 6));
      site.indexer.onTrackLost('p-3', track(7, 'person', T0 + 4 * MIN, T0 + 5 * MIN), personCrop(GREEN, BLACK, 7));
      site.indexer.onTrackLost('h-1', track(8, 'person', T0 + 1000, T0 + 9000), personCrop(RED, BLUE, 8));
      site.indexer.onTrackLost('p-1', { ...track(9, 'person', T0, T0 + 100), hits: 2 }, personCrop(RED, BLUE, 9));
      site.indexer.onTrackLost('p-1', track(10, 'handbag', T0, T0 + 5000), personCrop(RED, RED, 10));
      await site.indexer.idle();
      await byNo();
    });
    after(() => site.cleanup());

    test('finished tracks are indexed with attributes, crop and embedding; flicker is skipped', async () => {
      assert.equal(site.indexer.stats.indexed, 8);
      assert.equal(site.indexer.stats.skipped, 2, 'flicker and a handbag track');
      const t = await site.search.getTrack(as(investigator, CASE), ids['p-1#1']!);
      assert.deepEqual(
        { c: t.class, u: t.upperColour, l: t.lowerColour, carried: t.carried, d: t.direction, crop: t.hasCrop, m: t.embeddingModel, s: t.startedAt, e: t.endedAt },
        { c: 'person', u: 'red', l: 'blue', carried: ['backpack'], d: 'right', crop: true, m: 'hsv-parts-v1', s: T0, e: T0 + 10_000 },
      );
      const jpeg = await site.search.crop(as(investigator, CASE), ids['p-1#1']!);
      assert.deepEqual([...jpeg.subarray(0, 2)], [0xff, 0xd8]);
    });

    test('wrapSink: the pipeline sink still gets every event, and lost tracks are indexed', async () => {
      const seen: string[] = [];
      const inner = { trackEvent: async (ev: TrackEvent, _snapshot?: unknown) => void seen.push(ev.type), ruleHit: async () => void seen.push('hit') };
      const sink = site.indexer.wrapSink(inner, 'p-3', 'job-1');
      const t = track(50, 'person', T0 + 6 * MIN, T0 + 7 * MIN);
      await sink.trackEvent({ type: 'appeared', track: t }, undefined);
      await sink.trackEvent({ type: 'lost', track: t }, personCrop(BLACK, BLACK, 50));
      await sink.ruleHit();
      await site.indexer.idle();
      assert.deepEqual(seen, ['appeared', 'lost', 'hit']);
      const row = await site.store.db.selectFrom('search_tracks').select(['job_id', 'camera_id', 'upper_colour']).where('track_no', '=', 50).executeTakeFirstOrThrow();
      assert.deepEqual(row, { job_id: 'job-1', camera_id: 'p-3', upper_colour: 'black' });
      await site.store.db.deleteFrom('search_tracks').where('track_no', '=', 50).execute();
    });

    test('search by description: filters combine, scope applies, newest first with a cursor', async () => {
      const s = (filter: object, who = investigator, ref = CASE, limit = 100) => site.search.searchTracks(as(who, ref), { filter: { ...range, ...filter }, limit });
      const redTops = await s({ upperColour: ['red'], lowerColour: ['blue'] });
      assert.deepEqual(redTops.items.map((t) => `${t.cameraId}#${ids[`${t.cameraId}#1`] === t.id ? 1 : ''}`).length, 4);
      assert.deepEqual(new Set(redTops.items.map((t) => t.cameraId)), new Set(['p-far', 'p-2', 'h-1', 'p-1']));
      assert.deepEqual(redTops.items.map((t) => t.startedAt), [...redTops.items.map((t) => t.startedAt)].sort((a, b) => b - a));
      assert.deepEqual((await s({ carried: ['backpack'] })).items.map((t) => t.id), [ids['p-1#1']]);
      assert.deepEqual((await s({ classes: ['car'] })).items.map((t) => t.vehicleColour), ['blue']);
      assert.deepEqual((await s({ cameras: ['p-2'], upperColour: ['white'] })).items.map((t) => t.id), [ids['p-2#5']]);
      assert.deepEqual((await s({ bbox: [114.16, 22.30, 114.2, 22.34] })).items.map((t) => t.cameraId), ['p-far']);
      assert.equal((await s({ from: T0 + 3 * MIN, to: T0 + DAY })).items.length, 2);
      assert.deepEqual((await s({ upperColour: ['red'] }, housingInvestigator, 'HD-2026-7')).items.map((t) => t.cameraId), ['h-1'], 'scope: housing sees its own cameras only');
      const p1 = await s({ classes: ['person'] }, investigator, CASE, 3);
      assert.equal(p1.items.length, 3);
      const p2 = await site.search.searchTracks(as(investigator, CASE), { filter: { ...range, classes: ['person'] }, limit: 3, cursor: p1.nextCursor! });
      const all = await s({ classes: ['person'] });
      assert.deepEqual([...p1.items, ...p2.items].map((t) => t.id), all.items.slice(0, 6).map((t) => t.id));
      // Several values of one attribute are read value by value and merged: same order and pages as one sort.
      const both = await s({ upperColour: ['white', 'red'] });
      assert.equal(both.items.length, 6);
      assert.deepEqual(both.items.map((t) => t.startedAt), [...both.items.map((t) => t.startedAt)].sort((a, b) => b - a));
      const paged: string[] = [];
      for (let cur: string | undefined, i = 0; i < 5; i++) {
        const pg = await site.search.searchTracks(as(investigator, CASE), { filter: { ...range, upperColour: ['white', 'red'] }, limit: 4, cursor: cur });
        paged.push(...pg.items.map((t) => t.id));
        if (!pg.nextCursor) break;
        cur = pg.nextCursor;
      }
      assert.deepEqual(paged, both.items.map((t) => t.id));
      const audit = await site.store.db.selectFrom('audit_records').select(['case_ref', 'details', 'actor_name']).where('action', '=', 'search.tracks').orderBy('seq').execute();
      assert.equal(audit[0]!.case_ref, CASE);
      assert.deepEqual((JSON.parse(audit[0]!.details) as { results: number; filter: object }).results, 4);
      assert.deepEqual((JSON.parse(audit[0]!.details) as { filter: { upperColour: string[] } }).filter.upperColour, ['red']);
    });

    test('search outside a case is refused and audited', async () => {
      await assert.rejects(site.search.searchTracks(as(investigator), { filter: range, limit: 10 }), { code: 'case_required' });
      await assert.rejects(site.search.similar(as(outsider, CASE), { trackId: ids['p-1#1'], imageIsCrop: false, filter: range, limit: 5 }), { code: 'case_not_authorised' });
      const denied = await site.store.db.selectFrom('audit_records').select(['action', 'case_ref']).where('outcome', '=', 'denied').orderBy('seq').execute();
      assert.deepEqual(denied.slice(-2), [{ action: 'search.tracks', case_ref: null }, { action: 'search.similar', case_ref: CASE }]);
    });

    test('find similar by track and by crop: the same clothes rank first, the query track itself is left out', async () => {
      const byTrack = await site.search.similar(as(investigator, CASE), { trackId: ids['p-1#1'], imageIsCrop: false, filter: { ...range, classes: ['person'] }, limit: 3 });
      assert.equal(byTrack.method, 'exact');
      assert.equal(byTrack.model, 'hsv-parts-v1');
      assert.ok(!byTrack.items.some((t) => t.id === ids['p-1#1']));
      assert.deepEqual(new Set(byTrack.items.map((t) => t.cameraId)), new Set(['p-2', 'p-far', 'h-1']));
      assert.ok(byTrack.items[0]!.similarity > 0.9 && byTrack.items.every((t, i, a) => i === 0 || a[i - 1]!.similarity >= t.similarity));
      const jpeg = await encodeJpeg(DEFAULT_TOOLS, personCrop(WHITE, BLACK, 11, 48, 120), { quality: 2 });
      const byCrop = await site.search.similar(as(investigator, CASE), { image: jpeg.toString('base64'), imageIsCrop: true, filter: range, limit: 2 });
      assert.deepEqual(new Set(byCrop.items.map((t) => t.id)), new Set([ids['p-1#2'], ids['p-2#5']]));
      await assert.rejects(site.search.similar(as(investigator, CASE), { image: jpeg.toString('base64'), imageIsCrop: false, filter: range, limit: 2 }), { code: 'detector_unavailable' });
    });

    test('journey: the reachable look-alike is proposed first, the unreachable one flagged; decisions stored in the case', async () => {
      const started = performance.now();
      const p = await site.journeys.propose(as(investigator, CASE), { trackId: ids['p-1#1']!, horizonMs: 15 * MIN, limit: 3 });
      assert.ok(performance.now() - started < 1000);
      assert.equal(p.items[0]!.id, ids['p-2#4']);
      assert.equal(p.items[0]!.reachable, true);
      assert.ok(p.items[0]!.distanceM > 190 && p.items[0]!.distanceM < 210);
      const far = p.items.find((i) => i.cameraId === 'p-far');
      assert.ok(far, 'the unreachable look-alike is shown');
      assert.equal(far.reachable, false);
      assert.ok(far.score < p.items[0]!.score);
      assert.ok(!p.items.some((i) => i.cameraId === 'h-1' && i.startedAt < T0 + 10_000), 'tracks that started before the target left are not next steps');
      const step = await site.journeys.decide(as(investigator, CASE), { fromTrackId: ids['p-1#1']!, toTrackId: ids['p-2#4']!, decision: 'confirmed' });
      assert.equal(step.reachable, true);
      site.clock.set(T0 + 1000);
      await site.journeys.decide(as(investigator, CASE), { fromTrackId: ids['p-2#4']!, toTrackId: ids['p-far#6']!, decision: 'rejected' });
      await assert.rejects(site.journeys.decide(as(investigator, CASE), { fromTrackId: ids['p-2#4']!, toTrackId: ids['p-1#1']!, decision: 'confirmed' }), { code: 'step_backwards' });
      const steps = await site.journeys.steps(as(investigator, CASE));
      assert.deepEqual(steps.map((s) => [s.decision, s.reachable, s.caseRef]), [['confirmed', true, CASE], ['rejected', false, CASE]]);
      const audit = await site.store.db.selectFrom('audit_records').select(['action', 'case_ref']).where('action', 'in', ['journey.propose', 'journey.decide']).execute();
      assert.ok(audit.length === 3 && audit.every((a) => a.case_ref === CASE));
    });
  });
}

for (const engine of ENGINES) {
  describe(`find similar through the ANN day partitions on ${engine}`, () => {
    test('a filtered set larger than the exact cap is ranked by the day index, hits re-checked against the filter', async () => {
      const { AnnPartitions } = await import('./ann/partitions');
      const { annSource } = await import('./index');
      const { SearchService } = await import('./search.service');
      const { descriptorEmbedder } = await import('../reid/descriptor');
      const { silentLogger } = await import('../core/logger');
      const site = await openSearchSite(engine);
      try {
        await site.cases.create(as(investigator), { ref: CASE, purpose: 'ANN partitions', authorisedUsers: [], expiresAt: T0 + DAY });
        const colours = [RED, BLUE, WHITE, BLACK, GREEN];
        for (let i = 0; i < 40; i++) site.indexer.onTrackLost(i % 2 ? 'p-1' : 'p-2', track(i + 1, 'person', T0 + i * 1000, T0 + i * 1000 + 500), personCrop(colours[i % 5]!, colours[(i * 3) % 5]!, i + 1));
        await site.indexer.idle();
        const ann = new AnnPartitions({ source: annSource(site.store), log: silentLogger(), M: 8, efConstruction: 40 });
        assert.equal(await ann.build('hsv-parts-v1', T0), 40);
        const svc = (withAnn: boolean) => new SearchService({ store: site.store, audit: site.audit, cases: site.cases, tools: DEFAULT_TOOLS, embedder: async () => descriptorEmbedder, readCrop: async () => Buffer.alloc(0), exactCap: withAnn ? 5 : 1000, ann: withAnn ? ann : undefined });
        const query = { image: (await encodeJpeg(DEFAULT_TOOLS, personCrop(RED, BLUE, 99), { quality: 2 })).toString('base64'), imageIsCrop: true, filter: { ...range, cameras: ['p-1'] }, limit: 5 };
        const exact = await svc(false).similar(as(investigator, CASE), query);
        const viaAnn = await svc(true).similar(as(investigator, CASE), query);
        assert.equal(exact.method, 'exact');
        assert.equal(viaAnn.method, 'ann');
        assert.ok(viaAnn.items.every((t) => t.cameraId === 'p-1'), 'ANN hits outside the filter are dropped');
        assert.deepEqual(viaAnn.items.map((t) => t.id), exact.items.map((t) => t.id));
      } finally {
        await site.cleanup();
      }
    });
  });
}

for (const engine of ENGINES) {
  describe(`unindexed filters walk the index in chunks on ${engine}`, () => {
    test('carried + direction over more rows than one chunk: same pages as filtering everything', async () => {
      const { TrackIndexRepository } = await import('./tracks.repository');
      const site = await openSearchSite(engine);
      try {
        await site.cases.create(as(investigator), { ref: CASE, purpose: 'chunked walk', authorisedUsers: [], expiresAt: T0 + DAY });
        const repo = new TrackIndexRepository(site.store.db);
        const dirs = ['left', 'right', 'towards', 'away'];
        const rows = Array.from({ length: 4500 }, (_, i) => ({
          id: `t${String(i).padStart(5, '0')}`, camera_id: 'p-1', owner: 'police', district: 'Wan Chai', lat: 22.28, lon: 114.17,
          started_at: T0 + Math.floor(i / 3) * 1000, ended_at: T0 + Math.floor(i / 3) * 1000 + 500, class: 'person', upper_colour: 'black', lower_colour: 'black',
          carried: i % 97 === 0 ? 1 : i % 13 === 0 ? 2 : 0, height_class: null, vehicle_colour: null, plate: null, direction: dirs[i % 4]!, speed: null, score: 0.9,
          crop_path: null, embedding: null, embedding_model: null, job_id: null, track_no: i,
        }));
        for (let i = 0; i < rows.length; i += 500) await repo.insertMany(rows.slice(i, i + 500));
        const want = rows.filter((r) => (r.carried & 1) === 1 && r.direction === 'left')
          .sort((a, b) => b.started_at - a.started_at || (a.id < b.id ? 1 : -1)).map((r) => r.id);
        assert.ok(want.length >= 5);
        const got: string[] = [];
        let cursor: string | undefined;
        do {
          const pg = await site.search.searchTracks(as(investigator, CASE), { filter: { ...range, carried: ['backpack'], direction: ['left'] }, limit: 4, cursor });
          got.push(...pg.items.map((t) => t.id));
          cursor = pg.nextCursor ?? undefined;
        } while (cursor);
        assert.deepEqual(got, want);
      } finally {
        await site.cleanup();
      }
    });
  });
}
