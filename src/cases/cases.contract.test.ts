import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ENGINES } from '../../test/support/engines';
import { as, colleague, investigator, openSearchSite, outsider, T0, viewer, type SearchSite } from '../search/search.fixtures';

const DAY = 86_400_000;

for (const engine of ENGINES) {
  describe(`cases on ${engine}`, () => {
    let site: SearchSite;
    before(async () => (site = await openSearchSite(engine)));
    after(() => site.cleanup());
    const denials = () => site.store.db.selectFrom('audit_records').select(['action', 'case_ref', 'actor_name', 'outcome', 'details']).where('outcome', '=', 'denied').orderBy('seq').execute();

    test('create: the creator and the named users are authorised; audited with the case reference', async () => {
      const c = await site.cases.create(as(investigator), { ref: 'HKP-2026-001', purpose: 'Robbery at Lockhart Road', authorisedUsers: ['carl'], expiresAt: T0 + 30 * DAY });
      assert.deepEqual(c.authorisedUsers.map((u) => u.username), ['ivy', 'carl']);
      assert.equal(c.status, 'open');
      assert.equal(c.createdBy, 'ivy');
      const rec = await site.store.db.selectFrom('audit_records').select(['case_ref', 'target_id', 'actor_name']).where('action', '=', 'case.create').execute();
      assert.deepEqual(rec, [{ case_ref: 'HKP-2026-001', target_id: 'HKP-2026-001', actor_name: 'ivy' }]);
      await assert.rejects(site.cases.create(as(investigator), { ref: 'HKP-2026-001', purpose: 'again and again', authorisedUsers: [], expiresAt: T0 + DAY }), /already exists/);
      await assert.rejects(site.cases.create(as(investigator), { ref: 'HKP-2026-002', purpose: 'unknown colleague', authorisedUsers: ['nobody'], expiresAt: T0 + DAY }), /no user 'nobody'/);
      await assert.rejects(site.cases.create(as(investigator), { ref: 'HKP-2026-003', purpose: 'in the past', authorisedUsers: [], expiresAt: T0 - 1 }), /in the past/);
      await assert.rejects(site.cases.create(as(viewer), { ref: 'HKP-2026-004', purpose: 'viewer tries', authorisedUsers: [], expiresAt: T0 + DAY }), /does not grant 'case.manage'/);
    });

    test('list and get show only cases the caller is authorised for', async () => {
      assert.deepEqual((await site.cases.list(as(colleague))).map((c) => c.ref), ['HKP-2026-001']);
      assert.deepEqual(await site.cases.list(as(outsider)), []);
      await assert.rejects(site.cases.get(as(outsider), 'HKP-2026-001'), /case 'HKP-2026-001' was not found/);
      assert.equal((await site.cases.get(as(colleague), 'HKP-2026-001')).purpose, 'Robbery at Lockhart Road');
    });

    test('requireCase: missing, unknown, not authorised, expired and closed cases are refused, each refusal audited', async () => {
      const before = (await denials()).length;
      await assert.rejects(site.cases.requireCase(as(investigator), 'search.tracks'), (e: Error & { code?: string; status?: number }) => e.code === 'case_required' && e.status === 400 && /X-Case-Ref/.test(e.message));
      await assert.rejects(site.cases.requireCase(as(investigator, 'NOPE-1'), 'search.tracks'), { code: 'case_not_authorised' });
      await assert.rejects(site.cases.requireCase(as(outsider, 'HKP-2026-001'), 'search.similar'), { code: 'case_not_authorised' });
      assert.equal((await site.cases.requireCase(as(colleague, 'HKP-2026-001'), 'search.tracks')).ref, 'HKP-2026-001');
      await site.cases.create(as(investigator), { ref: 'HKP-2026-010', purpose: 'Short-lived case', authorisedUsers: [], expiresAt: T0 + 1000 });
      site.clock.set(T0 + 2000);
      await assert.rejects(site.cases.requireCase(as(investigator, 'HKP-2026-010'), 'search.tracks'), { code: 'case_expired' });
      site.clock.set(T0);
      await site.cases.create(as(investigator), { ref: 'HKP-2026-011', purpose: 'Closed soon', authorisedUsers: [], expiresAt: T0 + DAY });
      await assert.rejects(site.cases.close(as(outsider), 'HKP-2026-011', 'not mine'), /was not found/);
      const closed = await site.cases.close(as(investigator), 'HKP-2026-011', 'suspect charged');
      assert.equal(closed.status, 'closed');
      await assert.rejects(site.cases.close(as(investigator), 'HKP-2026-011', 'twice'), /already closed/);
      await assert.rejects(site.cases.requireCase(as(investigator, 'HKP-2026-011'), 'search.tracks'), { code: 'case_closed' });
      const d = (await denials()).slice(before);
      assert.deepEqual(d.map((r) => [r.action, r.case_ref, r.actor_name]), [
        ['search.tracks', null, 'ivy'], ['search.tracks', 'NOPE-1', 'ivy'], ['search.similar', 'HKP-2026-001', 'otto'],
        ['search.tracks', 'HKP-2026-010', 'ivy'], ['search.tracks', 'HKP-2026-011', 'ivy'],
      ]);
      assert.match(String(d[0]!.details), /case_required/);
    });
  });
}
