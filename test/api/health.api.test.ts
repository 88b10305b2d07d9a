import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SegmentRepository, type NewSegment } from '../../src/record/segment.repository';
import { EMPTY_TAMPER, serializeTamper } from '../../src/health/tamper-record';
import { ENGINES } from '../support/engines';
import { startTestServer, type TestServer } from '../support/server';

const NOW = Date.now();

function seg(cameraId: string, i: number, bytes: number): NewSegment {
  const startMs = NOW - 55_000 + i * 10_000;
  return {
    cameraId, node: 'site-1', storage: 'local', path: `${cameraId}/${startMs}.ts`, startMs, endMs: startMs + 10_000, bytes, codec: 'h264',
    width: 640, height: 360, keyframes: [0, 2000, 4000, 6000, 8000], sha256: 'x'.repeat(64), status: 'ok', createdAt: startMs + 10_000,
  };
}

for (const engine of ENGINES) {
  describe(`health API on ${engine}`, () => {
    let srv: TestServer;
    let admin: string;
    let estate: string;
    let estateAdmin: string;
    let supervisor: string;
    let viewer: string;

    const api = async (method: string, path: string, token?: string) => {
      const res = await fetch(`${srv.url}${path}`, { method, headers: token ? { authorization: `Bearer ${token}` } : {} });
      const text = await res.text();
      return { status: res.status, text, type: res.headers.get('content-type') ?? '', json: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : undefined };
    };
    const ids = (r: { json: { items: Array<{ cameraId: string }> } }) => r.json.items.map((c) => c.cameraId);

    before(async () => {
      srv = await startTestServer({ engine });
      const sv = srv.running.sv;
      admin = await srv.token('admin');
      const sys = { principal: null, ip: null };
      await sv.orgs.upsert(sys, { id: 'housing', name: 'Housing Department', kind: 'department', policy: { liveAllowed: true, playbackAllowed: true, retentionDaysCap: null } });
      const cam = (id: string, owner: string, district: string) =>
        sv.cameras.create(sys, { id, name: `Camera ${id}`, owner, location: { lat: 22.3, lon: 114.17, district, address: '' }, source: { url: `rtsp://10.0.0.9/${id}`, transport: 'auto' }, tags: [] });
      await cam('cam-a', 'police', 'Central');
      await cam('cam-b', 'housing', 'Wan Chai');
      await cam('cam-c', 'housing', 'Sha Tin');
      // What the recorder writes (src/record is not part of this test): two health rows.
      const moved = serializeTamper({ ...EMPTY_TAMPER, flags: ['moved'], since: { moved: NOW - 60_000 }, lastSampleAt: NOW - 1000, reference: { width: 4, height: 3, frame: Buffer.alloc(12, 9).toString('base64'), detail: 0.5, capturedAt: NOW - 3_600_000 } });
      await sv.store.db.insertInto('camera_health').values([
        { camera_id: 'cam-a', state: 'online', fps: null, bitrate_bps: null, reconnects: 2, last_segment_at: NOW - 5000, storage_bytes: 0, tamper: moved, probe: JSON.stringify({ streams: [{ codec_type: 'video', avg_frame_rate: '25/1' }] }), last_error: null, updated_at: NOW },
        { camera_id: 'cam-b', state: 'offline', fps: null, bitrate_bps: null, reconnects: 7, last_segment_at: NOW - 600_000, storage_bytes: 0, tamper: '{}', probe: null, last_error: 'connection refused', updated_at: NOW },
      ]).execute();
      await new SegmentRepository(sv.store.db).insertMany([0, 1, 2, 3, 4].map((i) => seg('cam-a', i, 125_000)));
      await srv.createUser('estate-op', 'Kowloon-Bay-Pass-91', [{ role: 'operator', organisations: ['housing'] }]);
      await srv.createUser('estate-admin', 'Kowloon-Bay-Admin-91', [{ role: 'administrator', organisations: ['housing'] }]);
      await srv.createUser('sup', 'Harbour-Watch-2024-q', [{ role: 'supervisor' }]);
      await srv.createUser('view', 'Lantau-Peak-2024-x', [{ role: 'viewer' }]);
      estate = await srv.token('estate-op');
      estateAdmin = await srv.token('estate-admin');
      supervisor = await srv.token('sup');
      viewer = await srv.token('view');
    });
    after(() => srv.close());

    test('list: states, tamper flags, filters and cursor pagination', async () => {
      const all = await api('GET', '/api/health/cameras', admin);
      assert.equal(all.status, 200, all.text);
      assert.deepEqual(ids(all), ['cam-a', 'cam-b', 'cam-c']);
      const [a, b, c] = all.json.items;
      assert.equal(a.state, 'online');
      assert.deepEqual(a.tamper.flags, ['moved']);
      assert.equal(a.tamper.reference.capturedAt, NOW - 3_600_000);
      assert.ok(!all.text.includes('"frame"'), 'the reference image is not sent');
      assert.equal(a.fps, 25, 'fps from the recorder probe');
      assert.equal(b.state, 'offline');
      assert.equal(b.reconnects, 7);
      assert.equal(b.lastError, 'connection refused');
      assert.equal(c.state, 'unknown', 'no health row yet');
      assert.deepEqual(ids(await api('GET', '/api/health/cameras?state=online', admin)), ['cam-a']);
      assert.deepEqual(ids(await api('GET', '/api/health/cameras?state=unknown,offline', admin)), ['cam-b', 'cam-c']);
      assert.deepEqual(ids(await api('GET', '/api/health/cameras?tampered=true', admin)), ['cam-a']);
      assert.deepEqual(ids(await api('GET', '/api/health/cameras?tampered=false', admin)), ['cam-b', 'cam-c']);
      assert.deepEqual(ids(await api('GET', '/api/health/cameras?owner=housing&district=Sha%20Tin', admin)), ['cam-c']);
      assert.equal((await api('GET', '/api/health/cameras?state=sleeping', admin)).status, 400);
      const p1 = await api('GET', '/api/health/cameras?limit=2', admin);
      assert.deepEqual(ids(p1), ['cam-a', 'cam-b']);
      const p2 = await api('GET', `/api/health/cameras?limit=2&cursor=${p1.json.nextCursor}`, admin);
      assert.deepEqual(ids(p2), ['cam-c']);
      assert.equal(p2.json.nextCursor, null);
    });

    test('one camera: bitrate and storage measured from its segments; 404 when absent', async () => {
      const r = await api('GET', '/api/cameras/cam-a/health', admin);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.bitrateBps, 100_000, '125 kB per 10 s = 100 kbit/s');
      assert.equal(r.json.storageBytes, 5 * 125_000);
      assert.equal(r.json.reconnects, 2);
      assert.equal(r.json.lastSegmentAt, NOW - 5000);
      assert.equal((await api('GET', '/api/cameras/nope/health', admin)).status, 404);
    });

    test('scope: lists, reads, summary and reset stay inside the caller\'s scope', async () => {
      assert.deepEqual(ids(await api('GET', '/api/health/cameras', estate)), ['cam-b', 'cam-c']);
      assert.equal((await api('GET', '/api/cameras/cam-a/health', estate)).status, 404, 'out of scope looks absent');
      const s = await api('GET', '/api/health/summary', estate);
      assert.equal(s.status, 200, s.text);
      assert.deepEqual(s.json.total, { total: 2, states: { offline: 1, unknown: 1 }, tampered: 0 });
      assert.deepEqual(s.json.byOwner.map((o: { owner: string }) => o.owner), ['housing']);
      assert.equal((await api('POST', '/api/cameras/cam-b/health/reference', estate)).status, 403, 'operators cannot reset');
      assert.equal((await api('POST', '/api/cameras/cam-a/health/reference', estateAdmin)).status, 404, 'another owner\'s camera looks absent');
    });

    test('summary: counts by state and tampered, per owner and district', async () => {
      const s = await api('GET', '/api/health/summary', admin);
      assert.deepEqual(s.json.total, { total: 3, states: { online: 1, offline: 1, unknown: 1 }, tampered: 1 });
      assert.deepEqual(s.json.byOwner, [
        { owner: 'housing', total: 2, states: { offline: 1, unknown: 1 }, tampered: 0 },
        { owner: 'police', total: 1, states: { online: 1 }, tampered: 1 },
      ]);
      assert.deepEqual(s.json.byDistrict.map((d: { district: string; total: number }) => [d.district, d.total]), [['Central', 1], ['Sha Tin', 1], ['Wan Chai', 1]]);
    });

    test('resetting the reference clears moved, is audited and publishes camera.tamper_changed', async () => {
      const seen: Array<{ cameraId: string; cleared: string[]; reason: string }> = [];
      const sub = await srv.running.sv.bus.subscribe<{ cameraId: string; cleared: string[]; reason: string }>('camera.tamper_changed', (m) => void seen.push(m.data));
      const r = await api('POST', '/api/cameras/cam-a/health/reference', admin);
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.json.tamper.flags, []);
      assert.equal(r.json.tamper.reference, null);
      assert.ok(r.json.tamper.referenceResetAt >= NOW);
      const audit = await api('GET', '/api/audit?action=camera.health.reference_reset', admin);
      assert.equal(audit.json.items.length, 1);
      assert.deepEqual(audit.json.items[0].cameraIds, ['cam-a']);
      assert.deepEqual(audit.json.items[0].details.cleared, ['moved']);
      for (let i = 0; i < 50 && seen.length === 0; i++) await new Promise((res) => setTimeout(res, 20));
      await sub.unsubscribe();
      assert.deepEqual(seen.map((e) => [e.cameraId, e.cleared, e.reason]), [['cam-a', ['moved'], 'reference_reset']]);
    });

    test('a sample that raises a flag is stored with its event; a sampler older than a reset starts over', async () => {
      const h = srv.running.sv.health;
      const metrics = { brightness: 3, contrast: 0.5, sharpness: 0, edgeDensity: 0, similarity: null, detailRatio: null };
      const stale = await h.recordSample('cam-a', { state: { reference: null, raised: { covered: NOW } }, at: NOW, metrics, knownResetAt: null });
      assert.equal(stale.status, 'reset', 'the reset above is newer than this sampler knows');
      const stored = await h.storedTamper('cam-a');
      const ok = await h.recordSample('cam-a', { state: { reference: null, raised: { covered: NOW } }, at: NOW, metrics, knownResetAt: stored!.referenceResetAt });
      assert.deepEqual(ok, { status: 'written', raised: ['covered'], cleared: [] });
      assert.deepEqual((await api('GET', '/api/cameras/cam-a/health', admin)).json.tamper.flags, ['covered']);
      assert.equal((await h.recordSample('cam-c', { state: { reference: null, raised: {} }, at: NOW, metrics, knownResetAt: null })).status, 'no_row');
    });

    test('measurement refresh writes fps and bitrate into the list', async () => {
      const r = await srv.running.sv.health.refreshMeasurements();
      assert.deepEqual(r, { cameras: 2, storage: 2 });
      const a = (await api('GET', '/api/health/cameras?state=online', admin)).json.items[0];
      assert.equal(a.bitrateBps, 100_000);
      assert.equal(a.storageBytes, 625_000);
    });

    test('GET /metrics: Prometheus text with a metrics.read token; 401 without; 403 for a viewer', async () => {
      assert.equal((await api('GET', '/metrics')).status, 401);
      assert.equal((await api('GET', '/metrics', viewer)).status, 403);
      const first = await api('GET', '/metrics', supervisor);
      assert.equal(first.status, 200, first.text);
      assert.match(first.type, /^text\/plain; version=0\.0\.4/);
      for (const line of ['smartview_cameras{state="online"} 1', 'smartview_cameras{state="unknown"} 1', 'smartview_camera_tamper_flags{flag="covered"} 1', 'smartview_recorder_restarts 9', 'smartview_outbox_backlog ']) {
        assert.ok(first.text.includes(line), `missing ${line}`);
      }
      assert.match(first.text, /^process_cpu_seconds_total /m);
      assert.match(first.text, /^smartview_http_request_duration_seconds_bucket\{.*route="\/api\/health\/cameras".*\} \d+/m);
      // Counters start with the process: the five segments indexed in before() count, then one more.
      assert.ok(first.text.includes('smartview_segments_written_total{storage="local"} 5'), 'five segments indexed since start');
      await new SegmentRepository(srv.running.sv.store.db).insertMany([seg('cam-b', 9, 4096)]);
      await new Promise((r) => setTimeout(r, 1100)); // one query serves both counters of a scrape (1 s)
      const second = await api('GET', '/metrics', admin);
      assert.ok(second.text.includes('smartview_segments_written_total{storage="local"} 6'), 'one more');
      assert.ok(second.text.includes(`smartview_recorded_bytes_total{storage="local"} ${5 * 125_000 + 4096}`));
    });
  });
}
