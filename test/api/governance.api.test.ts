import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { AuditEntry } from '../../src/audit/types';
import { ENGINES } from '../support/engines';
import { startTestServer, type TestServer } from '../support/server';
import { ensureRowMonths, tableOf } from '../../src/metadata/partitions';

/**
 * Governance through the API: audit review flags on seeded audit records, the CSV export with the chain
 * verification, transparency report figures against seeded data (and no personal data in them), the
 * camera register and its CSV.
 */
const H = 3_600_000;
const DAY = 24 * H;
const OCT = Date.UTC(2026, 9, 1); // seeded month (a past audit partition of its own)
const NOV = Date.UTC(2026, 10, 1);
const at = (day: number, hkHour: number, min = 0) => OCT + (day - 1) * DAY + (hkHour - 8) * H + min * 60_000;

for (const engine of ENGINES) {
  describe(`governance API on ${engine}`, () => {
    let srv: TestServer;
    const tok: Record<string, string> = {};
    const ids: Record<string, string> = {};
    const req = async (method: string, p: string, who: string, json?: unknown) => {
      const headers: Record<string, string> = { authorization: `Bearer ${tok[who]}` };
      if (json !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(`${srv.url}${p}`, { method, headers, body: json === undefined ? undefined : JSON.stringify(json) });
      const buf = Buffer.from(await res.arrayBuffer());
      return { status: res.status, headers: res.headers, body: buf, text: buf.toString(), json: res.headers.get('content-type')?.includes('json') ? JSON.parse(buf.toString()) : undefined };
    };

    before(async () => {
      srv = await startTestServer({ engine });
      tok.admin = await srv.token('admin');
      assert.equal((await req('PUT', '/api/organisations/mall', 'admin', { name: 'Harbour Mall Ltd', kind: 'private_partner' })).status, 200);
      for (const [id, owner, district] of [['c-1', 'police', 'Wan Chai'], ['c-2', 'police', 'Sha Tin'], ['c-3', 'mall', 'Sha Tin']] as const) {
        assert.equal((await req('POST', '/api/cameras', 'admin', { id, name: `Camera ${id}`, owner, location: { lat: 22.3, lon: 114.2, district }, source: { url: 'rtsp://10.0.0.1/s' } })).status, 201);
      }
      for (const [u, role] of [['ivytam', 'investigator'], ['benlau', 'investigator'], ['catwong', 'investigator'], ['aud', 'auditor'], ['sam', 'supervisor']] as const) {
        await srv.createUser(u, `Harbour-Lights-Pass-${role.length}2026`, [{ role }]);
        tok[u] = await srv.token(u);
      }
      const sv = srv.running.sv;
      for (const u of await sv.users.list({ principal: null, ip: null })) ids[u.username] = u.id;
      const who = (name: string) => ({ id: ids[name]!, name });
      const seed: AuditEntry[] = [
        { actor: who('ivytam'), action: 'plate.search', caseRef: 'HKP-SEED-1', at: at(3, 10), details: { plate: 'KT4821', results: 2 } },
        { actor: who('benlau'), action: 'plate.search', caseRef: 'HKP-SEED-1', at: at(3, 11), details: { plate: 'KT4821', results: 2 } },
        { actor: who('catwong'), action: 'plate.search', caseRef: 'HKP-SEED-2', at: at(4, 9), details: { plate: 'KT 4821', results: 2 } },
        { actor: who('ivytam'), action: 'search.tracks', at: at(5, 10), details: { results: 0 } },
        { actor: who('ivytam'), action: 'playback.view', cameraIds: ['c-2'], at: at(5, 12), purpose: 'missing child', details: { breakGlassId: 'bg-seed-1', fromMs: 0, toMs: 60_000 } },
        { actor: who('benlau'), action: 'live.view', cameraIds: ['c-1'], at: at(6, 1, 30), purpose: 'noise complaint', details: {} },
        ...Array.from({ length: 11 }, (_, i): AuditEntry => ({ actor: who('catwong'), action: 'export.create', cameraIds: ['c-1'], caseRef: 'HKP-SEED-2', at: at(7, 9, i), details: { fromMs: 0, toMs: 60_000 } })),
        { actor: who('benlau'), action: 'export.create', cameraIds: ['c-1', 'c-2', 'c-3'], caseRef: 'HKP-SEED-1', at: at(8, 14), details: { fromMs: 0, toMs: 3 * H } },
        { actor: 'system', action: 'playback.view', cameraIds: ['c-1'], at: at(8, 2), details: {} },
        { actor: who('ivytam'), action: 'plate.search', at: at(9, 10), outcome: 'denied', details: { plate: 'ZZ1', reason: 'case_required' } },
      ];
      await sv.store.transaction(async (tx) => {
        for (const e of seed) await sv.audit.log.append(tx, e);
      });
      // Footage: 2 h on c-1 and 30 min on c-2 in October; retention deleted two segments; one hotlist hit.
      await sv.store.db.insertInto('segments').values([
        { camera_id: 'c-1', node: 'site-1', storage: 'local', path: 'c-1/a.ts', start_ms: at(2, 10), end_ms: at(2, 12), bytes: 1000, codec: 'h264', width: 320, height: 180, keyframes: '[]', sha256: 'a'.repeat(64), status: 'ok', created_at: at(2, 12) },
        { camera_id: 'c-2', node: 'site-1', storage: 'local', path: 'c-2/a.ts', start_ms: at(2, 10), end_ms: at(2, 10, 30), bytes: 1000, codec: 'h264', width: 320, height: 180, keyframes: '[]', sha256: 'b'.repeat(64), status: 'ok', created_at: at(2, 11) },
      ]).execute();
      await sv.store.db.insertInto('retention_deletions').values([1, 2].map((i) => ({ camera_id: 'c-1', storage: 'local', path: `c-1/old-${i}.ts`, start_ms: at(1, 1), end_ms: at(1, 1, 1), bytes: 5000, sha256: String(i).repeat(64), rule: 'age', at: at(10, 3) }))).execute();
      // A past month: on PostgreSQL its partition is made on demand, as the event writer does.
      await ensureRowMonths(sv.store.db, tableOf('events'), [at(11, 10)]);
      await sv.store.db.insertInto('analytics_events').values({
        id: 'ev-hot-1', camera_id: 'c-1', owner: 'police', district: 'Wan Chai', kind: 'rule', type: 'hotlist_match', label: 'plate', track_id: null, rule_id: 'h', rule_name: 'Wanted',
        severity: 'high', started_at: at(11, 10), ended_at: null, score: null, box: null, detail: JSON.stringify({ plate: 'KT4821', caseRef: 'HKP-SEED-1' }), snapshot: null, job_id: null, created_at: at(11, 10),
      }).execute();
    });
    after(() => srv.close());

    test('audit review: filters by user, case, camera, action and time', async () => {
      const byUser = await req('GET', `/api/governance/audit?user=catwong&action=export.&from=${OCT}&to=${NOV}&limit=500`, 'aud');
      assert.equal(byUser.status, 200, byUser.text);
      assert.equal(byUser.json.items.length, 11);
      assert.ok(byUser.json.items.every((r: { hash: string }) => /^[0-9a-f]{64}$/.test(r.hash)));
      const byCase = await req('GET', `/api/governance/audit?caseRef=HKP-SEED-1&from=${OCT}&to=${NOV}`, 'aud');
      assert.deepEqual(byCase.json.items.map((r: { action: string }) => r.action).sort(), ['export.create', 'plate.search', 'plate.search']);
      const byCam = await req('GET', `/api/governance/audit?cameraId=c-3&from=${OCT}&to=${NOV}`, 'aud');
      assert.equal(byCam.json.items.length, 1);
      assert.deepEqual((await req('GET', '/api/governance/audit?user=nobody', 'aud')).json.items, []);
      assert.equal((await req('GET', '/api/governance/audit', 'sam')).status, 403, 'supervisors hold no audit.read');
    });

    test('flags: no case, break-glass, unusual hours, bulk exports, one plate by many users', async () => {
      const r = await req('GET', `/api/governance/audit/flags?from=${OCT}&to=${NOV}`, 'aud');
      assert.equal(r.status, 200, r.text);
      const flags = r.json.flags as Array<{ kind: string; user: string | null; details: Record<string, unknown> }>;
      const kinds = (k: string) => flags.filter((f) => f.kind === k);
      assert.deepEqual(kinds('no_case').map((f) => [f.user, f.details.action]), [['ivytam', 'search.tracks']]);
      assert.deepEqual(kinds('break_glass').map((f) => [f.user, f.details.breakGlassId]), [['ivytam', 'bg-seed-1']]);
      assert.deepEqual(kinds('unusual_hours').map((f) => [f.user, f.details.localHour]), [['benlau', 1]], 'the system\'s own 02:00 access is not flagged');
      assert.deepEqual(kinds('bulk_exports').map((f) => [f.user, f.details.exports, f.details.hours]).sort(), [['benlau', 1, 9], ['catwong', 11, 0.18]]);
      assert.deepEqual(kinds('plate_many_users').map((f) => [f.details.plate, f.details.users]), [['KT4821', ['benlau', 'catwong', 'ivytam']]]);
      assert.equal(r.json.records >= 17, true);
      assert.equal((await req('GET', `/api/governance/audit/flags?from=${OCT}&to=${OCT + 200 * DAY}`, 'aud')).status, 400);
    });

    test('review CSV carries hashes and the chain verification result', async () => {
      const r = await req('GET', `/api/governance/audit/export.csv?from=${OCT}&to=${NOV}&action=plate.search`, 'aud');
      assert.equal(r.status, 200);
      assert.match(r.headers.get('content-type') ?? '', /text\/csv/);
      const lines = r.text.trim().split('\n');
      assert.match(lines.find((l) => l.startsWith('# chain verification'))!, /^# chain verification: OK; records checked: \d+; problems: 0$/);
      const header = lines.find((l) => l.startsWith('seq,'))!;
      assert.ok(header.endsWith(',hash'));
      const rows = lines.filter((l) => /^\d+,/.test(l));
      assert.equal(rows.length, 4);
      assert.ok(rows[0]!.includes('KT4821'));
      const audit = await req('GET', '/api/audit?action=audit.review.export&limit=5', 'aud');
      assert.equal(audit.json.items[0].details.chainsOk, true);
    });

    test('transparency report: the seeded figures, no personal data; CSV and PDF', async () => {
      const to = Date.now() + H;
      const r = await req('GET', `/api/governance/report?from=${OCT}&to=${to}`, 'sam');
      assert.equal(r.status, 200, r.text);
      const rep = r.json;
      assert.equal(rep.cameras.total, 3);
      assert.deepEqual(rep.cameras.byOwner.map((o: { owner: string; cameras: number }) => [o.owner, o.cameras]), [['mall', 1], ['police', 2]]);
      assert.deepEqual(rep.cameras.byDistrict, [{ district: 'Sha Tin', cameras: 2 }, { district: 'Wan Chai', cameras: 1 }]);
      assert.equal(rep.hoursRecorded, 2.5);
      assert.deepEqual([rep.liveViews, rep.playbacks, rep.exports, rep.hotlistHits], [1, 2, 12, 1]);
      assert.deepEqual(rep.searches.byKind, [{ kind: 'plate', count: 3 }, { kind: 'person', count: 1 }, { kind: 'journey', count: 0 }, { kind: 'interception', count: 0 }]);
      assert.equal(rep.searches.total, 4);
      assert.equal(rep.casesAssisted, 2);
      assert.equal(rep.retention.deletedSegments, 2);
      const oct = rep.retention.certificates[0];
      assert.deepEqual([oct.fromMs, oct.toMs, oct.count], [OCT, NOV, 2]);
      const cert = await req('GET', `/api/retention/certificate?from=${OCT}&to=${NOV}`, 'aud');
      assert.equal(oct.listSha256, cert.json.listSha256, 'the same digest as the deletion certificate');
      const csv = await req('GET', `/api/governance/report.csv?from=${OCT}&to=${to}`, 'sam');
      assert.match(csv.text, /^section,item,value\n/);
      assert.match(csv.text, /searches by kind,plate,3\n/);
      assert.match(csv.text, new RegExp(`deletion certificate,.*sha256 ${oct.listSha256}`));
      for (const text of [r.text, csv.text]) {
        for (const personal of ['ivytam', 'benlau', 'catwong', 'KT4821', 'KT 4821', 'HKP-SEED', 'bg-seed', 'noise complaint', 'c-1', 'c-2']) assert.ok(!text.includes(personal), `report mentions ${personal}`);
      }
      const pdf = await req('GET', `/api/governance/report.pdf?from=${OCT}&to=${to}`, 'sam');
      assert.equal(pdf.status, 200);
      assert.equal(pdf.body.subarray(0, 5).toString(), '%PDF-');
      assert.equal((await req('GET', `/api/governance/report?from=${OCT}&to=${to}`, 'ivytam')).status, 403);
    });

    test('camera register: edit needs camera.write, list and CSV need register.read; the edit is audited', async () => {
      const body = { purpose: 'Junction safety, Lockhart Road', legalBasis: 'Road Traffic Ordinance (Cap. 374)', signage: true, residentialFacing: false, notes: 'Faces the road, "no" flats' };
      assert.equal((await req('PUT', '/api/governance/register/c-1', 'sam', body)).status, 403);
      const put = await req('PUT', '/api/governance/register/c-1', 'admin', body);
      assert.equal(put.status, 200, put.text);
      assert.deepEqual([put.json.purpose, put.json.signage, put.json.masks, put.json.analyticsEnabled, put.json.ownerName], [body.purpose, true, 0, false, 'Police']);
      assert.equal((await req('PUT', '/api/governance/register/nope', 'admin', body)).status, 404);
      const list = await req('GET', '/api/governance/register', 'aud');
      assert.deepEqual(list.json.items.map((e: { cameraId: string; purpose: string | null }) => [e.cameraId, e.purpose]), [['c-1', body.purpose], ['c-2', null], ['c-3', null]]);
      const csv = await req('GET', '/api/governance/register.csv', 'aud');
      const lines = csv.text.trim().split('\n');
      assert.equal(lines[0], 'camera_id,name,owner,owner_name,district,purpose,legal_basis,signage,residential_facing,retention_days,masks,analytics_enabled,notes,updated_by,updated_at');
      assert.match(lines[1]!, /^c-1,Camera c-1,police,Police,Wan Chai,"Junction safety, Lockhart Road",Road Traffic Ordinance \(Cap\. 374\),yes,no,,0,no,"Faces the road, ""no"" flats",admin,\d{4}-/);
      assert.match(lines[3]!, /^c-3,Camera c-3,mall,Harbour Mall Ltd,Sha Tin,,,,,,0,no,,,$/);
      const rec = (await req('GET', '/api/audit?action=register.update&limit=5', 'aud')).json.items[0];
      assert.deepEqual([rec.targetId, rec.details.purpose], ['c-1', body.purpose]);
    });
  });
}
