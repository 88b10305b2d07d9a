import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ENGINES } from '../../../test/support/engines';
import type { UserError } from '../../core/errors';
import { ctx, openPlatesSite, principal, T0, type PlatesSite } from '../sightings/plates.fixtures';

const supervisor = principal('sup', [{ role: 'supervisor', organisations: null, districts: null }]);
const housingSup = principal('h-sup', [{ role: 'supervisor', organisations: ['housing'], districts: null }]);
const operator = principal('op', [{ role: 'operator', organisations: null, districts: null }]);
const CASE = { caseRef: 'HK-2026-0777' };

for (const engine of ENGINES) {
  describe(`hotlists on ${engine}`, () => {
    let site: PlatesSite;
    let listId: string;
    before(async () => {
      site = await openPlatesSite(engine);
      listId = (await site.plates.hotlists.create(ctx(supervisor, CASE), { name: 'Stolen vehicles', owner: 'police', description: 'RTA' })).id;
    });
    after(() => site.cleanup());
    const audits = async (action: string) => (await site.audit.log.query(site.store.db, { action, limit: 50 })).items;
    const reload = () => site.plates.hotlistCache.reload();

    test('CSV import is all or nothing and names every bad row; a good file imports in one go', async () => {
      const bad = 'plate,reason,priority,fuzzy,valid_from,valid_to\nAB1234,stolen,critical,true,,\nKD88,robbery,bogus,false,,\nXX,,,,,\n';
      await assert.rejects(site.plates.hotlists.importCsv(ctx(supervisor, CASE), listId, bad), (e: UserError) => {
        assert.equal(e.status, 422);
        const rejected = (e.details as { rejected: Array<{ row: number; errors: string[] }> }).rejected;
        assert.deepEqual(rejected.map((r) => r.row), [3, 4]);
        assert.match(rejected[0]!.errors[0]!, /priority/);
        assert.match(rejected[1]!.errors[0]!, /reason: empty/);
        return true;
      });
      assert.equal((await site.plates.hotlists.get(ctx(supervisor), listId)).entries, 0, 'nothing half-imported');
      const good = 'plate,reason,priority,fuzzy,valid_from,valid_to\nAB1234,stolen,critical,true,,\nKD88,robbery,medium,false,,\nSZ55,window,low,false,2026-11-20T03:00:00Z,2026-11-20T04:00:00Z\n';
      assert.deepEqual(await site.plates.hotlists.importCsv(ctx(supervisor, CASE), listId, good), { imported: 3, replaced: 0 });
      await assert.rejects(site.plates.hotlists.importCsv(ctx(supervisor, CASE), listId, 'plate,reason\nKD88,again\n'), (e: UserError) => {
        assert.match(JSON.stringify(e.details), /already on this hotlist/);
        return true;
      });
      const rec = (await audits('hotlist.import')).find((r) => r.outcome === 'ok');
      assert.equal(rec?.caseRef, CASE.caseRef);
      assert.equal((rec?.details as { imported: number }).imported, 3);
      const entries = (await site.plates.hotlists.entries(ctx(supervisor), listId, 10)).items;
      assert.deepEqual(entries.map((e) => [e.plate, e.priority, e.fuzzy, e.caseRef]), [['AB1234', 'critical', true, CASE.caseRef], ['KD88', 'medium', false, CASE.caseRef], ['SZ55', 'low', false, CASE.caseRef]]);
      const exported = await site.plates.hotlists.exportCsv(ctx(supervisor, CASE), listId);
      assert.match(exported.csv, /^plate,reason,priority,fuzzy,valid_from,valid_to,case_ref\nAB1234,stolen,critical,true,,,HK-2026-0777\n/);
      assert.equal((await audits('hotlist.export')).length, 1);
    });

    test('a read one edit away from a fuzzy entry raises an alert; exact entries need the same folded key', async () => {
      await reload();
      const fuzzy = await site.plates.sightings.record({ cameraId: 'k-1', plate: 'A81284', grammar: 'hk', seenAt: T0 + 10_000, confidence: 0.8, trackId: 3 });
      assert.deepEqual(fuzzy.matches.map((m) => [m.entry.plate, m.kind]), [['AB1234', 'fuzzy']]);
      assert.equal(fuzzy.alertEvents.length, 1);
      const alerts = await site.alerts.list(ctx(operator), {}, 10);
      assert.equal(alerts.items.length, 1);
      assert.equal(alerts.items[0]!.severity, 'critical');
      assert.equal(alerts.items[0]!.cameraId, 'k-1');
      assert.match(alerts.items[0]!.title, /Stolen vehicles: A81284 \(close to AB1234\)/);
      const raised = (await site.store.db.selectFrom('outbox').select('data').where('name', '=', 'alert.raised').execute()).map((r) => JSON.parse(r.data) as { ruleId: string });
      assert.deepEqual(raised.map((r) => r.ruleId), [listId]);
      const confusable = await site.plates.sightings.record({ cameraId: 'k-2', plate: 'KD8B', grammar: 'hk', seenAt: T0 + 11_000, confidence: 0.8 });
      assert.deepEqual(confusable.matches.map((m) => m.kind), ['exact'], 'B folds to 8');
      const near = await site.plates.sightings.record({ cameraId: 'k-2', plate: 'KD89', grammar: 'hk', seenAt: T0 + 12_000, confidence: 0.8 });
      assert.deepEqual(near.matches, [], 'KD88 is not fuzzy');
      const job = await site.plates.sightings.record({ cameraId: 'k-2', plate: 'AB1234', grammar: 'hk', seenAt: T0 + 13_000, confidence: 0.8, jobId: 'j1' });
      assert.deepEqual(job.matches, [], 'recorded footage raises no alerts');
    });

    test('validity window, and changes reach the matcher', async () => {
      await reload();
      const at = (ms: number) => site.plates.sightings.record({ cameraId: 'h-1', plate: 'SZ55', grammar: 'hk', seenAt: ms, confidence: 0.9 });
      assert.equal((await at(Date.UTC(2026, 10, 20, 2, 59))).matches.length, 0, 'before valid_from');
      assert.equal((await at(Date.UTC(2026, 10, 20, 3, 30))).matches.length, 1);
      assert.equal((await at(Date.UTC(2026, 10, 20, 4, 0))).matches.length, 0, 'valid_to is exclusive');
      const e = await site.plates.hotlists.addEntry(ctx(supervisor, CASE), listId, { plate: 'new 1', reason: 'seen at a robbery', fuzzy: true });
      assert.equal(e.plate, 'NEW1');
      await reload();
      assert.equal((await site.plates.sightings.record({ cameraId: 'h-1', plate: 'NEW7', grammar: 'hk', seenAt: T0, confidence: 0.9 })).matches.length, 1);
      await site.plates.hotlists.updateEntry(ctx(supervisor, CASE), listId, e.id, { validTo: T0 });
      await reload();
      assert.equal((await site.plates.sightings.record({ cameraId: 'h-1', plate: 'NEW1', grammar: 'hk', seenAt: T0 + 1, confidence: 0.9 })).matches.length, 0, 'expired');
      await site.plates.hotlists.removeEntry(ctx(supervisor, CASE), listId, e.id);
      const changes = await site.store.db.selectFrom('outbox').select('data').where('name', '=', 'hotlist.changed').execute();
      assert.ok(changes.length >= 5);
      assert.ok((await audits('hotlist.entry_remove'))[0]?.caseRef === CASE.caseRef);
    });

    test('lists belong to organisations: out of scope is 404 / 403', async () => {
      await assert.rejects(site.plates.hotlists.create(ctx(housingSup), { name: 'x', owner: 'police' }), (e: Error & { status?: number }) => e.status === 403);
      await assert.rejects(site.plates.hotlists.get(ctx(housingSup), listId), (e: Error & { status?: number }) => e.status === 404);
      assert.deepEqual(await site.plates.hotlists.list(ctx(housingSup)), []);
      await assert.rejects(site.plates.hotlists.list(ctx(operator)), /hotlist\.manage/);
      await assert.rejects(site.plates.hotlists.create(ctx(supervisor), { name: 'Stolen vehicles', owner: 'police' }), /already has a hotlist/);
      const mine = await site.plates.hotlists.create(ctx(housingSup), { name: 'Estate', owner: 'housing' });
      await site.plates.hotlists.remove(ctx(housingSup), mine.id);
      assert.equal((await audits('hotlist.delete')).length, 1);
    });
  });
}
