import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ENGINES } from '../support/engines';
import { startTestServer, type TestServer } from '../support/server';

/** Ground [lat, lon] of a top-down view: image x 0..1 spans 20 m east, y 0..1 spans 10 m south. */
function calibration(): { points: { image: [number, number]; ground: [number, number] }[] } {
  const rad = Math.PI / 180;
  const at = (x: number, y: number): [number, number] => [22.28 - (y * 10) / 6_371_008.8 / rad, 114.16 + (x * 20) / (6_371_008.8 * Math.cos(22.28 * rad)) / rad];
  return { points: ([[0.1, 0.1], [0.9, 0.1], [0.9, 0.9], [0.1, 0.9]] as [number, number][]).map(([x, y]) => ({ image: [x, y], ground: at(x, y) })) };
}

const gate = { kind: 'zone', name: 'Gate', polygon: [[0.1, 0.1], [0.5, 0.1], [0.5, 0.6], [0.1, 0.6]] };

for (const engine of ENGINES) {
  describe(`rules API on ${engine}`, () => {
    let srv: TestServer;
    let admin: string;
    let estateSupervisor: string;
    let viewer: string;

    const api = async (method: string, path: string, token: string, body?: unknown) => {
      const res = await fetch(`${srv.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, text, json: text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : undefined };
    };
    const audit = async (action: string) => (await api('GET', `/api/audit?action=${action}`, admin)).json.items as Array<{ action: string; targetId: string; cameraIds: string[]; actorName: string; details: Record<string, unknown> }>;
    const outbox = async () => srv.running.sv.store.db.selectFrom('outbox').select(['name', 'data']).where('name', '=', 'analytics.rules_changed').execute();

    before(async () => {
      srv = await startTestServer({ engine });
      admin = await srv.token('admin');
      await api('PUT', '/api/organisations/housing', admin, { name: 'Housing Department', kind: 'department', policy: { liveAllowed: true, playbackAllowed: true, retentionDaysCap: null } });
      for (const [id, owner, district] of [['cam-p', 'police', 'Central'], ['cam-h', 'housing', 'Sha Tin']] as const) {
        const r = await api('POST', '/api/cameras', admin, { id, name: id, owner, location: { lat: 22.3, lon: 114.17, district }, source: { url: 'rtsp://10.0.0.9/s' } });
        assert.equal(r.status, 201, r.text);
      }
      await srv.createUser('estate-sup', 'Shatin-Supervisor-55', [{ role: 'supervisor', organisations: ['housing'] }]);
      await srv.createUser('viewer-1', 'Viewer-Pass-123456', [{ role: 'viewer' }]);
      estateSupervisor = await srv.token('estate-sup');
      viewer = await srv.token('viewer-1');
    });
    after(() => srv.close());

    test('settings: defaults, replace with masks and calibration (error report), audited with an outbox event', async () => {
      const before = await api('GET', '/api/cameras/cam-p/analytics', viewer);
      assert.equal(before.status, 200, before.text);
      assert.deepEqual(before.json, { cameraId: 'cam-p', settings: { enabled: false, masks: [], anpr: false }, calibration: null, updatedAt: null });
      const events = (await outbox()).length;
      const put = await api('PUT', '/api/cameras/cam-p/analytics', admin, { enabled: true, fps: 2, classes: ['person', 'car'], masks: [[[0, 0], [0.3, 0], [0.3, 0.08]]], calibration: calibration() });
      assert.equal(put.status, 200, put.text);
      assert.equal(put.json.settings.enabled, true);
      assert.equal(put.json.calibration.points, 4);
      assert.ok(put.json.calibration.rmsErrorM < 0.01, JSON.stringify(put.json.calibration));
      assert.ok(put.json.updatedAt > 0);
      const got = await api('GET', '/api/cameras/cam-p/analytics', viewer);
      assert.deepEqual(got.json, put.json);
      const [rec] = await audit('analytics.settings_update');
      assert.equal(rec!.targetId, 'cam-p');
      assert.deepEqual(rec!.cameraIds, ['cam-p']);
      const { enabled, fps, classes, masks, calibrationPoints } = rec!.details;
      assert.deepEqual({ enabled, fps, classes, masks, calibrationPoints }, { enabled: true, fps: 2, classes: ['person', 'car'], masks: 1, calibrationPoints: 4 });
      const after = await outbox();
      assert.equal(after.length, events + 1);
      assert.deepEqual(JSON.parse(after.at(-1)!.data), { cameraId: 'cam-p', owner: 'police', district: 'Central' });
      assert.deepEqual(await srv.running.sv.rules.enabledCameras(), ['cam-p']);
    });

    test('rules: create with defaults, list, read, patch (validated as a whole), delete — each audited', async () => {
      const created = await api('POST', '/api/cameras/cam-p/rules', admin, gate);
      assert.equal(created.status, 201, created.text);
      const rule = created.json;
      assert.equal(rule.cameraId, 'cam-p');
      assert.deepEqual({ mode: rule.mode, enabled: rule.enabled, severity: rule.severity, alert: rule.alert, cooldownSec: rule.cooldownSec, schedule: rule.schedule }, { mode: 'presence', enabled: true, severity: 'medium', alert: true, cooldownSec: 30, schedule: [] });
      const line = await api('POST', '/api/cameras/cam-p/rules', admin, { kind: 'line', name: 'Door', line: [[0.5, 0.2], [0.5, 0.9]], inSide: 'left', alert: false, schedule: [{ days: [5], start: '22:00', end: '06:00' }] });
      assert.equal(line.status, 201, line.text);
      const list = await api('GET', '/api/cameras/cam-p/rules', viewer);
      assert.deepEqual(list.json.items.map((r: { name: string }) => r.name), ['Gate', 'Door']);
      assert.deepEqual((await api('GET', `/api/rules/${rule.id}`, viewer)).json, rule);

      const half = await api('PATCH', `/api/rules/${rule.id}`, admin, { mode: 'count' });
      assert.equal(half.status, 400);
      assert.match(half.json.error.message, /threshold: threshold is required when mode is count/);
      const counted = await api('PATCH', `/api/rules/${rule.id}`, admin, { mode: 'count', threshold: 3, severity: 'high' });
      assert.equal(counted.status, 200, counted.text);
      assert.deepEqual([counted.json.mode, counted.json.threshold, counted.json.severity, counted.json.name], ['count', 3, 'high', 'Gate']);
      assert.ok(counted.json.updatedAt >= rule.updatedAt);
      const back = await api('PATCH', `/api/rules/${rule.id}`, admin, { mode: 'presence', threshold: null });
      assert.equal(back.status, 200, back.text);
      assert.equal(back.json.threshold, undefined);
      const kind = await api('PATCH', `/api/rules/${rule.id}`, admin, { kind: 'line' });
      assert.equal(kind.status, 400);
      const foreign = await api('PATCH', `/api/rules/${rule.id}`, admin, { dwellSec: 5 });
      assert.equal(foreign.status, 400);
      assert.match(foreign.json.error.message, /dwellSec/);

      assert.equal((await api('DELETE', `/api/rules/${rule.id}`, admin)).status, 204);
      assert.equal((await api('GET', `/api/rules/${rule.id}`, admin)).status, 404);
      for (const action of ['rule.create', 'rule.update', 'rule.delete']) {
        const recs = (await audit(action)).filter((r) => r.targetId === rule.id);
        assert.ok(recs.length >= 1, `${action} audited`);
        assert.deepEqual(recs[0]!.cameraIds, ['cam-p']);
        assert.equal(recs[0]!.details.kind, 'zone');
      }
      assert.deepEqual((await audit('rule.update')).find((r) => r.targetId === rule.id)!.details.fields, ['mode', 'threshold']);
    });

    test('validation: 400 naming the field', async () => {
      const cases: Array<[string, string, unknown, RegExp]> = [
        ['POST', '/api/cameras/cam-p/rules', { kind: 'zone', name: 'z', polygon: [[0, 0], [1, 1]] }, /body\.polygon: a polygon needs at least 3 points/],
        ['POST', '/api/cameras/cam-p/rules', { ...gate, polygon: [[0, 0], [1.2, 0], [1, 1]] }, /body\.polygon\.1\.0: x must be ≤ 1/],
        ['POST', '/api/cameras/cam-p/rules', { ...gate, schedule: [{ days: [1], start: '25:00', end: '06:00' }] }, /body\.schedule\.0\.start/],
        ['POST', '/api/cameras/cam-p/rules', { kind: 'loitering', name: 'x', polygon: gate.polygon }, /dwellSec/],
        ['POST', '/api/cameras/cam-p/rules', { ...gate, secret: 1 }, /secret/],
        ['PUT', '/api/cameras/cam-p/analytics', { fps: -1 }, /body\.fps: fps must be > 0/],
        ['PUT', '/api/cameras/cam-p/analytics', { calibration: { points: calibration().points.slice(0, 3) } }, /body\.calibration\.points: a calibration needs at least 4/],
      ];
      for (const [method, path, body, re] of cases) {
        const r = await api(method, path, admin, body);
        assert.equal(r.status, 400, `${method} ${path} ${JSON.stringify(body)}: ${r.text}`);
        assert.equal(r.json.error.code, 'validation_failed');
        assert.match(r.json.error.message, re);
      }
    });

    test('speeds in m/s need the calibration, and the calibration cannot go while such rules exist', async () => {
      const running = { kind: 'running', name: 'Run', polygon: gate.polygon, minSpeed: 4, unit: 'm/s' };
      const none = await api('POST', '/api/cameras/cam-h/rules', admin, running);
      assert.equal(none.status, 400);
      assert.match(none.json.error.message, /^unit: 'm\/s' needs the camera's ground calibration/);
      const ok = await api('POST', '/api/cameras/cam-p/rules', admin, running);
      assert.equal(ok.status, 201, ok.text);
      const drop = await api('PUT', '/api/cameras/cam-p/analytics', admin, { enabled: true });
      assert.equal(drop.status, 400);
      assert.match(drop.json.error.message, /^calibration: rules 'Run'/);
      assert.equal((await api('GET', '/api/cameras/cam-p/analytics', admin)).json.calibration.points, 4, 'unchanged');
    });

    test('scope: cameras outside it look absent (404), and so do their rules; a viewer may read but not change', async () => {
      const police = await api('POST', '/api/cameras/cam-p/rules', admin, { ...gate, name: 'Police gate' });
      for (const [method, path, body] of [
        ['GET', '/api/cameras/cam-p/analytics'], ['PUT', '/api/cameras/cam-p/analytics', { enabled: true }], ['GET', '/api/cameras/cam-p/rules'],
        ['POST', '/api/cameras/cam-p/rules', gate], ['GET', `/api/rules/${police.json.id}`], ['PATCH', `/api/rules/${police.json.id}`, { name: 'x' }], ['DELETE', `/api/rules/${police.json.id}`],
        ['GET', '/api/cameras/nope/analytics'],
      ] as Array<[string, string, unknown?]>) {
        const r = await api(method, path, estateSupervisor, body);
        assert.equal(r.status, 404, `${method} ${path}: ${r.text}`);
        assert.equal(r.json.error.code, 'not_found');
      }
      const own = await api('POST', '/api/cameras/cam-h/rules', estateSupervisor, { ...gate, name: 'Estate gate' });
      assert.equal(own.status, 201, own.text);
      assert.equal((await api('GET', `/api/rules/${own.json.id}`, viewer)).status, 200);
      assert.equal((await api('PATCH', `/api/rules/${own.json.id}`, viewer, { name: 'x' })).status, 403);
      assert.equal((await api('PUT', '/api/cameras/cam-h/analytics', viewer, { enabled: true })).status, 403);
      const rec = (await audit('rule.create')).find((r) => r.targetId === own.json.id)!;
      assert.equal(rec.actorName, 'estate-sup');
      assert.equal((await api('GET', `/api/rules/${police.json.id}`, admin)).json.name, 'Police gate', 'untouched');
    });
  });
}
