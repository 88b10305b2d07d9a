import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ENGINES } from '../../test/support/engines';
import { AnalysisJobRepository } from '../analytics/jobs.repository';
import { keysDir } from '../app/app';
import type { ActionContext } from '../core/context';
import { silentLogger } from '../core/logger';
import { openEvidenceSite, principal, seedFootage, T0, type EvidenceSite } from '../evidence/evidence.fixtures';
import { manifestSchema } from '../evidence/manifest';
import { trustFrom } from '../evidence/trust';
import { verifyBundle } from '../evidence/verify';
import { LiveCoverage } from './coverage';
import { BLUE, personCrop, RED, track, WHITE, BLACK } from './search.fixtures';

const S = 1000;
const CASE = 'HKP-2026-0777';
const ivy = principal('ivy', [{ role: 'investigator', organisations: null, districts: null }]);
const ctx = (caseRef?: string, extra: Partial<ActionContext> = {}): ActionContext => ({ principal: ivy, ip: '10.0.0.7', requestId: 'req-journey', caseRef, ...extra });

for (const engine of ENGINES) {
  describe(`journey export and analysis coverage on ${engine}`, () => {
    let site: EvidenceSite;
    const ids: Record<string, string> = {};

    before(async () => {
      site = await openEvidenceSite(engine);
      const { sv, storageRoot } = site;
      await seedFootage(sv.store.db, storageRoot, 'cam-1', T0, { count: 3 }); // T0 … T0+30 s
      await seedFootage(sv.store.db, storageRoot, 'cam-2', T0, { count: 2 }); // T0 … T0+20 s
      const idx = sv.forensic.indexer;
      idx.onTrackLost('cam-1', track(1, 'person', T0 + 2 * S, T0 + 6 * S), personCrop(RED, BLUE, 1));
      idx.onTrackLost('cam-2', track(2, 'person', T0 + 8 * S, T0 + 12 * S), personCrop(RED, BLUE, 2));
      idx.onTrackLost('cam-1', track(3, 'person', T0 + 22 * S, T0 + 26 * S), personCrop(RED, BLUE, 3));
      idx.onTrackLost('cam-2', track(4, 'person', T0 + 14 * S, T0 + 18 * S), personCrop(WHITE, BLACK, 4));
      await idx.idle();
      for (const r of await sv.store.db.selectFrom('search_tracks').select(['id', 'track_no']).execute()) ids[`t${r.track_no}`] = r.id;
      await sv.forensic.cases.create(ctx(), { ref: CASE, purpose: 'Robbery at the tram stop', authorisedUsers: [], expiresAt: Date.now() + 86_400_000 });
      const decide = (a: string, b: string, decision: 'confirmed' | 'rejected') => sv.forensic.journeys.decide(ctx(CASE), { fromTrackId: ids[a]!, toTrackId: ids[b]!, decision });
      await decide('t1', 't2', 'confirmed');
      await decide('t2', 't4', 'confirmed');
      await decide('t2', 't4', 'rejected'); // changed her mind: the later decision counts
      await decide('t2', 't3', 'confirmed');
    });
    after(() => site.cleanup());

    test('the confirmed journey exports as one signed bundle: a clip per step, the journey in the manifest, audited with the case', async () => {
      const { sv } = site;
      const r = await sv.forensic.journeys.exportJourney(ctx(CASE), { anchorTrackId: ids.t1!, padMs: 2 * S });
      assert.deepEqual([r.steps, r.clips], [3, 3]);
      await sv.evidence.idle();
      const done = await sv.evidence.get(ctx(CASE), r.exportId);
      assert.equal(done.status, 'done', done.error ?? '');
      assert.equal(done.caseRef, CASE);
      assert.equal(done.purpose, 'Robbery at the tram stop', 'the case purpose when no X-Purpose is sent');
      assert.deepEqual(done.cameraIds, ['cam-1', 'cam-2']);
      const dir = path.join(site.dataDir, 'exports', r.exportId);
      const report = await verifyBundle(dir, trustFrom({ siteKeysDir: keysDir(sv.config) }));
      assert.deepEqual(report.problems, []);
      const m = manifestSchema.parse(JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')));
      assert.deepEqual(m.cameras.map((c) => [c.cameraId, c.original, c.requested.startMs - T0, c.requested.endMs - T0]), [
        ['cam-1', 'cameras/cam-1/original.mp4', 0, 8 * S],
        ['cam-2', 'cameras/cam-2/original.mp4', 6 * S, 14 * S],
        ['cam-1', 'cameras/cam-1/original-2.mp4', 20 * S, 28 * S],
      ]);
      for (const c of m.cameras) assert.ok(c.clipDurationMs >= 7 * S && c.clipDurationMs <= 9 * S, `clip of ${c.cameraId} lasts ${c.clipDurationMs} ms`);
      assert.equal(m.journey?.caseRef, CASE);
      assert.deepEqual(m.journey?.steps.map((s) => [s.trackId, s.cameraId, s.original, s.via?.fromTrackId ?? null]), [
        [ids.t1, 'cam-1', 'cameras/cam-1/original.mp4', null],
        [ids.t2, 'cam-2', 'cameras/cam-2/original.mp4', ids.t1],
        [ids.t3, 'cam-1', 'cameras/cam-1/original-2.mp4', ids.t2],
      ]);
      assert.equal(m.journey?.steps[1]!.via?.decidedBy, 'ivy');
      assert.match(readFileSync(path.join(dir, 'README.txt'), 'utf8'), /Journey in case HKP-2026-0777/);

      const audits = async (action: string) => (await sv.audit.log.query(sv.store.db, { action, limit: 10 })).items;
      const [je] = await audits('journey.export');
      assert.equal(je!.caseRef, CASE);
      assert.equal((je!.details as { exportId: string }).exportId, r.exportId);
      const [ec] = await audits('export.create');
      assert.equal(ec!.caseRef, CASE);
      assert.equal((ec!.details as { ranges: unknown[] }).ranges.length, 3);
    });

    test('a journey export needs a case and at least one confirmed step', async () => {
      const { journeys } = site.sv.forensic;
      await assert.rejects(journeys.exportJourney(ctx(), { anchorTrackId: ids.t1!, padMs: 0 }), (e: Error & { code?: string }) => e.code === 'case_required');
      await assert.rejects(journeys.exportJourney(ctx(CASE), { anchorTrackId: ids.t4!, padMs: 0 }), (e: Error & { code?: string; status?: number }) => e.code === 'journey_empty' && e.status === 422 && /confirm at least one step/.test(e.message));
    });

    test('coverage: recorded footage that neither live analytics nor an analysis job went through', async () => {
      const { sv } = site;
      await new AnalysisJobRepository(sv.store.db).insert({
        id: 'job-cov-1', cameraId: 'cam-1', filePath: null, fileName: null, fromMs: T0, toMs: T0 + 10 * S, state: 'done', progress: 1, frames: 50, events: 0, tracks: 1, mediaMs: 10 * S,
        options: { fps: 5 }, node: 'test', error: null, createdBy: 'id-ivy', createdAt: T0, startedAt: T0, finishedAt: T0 + S,
      });
      await new AnalysisJobRepository(sv.store.db).insert({
        id: 'job-cov-2', cameraId: 'cam-1', filePath: null, fileName: null, fromMs: T0 + 20 * S, toMs: T0 + 30 * S, state: 'running', progress: 0.3, frames: 15, events: 0, tracks: 0, mediaMs: 3 * S,
        options: { fps: 5 }, node: 'test', error: null, createdBy: 'id-ivy', createdAt: T0, startedAt: T0, finishedAt: null,
      });
      // Live frames of cam-2 every 2 s from T0+1 s to T0+11 s (what the indexer's observeFrame records).
      const live = new LiveCoverage({ store: sv.store, log: silentLogger(), node: 'test' });
      for (let t = T0 + S; t <= T0 + 11 * S; t += 2 * S) live.observe('cam-2', t);
      await live.flush();
      await assert.rejects(sv.forensic.coverage.coverage(ctx(), { cameraIds: ['cam-1'], fromMs: T0, toMs: T0 + 40 * S }), (e: Error & { code?: string }) => e.code === 'case_required');
      const r = await sv.forensic.coverage.coverage(ctx(CASE), { cameraIds: ['cam-1', 'cam-2'], fromMs: T0, toMs: T0 + 40 * S });
      const [c1, c2] = r.cameras;
      assert.equal(c1!.recordedMs, 30 * S);
      assert.deepEqual(c1!.unanalysed.map((s) => [s.startMs - T0, s.endMs - T0]), [[10 * S, 20 * S], [23 * S, 30 * S]]);
      assert.equal(c1!.analysedMs, 13 * S);
      assert.deepEqual(c1!.jobs.map((j) => [j.id, j.state]), [['job-cov-1', 'done'], ['job-cov-2', 'running']]);
      // live span [1 s, 11 s] + 2 s slack; the first second is too short to offer an analysis for
      assert.deepEqual(c2!.unanalysed.map((s) => [s.startMs - T0, s.endMs - T0]), [[13 * S, 20 * S]]);
      assert.equal(c2!.recordedMs, 20 * S);
      const [a] = (await sv.audit.log.query(sv.store.db, { action: 'search.coverage', limit: 5 })).items;
      assert.equal(a!.caseRef, CASE);
      assert.deepEqual(a!.cameraIds, ['cam-1', 'cam-2']);
      await assert.rejects(sv.forensic.coverage.coverage(ctx(CASE), { cameraIds: ['nope'], fromMs: T0, toMs: T0 + S }), (e: Error & { status?: number }) => e.status === 404);
    });
  });
}
