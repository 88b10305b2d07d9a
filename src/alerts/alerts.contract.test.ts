import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ENGINES } from '../../test/support/engines';
import { ConflictError, ForbiddenError, NotFoundError } from '../core/errors';
import { ctx, hit, openAlertsSite, principal, T0, testImage, track, trackEvent, type AlertsSite } from './alerts.fixtures';

const admin = principal('chief', [{ role: 'supervisor', organisations: null, districts: null }]);
const policeOp = principal('pc-op', [{ role: 'operator', organisations: ['police'], districts: null }]);
const housingOp = principal('hd-op', [{ role: 'operator', organisations: ['housing'], districts: null }]);
const viewer = principal('watcher', [{ role: 'viewer', organisations: null, districts: null }]);
const auditor = principal('aud', [{ role: 'auditor', organisations: null, districts: null }]);

for (const engine of ENGINES) {
  describe(`events and alerts on ${engine}`, () => {
    let site: AlertsSite;
    before(async () => {
      site = await openAlertsSite(engine);
    });
    after(() => site.cleanup());

    const outbox = async (name: string) =>
      (await site.store.db.selectFrom('outbox').selectAll().where('name', '=', name).orderBy('seq').execute()).map((r) => JSON.parse(r.data) as Record<string, unknown>);
    const audits = async (action: string) => (await site.audit.log.query(site.store.db, { action, limit: 50 })).items;

    test('track appeared is stored with a JPEG snapshot, updated is not, lost ends it; outbox carries owner and district', async () => {
      const t = track(7, T0 + 1000, T0 + 1000);
      const id = await site.sink.recordTrackEvent('p-1', trackEvent('appeared', t), testImage());
      assert.ok(id);
      assert.equal(await site.sink.recordTrackEvent('p-1', trackEvent('updated', track(7, T0 + 1000, T0 + 2000))), null);
      const ev = await site.events.get(ctx(admin), id);
      assert.equal(ev.kind, 'track');
      assert.equal(ev.type, 'appeared');
      assert.equal(ev.owner, 'police');
      assert.equal(ev.district, 'Wan Chai');
      assert.equal(ev.startedAt, T0 + 1000);
      assert.equal(ev.endedAt, null);
      assert.deepEqual(ev.box, [10, 20, 30, 60]);
      assert.equal(ev.hasSnapshot, true);
      const file = path.join(site.snapshots.root, 'p-1', '2026', '11', '20', `${id}.jpg`);
      assert.ok(existsSync(file), 'snapshot under <camera>/<YYYY>/<MM>/<DD>/<eventId>.jpg');
      const jpeg = await site.events.snapshot(ctx(admin), id);
      assert.equal(jpeg[0], 0xff);
      assert.equal(jpeg[1], 0xd8);
      assert.deepEqual(jpeg, readFileSync(file));

      const lostId = await site.sink.recordTrackEvent('p-1', trackEvent('lost', track(7, T0 + 1000, T0 + 9000)));
      assert.equal(lostId, id);
      assert.equal((await site.events.get(ctx(admin), id)).endedAt, T0 + 9000);
      const msgs = (await outbox('analytics.event')).filter((m) => m.eventId === id);
      assert.deepEqual(msgs.map((m) => m.type), ['appeared', 'lost']);
      assert.equal(msgs[0]!.owner, 'police');
      assert.equal(msgs[0]!.district, 'Wan Chai');
      assert.equal(msgs[1]!.endedAt, T0 + 9000);
      assert.equal(await site.sink.recordTrackEvent('p-1', trackEvent('lost', track(99, T0, T0 + 5))), null, 'a lost track without a stored appearance is ignored');
    });

    test('a rule hit with alert: event + alert + alert.raised in one go; without alert: only the event; a job: no alert, no bus', async () => {
      const before = (await outbox('alert.raised')).length;
      const id = await site.sink.recordRuleHit('h-1', hit({ tMs: T0 + 2000, trackId: 3 }), testImage(64, 48));
      assert.ok(id);
      const ev = await site.events.get(ctx(admin), id);
      assert.equal(ev.kind, 'rule');
      assert.equal(ev.type, 'zone_enter');
      assert.equal(ev.ruleId, 'r-gate');
      assert.equal(ev.ruleName, 'Gate zone');
      assert.equal(ev.severity, 'high');
      assert.deepEqual(ev.detail, { kind: 'zone', event: 'enter', count: 1 });
      const raised = await outbox('alert.raised');
      assert.equal(raised.length, before + 1);
      const msg = raised[raised.length - 1]!;
      assert.equal(msg.eventId, id);
      assert.equal(msg.owner, 'housing');
      assert.equal(msg.district, 'Sha Tin');
      const alert = await site.alerts.get(ctx(admin), msg.alertId as string);
      assert.equal(alert.state, 'open');
      assert.equal(alert.title, 'Gate zone: person');
      assert.equal(alert.eventId, id);

      const quiet = await site.sink.recordRuleHit('p-1', hit({ tMs: T0 + 3000, alert: false, kind: 'line', detail: { kind: 'line', direction: 'in', counts: { in: 1, out: 0, byClass: {} } } } as never));
      assert.equal((await site.events.get(ctx(admin), quiet!)).type, 'line_cross');
      assert.equal((await outbox('alert.raised')).length, before + 1);

      const busBefore = (await outbox('analytics.event')).length;
      const jobEv = await site.sink.recordRuleHit('p-1', hit({ tMs: T0 - 86_400_000 }), undefined, 'job-1');
      assert.ok(jobEv);
      assert.equal((await outbox('alert.raised')).length, before + 1, 'recorded-footage jobs raise no alerts');
      assert.equal((await outbox('analytics.event')).length, busBefore, 'nor go on the bus');
      const page = await site.events.list(ctx(admin), { jobId: 'job-1' }, 10);
      assert.deepEqual(page.items.map((e) => e.id), [jobEv]);
    });

    test('a snapshot that cannot be written costs only the snapshot; a flooded sink drops snapshots, then events (counted)', async () => {
      const broken = site.makeSink({}, { ffmpegPath: '/nonexistent/ffmpeg', ffprobePath: 'ffprobe' });
      const id = await broken.recordTrackEvent('p-2', trackEvent('appeared', track(1, T0 + 100)), testImage());
      assert.ok(id);
      assert.equal((await site.events.get(ctx(admin), id)).hasSnapshot, false);
      assert.equal(broken.stats.snapshotsFailed, 1);
      assert.equal(broken.stats.eventsStored, 1);

      const flooded = site.makeSink({ maxPending: 4, snapshotPendingLimit: 1 });
      const ids = await Promise.all(Array.from({ length: 10 }, (_, i) => flooded.recordTrackEvent('p-2', trackEvent('appeared', track(100 + i, T0 + 200 + i)), testImage(32, 24))));
      const stored = ids.filter((x) => x !== null);
      assert.equal(stored.length, 4);
      assert.equal(flooded.stats.eventsDropped, 6);
      assert.equal(flooded.stats.eventsStored, 4);
      assert.ok(flooded.stats.snapshotsDropped >= 2, `snapshots dropped first: ${JSON.stringify(flooded.stats)}`);
      assert.equal(flooded.stats.snapshotsDropped + flooded.stats.snapshotsStored, 4);
      assert.equal(flooded.stats.pending, 0);
    });

    test('alerts: list filters, severity at least, cursor pages, scope (out of scope = 404)', async () => {
      for (const [i, cam, severity] of [[0, 'p-1', 'low'], [1, 'p-2', 'medium'], [2, 'p-1', 'critical'], [3, 'h-1', 'info'], [4, 'p-2', 'high']] as const) {
        site.clock.set(T0 + 100_000 + i * 1000);
        await site.sink.recordRuleHit(cam, hit({ tMs: T0 + 100_000 + i * 1000, severity, ruleId: `r-${i}` }));
      }
      site.clock.set(T0 + 200_000);
      const window = { fromMs: T0 + 100_000, toMs: T0 + 110_000 };
      const all = await site.alerts.list(ctx(admin), window, 100);
      assert.equal(all.items.length, 5);
      assert.deepEqual(all.items.map((a) => a.createdAt), [4, 3, 2, 1, 0].map((i) => T0 + 100_000 + i * 1000), 'newest first');
      assert.deepEqual((await site.alerts.list(ctx(admin), { ...window, minSeverity: 'high' }, 100)).items.map((a) => a.severity), ['high', 'critical']);
      assert.deepEqual((await site.alerts.list(ctx(admin), { ...window, cameraId: 'p-1' }, 100)).items.map((a) => a.severity), ['critical', 'low']);
      assert.equal((await site.alerts.list(ctx(policeOp), window, 100)).items.length, 4, 'the police operator sees police cameras only');
      assert.deepEqual((await site.alerts.list(ctx(housingOp), window, 100)).items.map((a) => a.cameraId), ['h-1']);

      const seen: string[] = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < 5; pages++) {
        const p = await site.alerts.list(ctx(admin), window, 2, cursor);
        seen.push(...p.items.map((a) => a.id));
        if (!p.nextCursor) break;
        cursor = p.nextCursor;
      }
      assert.deepEqual(seen, all.items.map((a) => a.id), 'pages of 2 give the same list');
      await assert.rejects(site.alerts.list(ctx(admin), window, 2, 'not-a-cursor'), /cursor/);

      const housingAlert = all.items.find((a) => a.cameraId === 'h-1')!;
      await assert.rejects(site.alerts.get(ctx(policeOp), housingAlert.id), NotFoundError);
      await assert.rejects(site.alerts.list(ctx(auditor), {}, 10), ForbiddenError);
    });

    test('acknowledge, notes and close: operator only, in scope, audited and published; states move forward only', async () => {
      site.clock.set(T0 + 300_000);
      const evId = await site.sink.recordRuleHit('p-1', hit({ tMs: T0 + 300_000, severity: 'critical', ruleId: 'r-ack' }));
      const [a] = (await site.alerts.list(ctx(admin), { fromMs: T0 + 300_000, toMs: T0 + 300_001 }, 10)).items;
      assert.equal(a!.eventId, evId);
      await assert.rejects(site.alerts.acknowledge(ctx(viewer), a!.id), ForbiddenError);
      await assert.rejects(site.alerts.acknowledge(ctx(housingOp), a!.id), NotFoundError);
      await assert.rejects(site.alerts.acknowledge(ctx(policeOp), 'no-such-alert'), NotFoundError);

      site.clock.set(T0 + 301_000);
      const acked = await site.alerts.acknowledge(ctx(policeOp), a!.id);
      assert.equal(acked.state, 'acknowledged');
      assert.equal(acked.acknowledgedBy, 'pc-op');
      assert.equal(acked.acknowledgedAt, T0 + 301_000);
      await assert.rejects(site.alerts.acknowledge(ctx(policeOp), a!.id), ConflictError);

      const noted = await site.alerts.addNote(ctx(policeOp), a!.id, '  Patrol car 12 sent  ');
      assert.deepEqual(noted.notes.map((n) => [n.author, n.text]), [['pc-op', 'Patrol car 12 sent']]);
      await assert.rejects(site.alerts.addNote(ctx(policeOp), a!.id, '   '), /empty/);
      const closed = await site.alerts.close(ctx(policeOp), a!.id);
      assert.equal(closed.state, 'closed');
      assert.equal(closed.closedBy, 'pc-op');
      await assert.rejects(site.alerts.close(ctx(policeOp), a!.id), ConflictError);
      await site.alerts.addNote(ctx(policeOp), a!.id, 'Follow-up: nothing found');
      assert.equal((await site.alerts.get(ctx(viewer), a!.id)).notes.length, 2);
      assert.deepEqual((await site.alerts.list(ctx(admin), { state: ['closed'], fromMs: T0 + 300_000 }, 10)).items.map((x) => x.id), [a!.id]);

      for (const action of ['alert.acknowledge', 'alert.note', 'alert.close']) {
        const recs = (await audits(action)).filter((r) => r.targetId === a!.id);
        assert.ok(recs.length >= 1, `${action} audited`);
        assert.equal(recs[0]!.actorName, 'pc-op');
        assert.deepEqual(recs[0]!.cameraIds, ['p-1']);
      }
      const updates = (await outbox('alert.updated')).filter((m) => m.alertId === a!.id);
      assert.deepEqual(updates.map((m) => m.change), ['acknowledged', 'note', 'closed', 'note']);
      assert.ok(updates.every((m) => m.owner === 'police' && m.district === 'Wan Chai' && m.severity === 'critical'));
    });

    test('events: filters, cursor, scope, the camera timeline window', async () => {
      site.clock.set(T0 + 400_000);
      for (let i = 0; i < 5; i++) await site.sink.recordTrackEvent('p-2', trackEvent('appeared', track(500 + i, T0 + 400_000 + i * 10, T0 + 400_000 + i * 10, i % 2 ? 'car' : 'person')));
      const f = { cameraId: 'p-2', fromMs: T0 + 400_000, toMs: T0 + 401_000 };
      assert.equal((await site.events.list(ctx(viewer), f, 100)).items.length, 5);
      assert.deepEqual((await site.events.list(ctx(viewer), { ...f, label: 'car' }, 100)).items.map((e) => e.trackId), [503, 501]);
      assert.equal((await site.events.list(ctx(viewer), { ...f, kind: 'rule' }, 100)).items.length, 0);
      const p1 = await site.events.list(ctx(viewer), f, 3);
      const p2 = await site.events.list(ctx(viewer), f, 3, p1.nextCursor!);
      assert.deepEqual([...p1.items, ...p2.items].map((e) => e.trackId), [504, 503, 502, 501, 500]);
      assert.equal(p2.nextCursor, null);
      assert.equal((await site.events.list(ctx(housingOp), f, 100)).items.length, 0);
      const one = p1.items[0]!;
      await assert.rejects(site.events.get(ctx(housingOp), one.id), NotFoundError);

      const tl = await site.events.forCamera(ctx(viewer), 'p-2', T0 + 400_000, T0 + 400_030);
      assert.deepEqual(tl.items.map((e) => e.trackId), [502, 501, 500]);
      assert.equal(tl.truncated, false);
      await assert.rejects(site.events.forCamera(ctx(housingOp), 'p-2', T0, T0 + 1000), NotFoundError);
      await assert.rejects(site.events.forCamera(ctx(viewer), 'p-2', T0, T0 + 8 * 86_400_000), /too long/);
    });

    test('a snapshot path from the database is served only inside the snapshot directory', async () => {
      site.clock.set(T0 + 500_000);
      const id = (await site.sink.recordTrackEvent('p-1', trackEvent('appeared', track(900, T0 + 500_000)), testImage()))!;
      const secret = path.join(site.dataDir, 'secret.jpg');
      writeFileSync(secret, 'not for you');
      const setSnapshot = (rel: string) => site.store.db.updateTable('analytics_events').set({ snapshot: rel }).where('id', '=', id).execute();
      for (const rel of ['../secret.jpg', '/etc/passwd', 'p-1/2026/11/20/../../../../../secret.jpg']) {
        await setSnapshot(rel);
        await assert.rejects(site.events.snapshot(ctx(admin), id), NotFoundError, rel);
      }
      const dir = path.join(site.snapshots.root, 'p-1', '2026', '11', '21');
      mkdirSync(dir, { recursive: true });
      symlinkSync(secret, path.join(dir, 'link-out.jpg'));
      await setSnapshot('p-1/2026/11/21/link-out.jpg');
      await assert.rejects(site.events.snapshot(ctx(admin), id), NotFoundError, 'a symlink leading out is refused');
    });

    test('snapshots past their retention are deleted (files and references), the events stay', async () => {
      site.clock.set(T0 + 600_000);
      const id = (await site.sink.recordTrackEvent('h-1', trackEvent('appeared', track(950, T0 + 600_000)), testImage()))!;
      const file = path.join(site.snapshots.root, 'h-1', '2026', '11', '20', `${id}.jpg`);
      assert.ok(existsSync(file));
      assert.deepEqual(await site.sink.pruneSnapshots(T0 + 29 * 86_400_000), { rows: 0, directories: 0 }, 'nothing is 30 days old yet');
      const r = await site.sink.pruneSnapshots(T0 + 31 * 86_400_000);
      assert.ok(r.rows >= 1 && r.directories >= 1, JSON.stringify(r));
      assert.ok(!existsSync(file));
      const ev = await site.events.get(ctx(admin), id);
      assert.equal(ev.hasSnapshot, false);
      await assert.rejects(site.events.snapshot(ctx(admin), id), NotFoundError);
    });
  });
}
