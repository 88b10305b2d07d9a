import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ENGINES } from '../../test/support/engines';
import type { ActionContext } from '../core/context';
import { keysDir } from '../app/app';
import { openEvidenceSite, principal, seedFootage, T0, type EvidenceSite } from './evidence.fixtures';
import { BREAK_GLASS_CASE_PREFIX } from './export.service';
import { trustFrom } from './trust';
import { verifyBundle } from './verify';

const S = 1000;
const inv = principal('inv', [{ role: 'investigator', organisations: ['police'], districts: null }]);
const central = principal('central', [{ role: 'investigator', organisations: null, districts: ['Central'] }]);
const viewer = principal('viewer', [{ role: 'viewer', organisations: null, districts: null }]);
const ctx = (p: typeof inv, extra: Partial<ActionContext> = {}): ActionContext => ({ principal: p, ip: '10.0.0.9', requestId: 'req-test-1', ...extra });

for (const engine of ENGINES) {
  describe(`evidence export on ${engine}`, () => {
    let site: EvidenceSite;
    before(async () => {
      site = await openEvidenceSite(engine);
      await seedFootage(site.sv.store.db, site.storageRoot, 'cam-1', T0, { count: 3 });
      await seedFootage(site.sv.store.db, site.storageRoot, 'cam-2', T0, { count: 2 });
      await seedFootage(site.sv.store.db, site.storageRoot, 'cam-h', T0, { count: 1 });
      // Real cases (the policy's 'exports' row checks they exist, are open and name the caller).
      const open = (p: typeof inv, ref: string) => site.sv.forensic.cases.create(ctx(p), { ref, purpose: `Investigation ${ref}`, authorisedUsers: [], expiresAt: Date.now() + 86_400_000 });
      for (const ref of ['HK-2026-0042', 'C-1', 'C-3', 'C-5', 'C-6', 'C-7', 'C-9']) await open(inv, ref);
      await open(central, 'C-2');
      await site.sv.forensic.cases.close(ctx(inv), 'C-9', 'solved');
    });
    after(() => site.cleanup());

    const audits = async (action: string) => (await site.sv.audit.log.query(site.sv.store.db, { action, limit: 50 })).items;

    test('exports two cameras as a signed bundle that verifies against the site keys', async () => {
      const ev = site.sv.evidence;
      const started = await ev.create(ctx(inv, { caseRef: 'HK-2026-0042' }), { cameraIds: ['cam-1', 'cam-2'], fromMs: T0 + 3_500, toMs: T0 + 14_200, purpose: 'Robbery at the gate' });
      assert.equal(started.status, 'running');
      assert.equal(started.caseRef, 'HK-2026-0042');
      await ev.idle();
      const done = await ev.get(ctx(inv), started.id);
      assert.equal(done.status, 'done', done.error ?? '');
      assert.equal(done.progress, 1);
      assert.match(done.manifestSha256 ?? '', /^[0-9a-f]{64}$/);
      const dir = path.join(site.dataDir, 'exports', started.id);
      assert.ok(existsSync(path.join(dir, 'cameras/cam-1/original.mp4')));
      assert.ok(!existsSync(`${dir}.partial`));
      const report = await verifyBundle(dir, trustFrom({ siteKeysDir: keysDir(site.sv.config) }));
      assert.deepEqual(report.problems, []);
      assert.equal(report.ok, true);
      assert.equal(report.caseRef, 'HK-2026-0042');

      const [created] = await audits('export.create');
      assert.equal(created!.outcome, 'ok');
      assert.equal(created!.caseRef, 'HK-2026-0042');
      assert.equal(created!.purpose, 'Robbery at the gate');
      assert.deepEqual(created!.cameraIds, ['cam-1', 'cam-2']);
      assert.equal(created!.targetId, started.id);
      assert.equal((created!.details as { from: string }).from, new Date(T0 + 3_500).toISOString());
      const [complete] = await audits('export.complete');
      assert.equal((complete!.details as { manifestSha256: string }).manifestSha256, done.manifestSha256);
    });

    test('without a case reference the export is refused, and the refusal is audited', async () => {
      await assert.rejects(site.sv.evidence.create(ctx(inv), { cameraIds: ['cam-1'], fromMs: T0, toMs: T0 + 5 * S, purpose: 'curiosity' }), (e: Error & { code?: string; status?: number }) => {
        assert.equal(e.code, 'case_required');
        assert.equal(e.status, 400);
        return true;
      });
      const refused = (await audits('export.create')).find((r) => r.outcome === 'denied');
      assert.ok(refused, 'a denied export.create record');
      assert.equal((refused.details as { reason: string }).reason, 'case_required');
      assert.equal((refused.details as { policy: string }).policy, 'exports');
      assert.deepEqual(refused.cameraIds, ['cam-1']);
      assert.equal(refused.actorId, inv.userId);
    });

    test('a case reference that is unknown, closed, or does not name the caller is refused and audited', async () => {
      const attempt = (p: typeof inv, caseRef: string) => site.sv.evidence.create(ctx(p, { caseRef }), { cameraIds: ['cam-1'], fromMs: T0, toMs: T0 + 5 * S, purpose: 'p' });
      const refusedFor = async (caseRef: string) => (await audits('export.create')).find((r) => r.outcome === 'denied' && r.caseRef === caseRef);
      for (const [p, ref, code] of [[inv, 'HK-INVENTED-1', 'case_not_authorised'], [inv, 'C-9', 'case_closed'], [inv, 'C-2', 'case_not_authorised']] as const) {
        await assert.rejects(attempt(p, ref), (e: Error & { code?: string; status?: number }) => {
          assert.equal(e.code, code, `${ref}: ${e.message}`);
          assert.equal(e.status, 403);
          return true;
        });
        const rec = await refusedFor(ref);
        assert.ok(rec, `the refusal for case ${ref} is audited`);
        assert.equal((rec.details as { reason: string }).reason, code);
        assert.equal(rec.actorId, inv.userId);
      }
      assert.equal((await site.sv.store.db.selectFrom('evidence_exports').select('id').where('case_ref', 'in', ['HK-INVENTED-1', 'C-9', 'C-2']).execute()).length, 0, 'no export was recorded');
    });

    test('under an active break-glass an export goes through without a case, marked and audited with the break-glass id', async () => {
      const bg = await site.sv.governance.breakGlass.start(ctx(inv), 'Child missing near the gate, footage needed now');
      const ex = await site.sv.evidence.create(ctx(inv), { cameraIds: ['cam-1'], fromMs: T0, toMs: T0 + 4 * S, purpose: 'missing child' });
      assert.equal(ex.caseRef, `${BREAK_GLASS_CASE_PREFIX}${bg.id}`);
      await site.sv.evidence.idle();
      assert.equal((await site.sv.evidence.get(ctx(inv), ex.id)).status, 'done');
      const rec = (await audits('export.create')).find((r) => r.targetId === ex.id);
      assert.equal(rec?.outcome, 'ok');
      assert.equal((rec?.details as { breakGlassId?: string }).breakGlassId, bg.id);
      assert.equal(rec?.caseRef ?? null, null, 'no case is claimed');
      const d = await site.sv.evidence.download(ctx(inv), ex.id);
      d.stream.resume();
      const [dl] = await audits('export.download');
      assert.equal(dl!.targetId, ex.id);
      assert.equal((dl!.details as { breakGlassId?: string }).breakGlassId, bg.id);
      assert.equal(dl!.caseRef ?? null, null);
    });

    test('a header and a body case reference that differ are refused', async () => {
      await assert.rejects(site.sv.evidence.create(ctx(inv, { caseRef: 'A-1' }), { cameraIds: ['cam-1'], fromMs: T0, toMs: T0 + 5 * S, purpose: 'p', caseRef: 'B-2' }), /Two different case references/);
    });

    test('a camera outside the caller\'s scope answers 404 for that camera (audited as denied)', async () => {
      await assert.rejects(site.sv.evidence.create(ctx(inv, { caseRef: 'C-1' }), { cameraIds: ['cam-1', 'cam-h'], fromMs: T0, toMs: T0 + 5 * S, purpose: 'p' }), (e: Error & { status?: number }) => {
        assert.equal(e.status, 404);
        assert.match(e.message, /camera 'cam-h' was not found/);
        return true;
      });
      const denied = (await audits('export.create')).find((r) => (r.details as { reason?: string }).reason === 'camera_not_found');
      assert.equal((denied?.details as { cameraId: string }).cameraId, 'cam-h');
    });

    test('the owner\'s playbackAllowed is respected', async () => {
      await assert.rejects(site.sv.evidence.create(ctx(central, { caseRef: 'C-2' }), { cameraIds: ['cam-h'], fromMs: T0, toMs: T0 + 5 * S, purpose: 'p' }), (e: Error & { code?: string; status?: number }) => {
        assert.equal(e.code, 'playback_not_allowed');
        assert.equal(e.status, 403);
        return true;
      });
    });

    test('a range without footage fails clearly, naming the camera and the times', async () => {
      const from = T0 + 3_600_000;
      await assert.rejects(site.sv.evidence.create(ctx(inv, { caseRef: 'C-3' }), { cameraIds: ['cam-1'], fromMs: from, toMs: from + 60 * S, purpose: 'p' }), (e: Error & { code?: string; status?: number }) => {
        assert.equal(e.code, 'no_recordings');
        assert.equal(e.status, 422);
        assert.equal(e.message, `No recordings of camera cam-1 between ${new Date(from).toISOString()} and ${new Date(from + 60 * S).toISOString()}`);
        return true;
      });
    });

    test('a role without export.create is refused; an export is invisible outside the caller\'s scope', async () => {
      await assert.rejects(site.sv.evidence.create(ctx(viewer, { caseRef: 'C-4' }), { cameraIds: ['cam-1'], fromMs: T0, toMs: T0 + 5 * S, purpose: 'p' }), (e: Error & { status?: number }) => e.status === 403);
      const ex = await site.sv.evidence.create(ctx(inv, { caseRef: 'C-5' }), { cameraIds: ['cam-2'], fromMs: T0, toMs: T0 + 5 * S, purpose: 'p' });
      await site.sv.evidence.idle();
      await assert.rejects(site.sv.evidence.get(ctx(central), ex.id), (e: Error & { status?: number }) => e.status === 404);
      await assert.rejects(site.sv.evidence.get(ctx(inv), 'ex-nope'), (e: Error & { status?: number }) => e.status === 404);
    });

    test('download streams the bundle as a tar and is audited', async () => {
      const ex = await site.sv.evidence.create(ctx(inv, { caseRef: 'C-6' }), { cameraIds: ['cam-1'], fromMs: T0, toMs: T0 + 4 * S, purpose: 'court' });
      await assert.rejects(site.sv.evidence.download(ctx(inv), ex.id).then(() => site.sv.evidence.idle()), (e: Error & { code?: string }) => e.code === 'export_not_ready');
      await site.sv.evidence.idle();
      const d = await site.sv.evidence.download(ctx(inv), ex.id);
      let n = 0;
      for await (const c of d.stream) n += (c as Buffer).length;
      assert.equal(n, d.size);
      assert.equal(n % 512, 0);
      const [rec] = await audits('export.download');
      assert.equal(rec!.targetId, ex.id);
      assert.equal(rec!.caseRef, 'C-6');
    });

    test('a segment changed since it was indexed stops the export with a clear error', async () => {
      const segs = await seedFootage(site.sv.store.db, site.storageRoot, 'cam-2', T0 + 600_000, { count: 1 });
      const { appendFileSync } = await import('node:fs');
      appendFileSync(path.join(site.storageRoot, segs[0]!.path), Buffer.alloc(188));
      const ex = await site.sv.evidence.create(ctx(inv, { caseRef: 'C-7' }), { cameraIds: ['cam-2'], fromMs: T0 + 600_000, toMs: T0 + 605_000, purpose: 'p' });
      await site.sv.evidence.idle();
      const v = await site.sv.evidence.get(ctx(inv), ex.id);
      assert.equal(v.status, 'failed');
      assert.match(v.error ?? '', /no longer matches the SHA-256 recorded when it was indexed/);
      assert.ok(!existsSync(path.join(site.dataDir, 'exports', `${ex.id}.partial`)), 'no half bundle is left');
      const failed = (await audits('export.complete')).find((r) => r.targetId === ex.id);
      assert.equal(failed?.outcome, 'failed');
    });

    test('start-up marks an export interrupted by a crash failed and removes the segments fetched for it', async () => {
      const { ExportRepository } = await import('./export.repository');
      const dir = path.join(site.dataDir, 'exports', 'ex-crashed-1');
      await mkdir(`${dir}.segments`, { recursive: true });
      await writeFile(path.join(`${dir}.segments`, 'seg-1.mp4'), 'a copy of another node\'s segment');
      await new ExportRepository(site.sv.store.db).insert({
        id: 'ex-crashed-1', caseRef: 'C-1', purpose: 'crash test', createdBy: 'inv', createdAt: Date.now(), cameraIds: ['cam-1'], fromMs: T0, toMs: T0 + S,
        path: dir, manifestSha256: null, status: 'running', error: null,
      });
      assert.ok((await site.sv.evidence.recoverInterrupted()) >= 1);
      assert.ok(!existsSync(`${dir}.segments`), 'the fetched copies are gone');
      const rec = await site.sv.evidence.get(ctx(inv), 'ex-crashed-1');
      assert.equal(rec.status, 'failed');
      assert.match(rec.error ?? '', /interrupted/);
    });
  });
}
