import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ENGINES } from '../../../test/support/engines';
import { prng } from '../../../test/support/prng';
import { plateKey } from '../grammar/index';
import { withinOne } from '../search/fuzzy';
import { normaliseQuery, wildcardRegExp, type SearchMode } from '../search/pattern';
import type { PlateSearchQuery } from '../search/search.service';
import { PartitionRepository } from './partition.repository';
import { SightingRepository } from './sighting.repository';
import { CaseRepository } from '../../cases/cases.repository';
import { CAMERAS, ctx, openPlatesSite, principal, randomPlates, T0, type PlatesSite } from './plates.fixtures';
import type { Sighting } from './types';

const investigator = principal('inv', [{ role: 'investigator', organisations: null, districts: null }]);
const policeInv = principal('p-inv', [{ role: 'investigator', organisations: ['police'], districts: null }]);
const operator = principal('op', [{ role: 'operator', organisations: null, districts: null }]);
const why = { purpose: 'Stolen vehicle enquiry', caseRef: 'HK-2026-0099' };
const N = 3000;

for (const engine of ENGINES) {
  describe(`plate sightings and search on ${engine}`, () => {
    let site: PlatesSite;
    const stored: Sighting[] = [];
    before(async () => {
      site = await openPlatesSite(engine);
      // Plate search runs in an open case the investigators are authorised for (the access policy, src/access).
      const authorisedUsers = [investigator, policeInv].map((p) => ({ id: p.userId, username: p.username }));
      await new CaseRepository(site.store.db).insert({ ref: why.caseRef, purpose: why.purpose, authorisedUsers, expiresAt: Date.now() + 365 * 86_400_000, status: 'open', createdBy: 'inv', createdAt: T0, closedAt: null, closedBy: null, closeReason: null }, investigator.userId);
      const plates = randomPlates(N, 42);
      const r = prng(5);
      for (let i = 0; i < N; i++) {
        const cam = CAMERAS[Math.floor(r() * CAMERAS.length)]!;
        // Distinct times: the expected order is then unambiguous.
        const res = await site.plates.sightings.record({ cameraId: cam[0], plate: plates[i]!, grammar: 'hk', seenAt: T0 + i * 1000 + Math.floor(r() * 900), confidence: 0.5 + r() / 2, vehicleClass: 'car' });
        stored.push(res.sighting);
      }
    });
    after(() => site.cleanup());

    const all = async (q: Omit<PlateSearchQuery, 'limit'>, who = investigator, limit = 500) => {
      const out: Sighting[] = [];
      let cursor: string | undefined;
      do {
        const page = await site.plates.search.search(ctx(who, why), { ...q, limit, cursor });
        out.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return out.map((s) => s.id);
    };
    const brute = (f: (s: Sighting) => boolean) => stored.filter(f).sort((a, b) => a.seenAt - b.seenAt).map((s) => s.id);

    test('liveHistory pages every live read since a time, oldest first (what a restarted movement model learns)', async () => {
      const repo = new SightingRepository(site.store.db, site.store.engine);
      const got: Array<{ id: string; at: number }> = [];
      for await (const page of repo.liveHistory(T0, 700)) {
        assert.ok(page.length <= 700);
        for (const r of page) got.push({ id: r.id, at: r.seen_at });
        assert.equal(typeof page[0]!.lat, 'number');
      }
      const want = stored.filter((x) => x.seenAt >= T0).sort((a, b) => a.seenAt - b.seenAt || (a.id < b.id ? -1 : 1)).map((x) => x.id);
      assert.deepEqual(got.map((g) => g.id), want);
      assert.ok(got.every((g, i) => i === 0 || got[i - 1]!.at <= g.at));
    });

    test('record stores the plate normalised, the camera scope and position, and a plate.sighted outbox event', async () => {
      const r = await site.plates.sightings.record({ cameraId: 'h-1', plate: 'xy-12 3', grammar: 'hk', seenAt: T0 - 5000, confidence: 0.93, vehicleClass: 'bus', direction: 'in', trackId: 4 });
      assert.equal(r.sighting.plate, 'XY123');
      assert.equal(r.sighting.plateKey, 'XY123');
      assert.deepEqual([r.sighting.owner, r.sighting.district, r.sighting.lat, r.sighting.lon], ['housing', 'Sha Tin', 22.38, 114.19]);
      const got = await site.plates.sightings.get(ctx(operator), r.sighting.id);
      assert.deepEqual(got, r.sighting);
      const ev = (await site.store.db.selectFrom('outbox').select('data').where('name', '=', 'plate.sighted').execute()).map((x) => JSON.parse(x.data) as { sightingId: string; owner: string });
      assert.ok(ev.some((e) => e.sightingId === r.sighting.id && e.owner === 'housing'));
      const job = await site.plates.sightings.record({ cameraId: 'h-1', plate: 'XY123', grammar: 'hk', seenAt: T0 - 4000, confidence: 0.9, jobId: 'job-1' });
      const ev2 = await site.store.db.selectFrom('outbox').select('data').where('name', '=', 'plate.sighted').execute();
      assert.ok(!ev2.some((e) => e.data.includes(job.sighting.id)), 'job sightings are not published');
      await assert.rejects(site.plates.sightings.record({ cameraId: 'nope', plate: 'A1', grammar: 'hk', seenAt: T0, confidence: 1 }), /camera 'nope' was not found/);
    });

    test('exact, prefix, wildcard and fuzzy agree with a brute-force filter (paged through)', async () => {
      const r = prng(99);
      const sample = () => stored[Math.floor(r() * N)]!.plate;
      const cases: Array<{ q: string; mode: SearchMode; f: (s: Sighting) => boolean }> = [];
      for (let i = 0; i < 6; i++) {
        const p = sample();
        cases.push({ q: p, mode: 'exact', f: (s) => s.plate === p });
        const pre = p.slice(0, 2);
        cases.push({ q: pre, mode: 'prefix', f: (s) => s.plate.startsWith(pre) });
        const wild = `${p[0]}?${p.slice(2, 3)}*`;
        cases.push({ q: wild, mode: 'wildcard', f: (s) => wildcardRegExp(normaliseQuery(wild)).test(s.plate) });
        cases.push({ q: p, mode: 'fuzzy', f: (s) => withinOne(plateKey(s.plate), plateKey(p)) });
      }
      cases.push({ q: 'A8Z2', mode: 'fuzzy', f: (s) => withinOne(plateKey(s.plate), plateKey('A8Z2')) });
      for (const c of cases) {
        const want = brute((s) => s.jobId === null && s.seenAt >= T0 && c.f(s));
        const got = await all({ plate: c.q, mode: c.mode, fromMs: T0 }, investigator, 37);
        assert.deepEqual(got, want, `${c.mode} ${c.q}`);
        assert.ok(want.length > 0, `${c.mode} ${c.q} finds something`);
      }
    });

    test('time range, cameras, bbox and polygon filters; results in time order', async () => {
      const p = stored[10]!.plate.slice(0, 1);
      const from = T0 + 500_000;
      const to = T0 + 1_500_000;
      const got = await all({ plate: p, mode: 'prefix', fromMs: from, toMs: to, cameraIds: ['k-1', 'h-1'] });
      assert.deepEqual(got, brute((s) => s.plate.startsWith(p) && s.seenAt >= from && s.seenAt < to && ['k-1', 'h-1'].includes(s.cameraId)));
      const inBox = await all({ plate: p, mode: 'prefix', fromMs: T0, bbox: { minLat: 22.3, maxLat: 22.35, minLon: 114.0, maxLon: 114.3 } });
      assert.deepEqual(inBox, brute((s) => s.plate.startsWith(p) && s.seenAt >= T0 && s.cameraId === 'k-1'));
      // A triangle around k-1 only (22.33, 114.19); its bbox also holds k-2's latitude band but not h-1.
      const tri: Array<[number, number]> = [[114.15, 22.32], [114.25, 22.32], [114.19, 22.36]];
      const inTri = await all({ plate: p, mode: 'prefix', fromMs: T0, polygon: tri }, investigator, 5);
      assert.deepEqual(inTri, brute((s) => s.plate.startsWith(p) && s.seenAt >= T0 && s.cameraId === 'k-1'));
    });

    test('scope: only cameras in the investigator\'s scope', async () => {
      const p = stored[3]!.plate.slice(0, 1);
      const got = await all({ plate: p, mode: 'prefix', fromMs: T0 }, policeInv);
      assert.deepEqual(got, brute((s) => s.plate.startsWith(p) && s.seenAt >= T0 && s.owner === 'police'));
      const feed = await site.plates.sightings.recent(ctx(principal('h-op', [{ role: 'operator', organisations: ['housing'], districts: null }])), {}, 50);
      assert.ok(feed.items.length === 50 && feed.items.every((s) => s.owner === 'housing'));
      assert.ok(feed.items.every((s, i) => i === 0 || feed.items[i - 1]!.seenAt >= s.seenAt), 'feed newest first');
    });

    test('purpose and case are required (400, audited as denied); searches are audited with query and count', async () => {
      await assert.rejects(site.plates.search.search(ctx(investigator, { purpose: 'x' }), { plate: 'AB1', limit: 10 }), (e: Error & { code?: string; status?: number }) => {
        assert.equal(e.code, 'case_required');
        assert.equal(e.status, 400);
        assert.match(e.message, /X-Case-Ref/);
        return true;
      });
      await assert.rejects(site.plates.search.search(ctx(investigator, { caseRef: 'C-1' }), { plate: 'AB1', limit: 10 }), /X-Purpose/);
      await assert.rejects(site.plates.search.search(ctx(operator, why), { plate: 'AB1', limit: 10 }), /search\.run/);
      const p = stored[0]!.plate;
      const res = await site.plates.search.search(ctx(investigator, why), { plate: p, limit: 100 });
      const recs = (await site.audit.log.query(site.store.db, { action: 'plate.search', limit: 100 })).items;
      const denied = recs.filter((x) => x.outcome === 'denied');
      assert.equal(denied.length, 2);
      const ok = recs.find((x) => x.outcome === 'ok' && (x.details as { plate: string }).plate === p && (x.details as { mode: string }).mode === 'exact');
      assert.ok(ok);
      assert.equal((ok.details as { results: number }).results, res.items.length);
      assert.equal(ok.caseRef, why.caseRef);
      assert.equal(ok.purpose, why.purpose);
      await assert.rejects(site.plates.search.search(ctx(investigator, why), { plate: '*12', limit: 10 }), /starts with a wildcard/);
      const anchored = await site.plates.search.search(ctx(investigator, why), { plate: '*1', fromMs: T0, toMs: T0 + 100_000, limit: 1000 });
      assert.deepEqual(anchored.items.map((s) => s.id), brute((s) => s.plate.endsWith('1') && s.seenAt >= T0 && s.seenAt < T0 + 100_000));
    });

    if (engine === 'postgres') {
      test('PostgreSQL: monthly partitions, created ahead and on demand for old footage', async () => {
        const parts = new PartitionRepository(site.store.db);
        const before = await parts.list();
        assert.ok(before.includes('plate_sightings_202611'), before.join());
        await site.plates.sightings.record({ cameraId: 'k-1', plate: 'OLD1', grammar: 'hk', seenAt: Date.UTC(2019, 4, 17), confidence: 0.9, jobId: 'job-old' });
        assert.ok((await parts.list()).includes('plate_sightings_201905'));
        site.clock.set(Date.UTC(2031, 0, 5));
        const created = await site.plates.sightings.ensurePartitionsAhead(2);
        assert.deepEqual(created, ['plate_sightings_203101', 'plate_sightings_203102', 'plate_sightings_203103']);
        assert.deepEqual(await site.plates.sightings.ensurePartitionsAhead(2), [], 'idempotent');
        site.clock.set(T0);
        const old = await site.plates.search.search(ctx(investigator, why), { plate: 'OLD1', limit: 5 });
        assert.equal(old.items.length, 1);
      });
    }
  });
}
