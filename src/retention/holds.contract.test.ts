import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { ENGINES, openTestStore, type TestStore } from '../../test/support/engines';
import type { ActionContext } from '../core/context';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../core/errors';
import { DAY, NOW, openRetentionFixture, principal, startsAgo, type RetentionFixture } from './retention.fixtures';
import { RetentionService } from './retention.service';

const as = (p: ReturnType<typeof principal>, caseRef?: string): ActionContext => ({ principal: p, ip: '10.0.0.9', caseRef });
const cityInvestigator = principal('investigator', ['city']);

for (const engine of ENGINES) {
  describe(`legal holds and deletion certificates on ${engine}`, () => {
    let ts: TestStore;
    let f: RetentionFixture;
    before(async () => {
      ts = await openTestStore(engine);
    });
    after(() => ts.cleanup());
    beforeEach(async () => {
      f = await openRetentionFixture(engine, ts);
      await f.addCamera('cam-city', 'city', 30);
      await f.addCamera('cam-shop', 'shop', 30);
    });
    afterEach(() => f.cleanup());

    test('a hold must be bound to a case (X-Case-Ref or caseRef), is audited with it, and its event carries no case', async () => {
      const holds = f.holds();
      const input = { cameraId: 'cam-city', startMs: NOW - DAY, endMs: NOW, reason: 'assault near exit B' };
      await assert.rejects(holds.place(as(cityInvestigator), input), (e: unknown) => e instanceof ValidationError && /bound to a case/.test(e.message));
      await assert.rejects(holds.place(as(cityInvestigator, 'CASE-A'), { ...input, caseRef: 'CASE-B' }), /differs from X-Case-Ref/);
      await f.addSegments('cam-city', startsAgo(DAY / 2, 3));
      const byHeader = await holds.place(as(cityInvestigator, 'CASE-A'), input);
      const byBody = await holds.place(as(cityInvestigator), { ...input, caseRef: 'CASE-B' });
      assert.equal(byHeader.caseRef, 'CASE-A');
      assert.equal(byBody.caseRef, 'CASE-B');
      assert.deepEqual(byHeader.coverage, { segments: 3, bytes: 3 * (await f.store.db.selectFrom('segments').select('bytes').executeTakeFirstOrThrow()).bytes });
      assert.equal(byHeader.createdBy, 'investigator-user');
      const audit = await f.store.db.selectFrom('audit_records').select(['action', 'case_ref', 'actor_name', 'target_id']).where('action', '=', 'hold.place').where('target_id', 'in', [String(byHeader.id), String(byBody.id)]).orderBy('seq').execute();
      assert.deepEqual(audit.map((a) => [a.case_ref, a.actor_name, a.target_id]), [['CASE-A', 'investigator-user', String(byHeader.id)], ['CASE-B', 'investigator-user', String(byBody.id)]]);
      const ev = await f.store.db.selectFrom('outbox').select('data').where('name', '=', 'hold.placed').execute();
      assert.equal(ev.length, 2);
      assert.ok(!ev[0]!.data.includes('CASE-'), 'the case reference stays in the audit trail');
    });

    test('scope: out-of-scope cameras and their holds look absent; a role without hold.manage is refused', async () => {
      const admin = f.holds();
      const shopHold = await admin.place({ principal: null, ip: null, caseRef: 'CASE-S' }, { cameraId: 'cam-shop', startMs: 0, endMs: NOW, reason: 'shop incident' });
      const cityHold = await admin.place({ principal: null, ip: null, caseRef: 'CASE-C' }, { cameraId: 'cam-city', startMs: 0, endMs: NOW, reason: 'city incident' });
      const inv = as(cityInvestigator, 'CASE-X');
      await assert.rejects(admin.place(inv, { cameraId: 'cam-shop', startMs: 0, endMs: NOW, reason: 'not mine' }), NotFoundError);
      await assert.rejects(admin.place(inv, { cameraId: 'cam-nowhere', startMs: 0, endMs: NOW, reason: 'absent' }), NotFoundError);
      assert.deepEqual((await admin.list(inv, {}, 100)).items.map((h) => h.id), [cityHold.id]);
      await assert.rejects(admin.get(inv, shopHold.id), NotFoundError);
      await assert.rejects(admin.release(inv, shopHold.id, 'not mine'), NotFoundError);
      await assert.rejects(admin.place(as(principal('viewer'), 'C'), { cameraId: 'cam-city', startMs: 0, endMs: NOW, reason: 'nope' }), ForbiddenError);
      await assert.rejects(admin.list(as(principal('operator')), {}, 10), ForbiddenError);
      assert.equal((await admin.list(as(principal('auditor')), {}, 10)).items.length, 2, 'auditors read holds');
      await assert.rejects(admin.release(as(principal('auditor')), cityHold.id, 'no'), ForbiddenError);
    });

    test('release is audited once; a second release conflicts; filters by camera and state', async () => {
      const holds = f.holds();
      const h1 = await holds.place(as(cityInvestigator, 'CASE-1'), { cameraId: 'cam-city', startMs: 0, endMs: NOW, reason: 'first' });
      const h2 = await holds.place(as(cityInvestigator, 'CASE-2'), { cameraId: 'cam-city', startMs: 0, endMs: NOW, reason: 'second' });
      const r = await holds.release(as(cityInvestigator), h1.id, 'case closed');
      assert.equal(r.active, false);
      assert.equal(r.releasedBy, 'investigator-user');
      await assert.rejects(holds.release(as(cityInvestigator), h1.id, 'again'), (e: unknown) => e instanceof ConflictError && e.code === 'hold_released');
      const audit = await f.store.db.selectFrom('audit_records').select(['case_ref', 'details']).where('action', '=', 'hold.release').where('target_id', '=', String(h1.id)).execute();
      assert.equal(audit.length, 1);
      assert.equal(audit[0]!.case_ref, 'CASE-1', 'the release is filed under the hold\'s case');
      assert.match(audit[0]!.details, /case closed/);
      const inv = as(cityInvestigator);
      assert.deepEqual((await holds.list(inv, { active: true }, 10)).items.map((h) => h.id), [h2.id]);
      assert.deepEqual((await holds.list(inv, { active: false }, 10)).items.map((h) => h.id), [h1.id]);
      assert.deepEqual((await holds.list(inv, { cameraId: 'cam-shop' }, 10)).items, []);
      const page1 = await holds.list(inv, {}, 1);
      assert.deepEqual([page1.items[0]!.id, page1.nextCursor], [h2.id, String(h2.id)]);
      assert.deepEqual((await holds.list(inv, {}, 1, Number(page1.nextCursor))).items.map((h) => h.id), [h1.id]);
    });

    test('deletion certificate: count, bytes, by rule and camera over a period, a digest of the list, within scope', async () => {
      await f.addOrg('shop', 5);
      await f.addSegments('cam-city', startsAgo(40 * DAY, 2));
      await f.addSegments('cam-shop', startsAgo(20 * DAY, 3));
      await f.sweeper().sweep();
      const svc = new RetentionService(f.store, f.audit, f.clock, f.gate);
      const cert = await svc.certificate({ principal: null, ip: null }, NOW - DAY, NOW + 1);
      const b = (await f.store.db.selectFrom('retention_deletions').select('bytes').executeTakeFirstOrThrow()).bytes;
      assert.equal(cert.count, 5);
      assert.equal(cert.bytes, 5 * b);
      assert.deepEqual(cert.byRule, { age: { count: 2, bytes: 2 * b }, owner_cap: { count: 3, bytes: 3 * b } });
      assert.deepEqual(cert.byCamera.map((c) => [c.cameraId, c.count]), [['cam-city', 2], ['cam-shop', 3]]);
      const rows = await f.store.db.selectFrom('retention_deletions').selectAll().orderBy('id').execute();
      const digest = createHash('sha256').update(rows.map((d) => `${d.id}|${d.camera_id}|${d.storage}|${d.path}|${d.start_ms}|${d.end_ms}|${d.bytes}|${d.sha256}|${d.rule}|${d.at}\n`).join('')).digest('hex');
      assert.equal(cert.listSha256, digest);
      assert.equal((await svc.certificate({ principal: null, ip: null }, NOW + 1, NOW + 2)).count, 0, 'another period');
      const scoped = await svc.certificate(as(principal('auditor', ['city'])), NOW - DAY, NOW + 1);
      assert.deepEqual([scoped.count, Object.keys(scoped.byRule)], [2, ['age']]);
      await assert.rejects(svc.certificate(as(principal('investigator')), NOW - DAY, NOW), ForbiddenError);
      await assert.rejects(svc.certificate({ principal: null, ip: null }, NOW, NOW - 1), ValidationError);
      const audited = await f.store.db.selectFrom('audit_records').select('action').where('action', '=', 'retention.certificate').execute();
      assert.equal(audited.length, 3);
    });
  });
}
