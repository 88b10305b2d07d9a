import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { CrowdRole } from '../../src/crowd/live/manager';
import { makeCrowdClip } from '../support/crowd-footage';
import { writeRecordings } from '../support/recordings';
import { startTestServer, type TestServer } from '../support/server';
import { SHARED_DIR, sharedSkip } from '../support/shared';

const R = 6_371_008.8;
const RAD = Math.PI / 180;
const LAT0 = 22.3;
const LON0 = 114.17;
const ll = (east: number, north: number): [number, number] => [LAT0 + north / R / RAD, LON0 + east / (R * Math.cos(LAT0 * RAD)) / RAD];
/** The whole picture is a 1.5 m × 1.5 m patch of ground (2.25 m²): the 7 people the detector finds are ~3 persons/m². */
const side = 1.5;
const CALIBRATION = { method: 'points', pairs: [
  { image: [0, 0], ground: ll(0, side) }, { image: [1, 0], ground: ll(side, side) }, { image: [1, 1], ground: ll(side, 0) }, { image: [0, 1], ground: ll(0, 0) },
] };
const ZONE = { id: 'plaza', name: 'Plaza', polygon: [[0, 0], [1, 0], [1, 1], [0, 1]] };

async function until<T>(fn: () => Promise<T | undefined>, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('crowd analytics over HTTP, with a live camera', { skip: sharedSkip('mot/MOT17-09-FRCNN/img1') }, () => {
  let srv: TestServer;
  let tok: string;
  let viewerTok: string;
  let role: CrowdRole | undefined;
  const alerts: Array<{ title: string; ruleId: string | null; severity: string }> = [];
  const req = async (method: string, p: string, body?: unknown, token = tok) => {
    const r = await fetch(`${srv.url}${p}`, { method, headers: { authorization: `Bearer ${token}`, 'x-purpose': 'crowd count calibration', ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
    const ct = r.headers.get('content-type') ?? '';
    return { status: r.status, ct, body: ct.includes('json') ? ((await r.json()) as any) : Buffer.from(await r.arrayBuffer()) };
  };

  before(async () => {
    // SQLite by default; CROWD_TEST_ENGINE=postgres runs the same scenario on PostgreSQL.
    srv = await startTestServer({ engine: process.env.CROWD_TEST_ENGINE === 'postgres' ? 'postgres' : 'sqlite', config: { crowd: { seriesBucketMs: 1000 } } });
    tok = await srv.token('admin');
    await srv.createUser('estate-viewer', 'Tsuen-Wan-Pass-1234', [{ role: 'viewer', organisations: ['housing'] }]);
    viewerTok = await srv.token('estate-viewer');
    const clip = makeCrowdClip(path.join(srv.dataDir, 'media', 'crowd.mp4'), { frame: path.join(SHARED_DIR, 'mot/MOT17-09-FRCNN/img1/000001.jpg'), emptySeconds: 2, crowdSeconds: 6 });
    const cam = await req('POST', '/api/cameras', { id: 'plaza-cam', name: 'Plaza', owner: 'police', source: { url: `file://${clip.file}` }, location: { lat: LAT0, lon: LON0, district: 'Sha Tin' } });
    assert.equal(cam.status, 201, JSON.stringify(cam.body));
    await srv.running.sv.bus.subscribe<{ title: string; ruleId: string | null; severity: string }>('alert.raised', (m) => void alerts.push(m.data));
  });
  after(async () => {
    await role?.stop();
    await srv.close();
  });

  test('settings: defaults, then zones + calibration saved with the error report; bad calibration is a 400 with per-point errors', async () => {
    const d = await req('GET', '/api/crowd/cameras/plaza-cam/settings');
    assert.equal(d.status, 200);
    assert.deepEqual([d.body.enabled, d.body.kind, d.body.fps, d.body.thresholds.advisory, d.body.calibration, d.body.countCalibration], [false, 'auto', 1, 2, null, null]);
    const collinear = await req('PUT', '/api/crowd/cameras/plaza-cam/settings', { calibration: { method: 'points', pairs: [0, 1, 2, 3].map((i) => ({ image: [0.1 + 0.2 * i, 0.5], ground: ll(i, i) })) } });
    assert.equal(collinear.status, 400);
    const density = await req('PUT', '/api/crowd/cameras/plaza-cam/settings', { kind: 'density' });
    assert.equal(density.status, 400);
    assert.match(density.body.error.message, /crowd.densityModel/);
    assert.equal(collinear.body.error.details.problem, 'collinear');
    const bad = await req('PUT', '/api/crowd/cameras/plaza-cam/settings', { calibration: { method: 'points', pairs: [...CALIBRATION.pairs, { image: [0.5, 0.5], ground: ll(12, 0.75) }] } });
    assert.equal(bad.status, 400);
    const errs = bad.body.error.details.pointErrorsM as Array<number | null>;
    assert.equal(errs.length, 5);
    assert.ok(errs[4]! > 10, `the bad point stands out: ${errs.join(', ')}`);
    const put = await req('PUT', '/api/crowd/cameras/plaza-cam/settings', { enabled: true, kind: 'detector', fps: 2, zones: [ZONE], lines: [{ id: 'l', name: 'Mid', a: [0, 0.5], b: [1, 0.5] }], calibration: CALIBRATION });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.ok(put.body.calibrationReport.rmsErrorM < 0.01);
    assert.equal((await req('GET', '/api/crowd/cameras/plaza-cam/settings', undefined, viewerTok)).status, 404, 'out of scope looks absent');
  });

  test('live: counts and densities in /api/crowd/live and a crowd.density alert through the alert channels', async () => {
    role = await srv.running.sv.crowd.startRole();
    assert.deepEqual(role.cameras(), ['plaza-cam']);
    const cam = await until(async () => {
      const r = await req('GET', '/api/crowd/live?cameraIds=plaza-cam');
      const c = r.body.cameras[0];
      return c && c.count >= 4 && c.zones[0].densityPerM2 >= 2 ? c : undefined;
    }, 60_000, 'a crowded sample');
    assert.equal(cam.name, 'Plaza');
    assert.equal(cam.zones[0].areaM2, 2.25);
    assert.ok(['advisory', 'warning', 'critical'].includes(cam.level), cam.level);
    assert.equal(cam.heat.perM2, true);
    assert.equal(cam.zones[0].groundPolygon.length, 4);
    assert.equal(cam.stale, false);
    const alert = await until(async () => alerts.find((a) => a.ruleId?.startsWith('crowd:plaza-cam:plaza')), 15_000, 'the density alert on the bus');
    assert.match(alert.title, /Crowd density (advisory|warning|critical) in Plaza/);
    const listed = await req('GET', '/api/alerts?camera=plaza-cam');
    assert.ok(listed.body.items.some((a: { title: string }) => /Crowd density/.test(a.title)), 'on the Alerts page');
    const events = await req('GET', '/api/analytics/events?camera=plaza-cam');
    assert.ok(events.body.items.some((e: { type: string }) => e.type === 'crowd.density'));
    const none = await req('GET', '/api/crowd/live', undefined, viewerTok);
    assert.deepEqual(none.body.cameras, [], 'scoped: the estate viewer sees no police camera');
  });

  test('series and the event report (json, csv, pdf)', async () => {
    const now = Date.now();
    const series = await until(async () => {
      const r = await req('GET', `/api/crowd/cameras/plaza-cam/series?fromMs=${now - 120_000}&toMs=${now + 1000}&bucketMs=5000`);
      return r.body.points.some((p: { count: number }) => p.count >= 4) ? r.body.points : undefined;
    }, 15_000, 'series rows');
    assert.ok(series.some((p: { densityPerM2: number | null }) => (p.densityPerM2 ?? 0) >= 2));
    const ev = await req('POST', '/api/crowd/events', { name: 'Lantern festival', cameraIds: ['plaza-cam'], startsAt: now - 120_000, endsAt: now + 60_000 });
    assert.equal(ev.status, 201);
    assert.equal((await req('GET', '/api/crowd/events')).body.items[0].name, 'Lantern festival');
    const patched = await req('PATCH', `/api/crowd/events/${ev.body.id}`, { name: 'Lantern festival 2026' });
    assert.equal(patched.body.name, 'Lantern festival 2026');
    const json = await req('GET', `/api/crowd/events/${ev.body.id}/report?format=json`);
    const c = json.body.cameras[0];
    assert.ok(c.peakCount >= 4 && c.peakDensityPerM2 >= 2, JSON.stringify(c));
    assert.equal(c.zones[0].name, 'Plaza');
    assert.ok(json.body.alerts.some((a: { type: string }) => a.type === 'crowd.density'));
    const csv = await req('GET', `/api/crowd/events/${ev.body.id}/report?format=csv`);
    assert.match(csv.ct, /text\/csv/);
    assert.match(csv.body.toString(), /"camera","plaza-cam","Plaza"/);
    const pdf = await req('GET', `/api/crowd/events/${ev.body.id}/report?format=pdf`);
    assert.equal(pdf.ct, 'application/pdf');
    assert.equal((pdf.body as Buffer).subarray(0, 5).toString(), '%PDF-');
    assert.equal((await req('GET', `/api/crowd/events/${ev.body.id}`, undefined, viewerTok)).status, 404);
  });

  test('count calibration: samples from the camera, head marks, fit (400 below 3 samples)', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const s = await req('POST', '/api/crowd/cameras/plaza-cam/samples', {});
      assert.equal(s.status, 201, JSON.stringify(s.body));
      assert.equal(s.body.imageUrl, `/api/crowd/samples/${s.body.id}/image`);
      ids.push(s.body.id);
      if (i === 0) {
        const early = await req('POST', '/api/crowd/cameras/plaza-cam/count-calibration');
        assert.equal(early.status, 400);
        assert.match(early.body.error.message, /at least 3 samples/);
      }
      const marked = await req('PUT', `/api/crowd/samples/${s.body.id}/heads`, { heads: Array.from({ length: i + 2 }, (_, k) => [0.1 * (k + 1), 0.5]) });
      assert.equal(marked.body.heads.length, i + 2);
    }
    const img = await req('GET', `/api/crowd/samples/${ids[0]}/image`);
    assert.equal(img.ct, 'image/jpeg');
    assert.equal((img.body as Buffer)[0], 0xff);
    assert.equal((await req('GET', '/api/crowd/cameras/plaza-cam/samples')).body.items.length, 3);
    const fit = await req('POST', '/api/crowd/cameras/plaza-cam/count-calibration');
    assert.equal(fit.status, 200, JSON.stringify(fit.body));
    assert.equal(fit.body.samples, 3);
    assert.equal((await req('GET', '/api/crowd/cameras/plaza-cam/settings')).body.countCalibration.samples, 3);
  });
  test('recorded footage: a run over the recordings writes series rows the event report covers', async () => {
    const t0 = Date.now() - 3_600_000;
    await writeRecordings({ store: srv.running.sv.store, root: path.join(srv.dataDir, 'recordings'), cameraId: 'plaza-cam', runs: [{ startMs: t0, seconds: 6, pieceSeconds: 3 }], width: 640, height: 360 });
    const none = await req('POST', '/api/crowd/cameras/plaza-cam/footage', { fromMs: t0 - 7_200_000, toMs: t0 - 3_600_000 });
    assert.equal(none.status, 422);
    const run = await req('POST', '/api/crowd/cameras/plaza-cam/footage', { fromMs: t0, toMs: t0 + 6000 });
    assert.equal(run.status, 202, JSON.stringify(run.body));
    const done = await until(async () => {
      const r = await req('GET', `/api/crowd/footage/${run.body.id}`);
      return r.body.state === 'done' || r.body.state === 'failed' ? r.body : undefined;
    }, 60_000, 'the footage run');
    assert.equal(done.state, 'done', done.error);
    assert.ok(done.frames >= 4, `frames ${done.frames}`);
    const series = await req('GET', `/api/crowd/cameras/plaza-cam/series?fromMs=${t0}&toMs=${t0 + 6000}&bucketMs=1000`);
    assert.ok(series.body.points.length >= 4, 'one row per second of footage');
    const ev = await req('POST', '/api/crowd/events', { name: 'Earlier', cameraIds: ['plaza-cam'], startsAt: t0, endsAt: t0 + 6000 });
    const rep = await req('GET', `/api/crowd/events/${ev.body.id}/report`);
    assert.ok(rep.body.cameras[0].samples >= 4, 'the report covers the past footage');
    assert.deepEqual(rep.body.alerts, [], 'past footage raises no alerts');
  });
  test('switching crowd analytics off stops the camera\'s live stage (crowd.settings_changed on the bus)', async () => {
    const cur = (await req('GET', '/api/crowd/cameras/plaza-cam/settings')).body;
    const { cameraId: _c, calibrationReport: _r, countCalibration: _k, ...input } = cur;
    assert.equal((await req('PUT', '/api/crowd/cameras/plaza-cam/settings', { ...input, enabled: false })).status, 200);
    await until(async () => (role!.cameras().length === 0 ? true : undefined), 15_000, 'the stage to stop');
  });
  test('retention: series and samples past their retention are deleted (here: everything, retention 0 days)', async () => {
    const before = (await req('GET', '/api/crowd/cameras/plaza-cam/samples')).body.items as Array<{ id: string }>;
    assert.ok(before.length >= 3);
    const prunedAt = Date.now();
    const r = await srv.running.sv.crowd.service.prune(0, 0);
    assert.ok(r.series > 0 && r.samples === before.length, JSON.stringify(r));
    assert.deepEqual((await req('GET', '/api/crowd/cameras/plaza-cam/samples')).body.items, []);
    assert.equal((await req('GET', `/api/crowd/samples/${before[0]!.id}/image`)).status, 404);
    // The live camera keeps counting: rows written after the prune are new, everything before it is gone.
    const left = (await req('GET', `/api/crowd/cameras/plaza-cam/series?fromMs=${prunedAt - 7_200_000}&toMs=${Date.now()}&bucketMs=1000`)).body.points as Array<{ at: number }>;
    assert.deepEqual(left.filter((p) => p.at < prunedAt - 10_000), []); // a frame counted just before the prune may be written after it
  });
});
