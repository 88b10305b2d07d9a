import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { storageRoots } from '../../src/playback/segment-file';
import { SegmentRepository } from '../../src/record/segment.repository';
import { ENGINES } from '../support/engines';
import { makeTestClip } from '../support/media';
import { writeRecordings, type WrittenSegment } from '../support/recordings';
import { startTestServer, type TestServer } from '../support/server';

const T0 = Date.UTC(2026, 10, 20, 2, 0, 0);

for (const engine of ENGINES) {
  describe(`playback API on ${engine}`, () => {
    let srv: TestServer;
    const tok: Record<string, string> = {};
    let police: WrittenSegment[];
    let housing: WrittenSegment[];

    const get = async (p: string, who: string, headers: Record<string, string> = {}) => {
      // The access policy (src/access) asks playback for a purpose: requests state one unless the test gives its own.
      const res = await fetch(`${srv.url}${p}`, { headers: { authorization: `Bearer ${tok[who]}`, 'x-purpose': 'playback test', ...headers } });
      const body = Buffer.from(await res.arrayBuffer());
      const json = res.headers.get('content-type')?.includes('json') ? JSON.parse(body.toString()) : undefined;
      return { status: res.status, headers: res.headers, body, text: body.toString('utf8'), json };
    };
    const send = (method: string, p: string, body: unknown) =>
      fetch(`${srv.url}${p}`, { method, headers: { authorization: `Bearer ${tok.admin}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const auditOf = async (action: string) => (await get(`/api/audit?action=${action}&limit=100`, 'admin')).json.items as Array<{ cameraIds: string[]; purpose: string | null; outcome: string; details: Record<string, unknown> }>;

    before(async () => {
      srv = await startTestServer({ engine });
      tok.admin = await srv.token('admin');
      assert.equal((await send('PUT', '/api/organisations/housing', { name: 'Housing Department', kind: 'department', policy: { liveAllowed: false, playbackAllowed: false, retentionDaysCap: null } })).status, 200);
      const clip = makeTestClip(path.join(srv.dataDir, 'src', 'cam.mp4'), { seconds: 3, width: 320, height: 180 });
      for (const [id, owner, district] of [['p-cam', 'police', 'Wan Chai'], ['h-cam', 'housing', 'Sha Tin']] as const) {
        const r = await send('POST', '/api/cameras', { id, name: id, owner, location: { lat: 22.3, lon: 114.2, district }, source: { url: `file://${clip}` } });
        assert.equal(r.status, 201, await r.text());
      }
      await srv.createUser('estate-op', 'Tsuen-Wan-Pass-1234', [{ role: 'operator', organisations: ['housing'] }]);
      await srv.createUser('city-op', 'Harbour-Pass-12345', [{ role: 'operator' }]);
      await srv.createUser('watcher', 'Lantau-Pass-123456', [{ role: 'viewer' }]);
      for (const u of ['estate-op', 'city-op', 'watcher']) tok[u] = await srv.token(u);
      const root = storageRoots(srv.running.sv.config).get('local')!;
      const store = srv.running.sv.store;
      police = await writeRecordings({ store, root, cameraId: 'p-cam', runs: [{ startMs: T0, seconds: 6, pieceSeconds: 2 }, { startMs: T0 + 20_000, seconds: 4, pieceSeconds: 4 }] });
      housing = await writeRecordings({ store, root, cameraId: 'h-cam', runs: [{ startMs: T0, seconds: 4, pieceSeconds: 2 }] });
    });
    after(() => srv.close());

    test('timeline: abutting segments merged into ranges, the gap with its reason, coverage, events reserved', async () => {
      const r = await get(`/api/cameras/p-cam/timeline?from=${T0 - 10_000}&to=${T0 + 60_000}`, 'city-op');
      assert.equal(r.status, 200, r.text);
      assert.equal(police.length, 4, '3 pieces of run 1 + 1 of run 2');
      const runEnd = police[2]!.endMs;
      assert.deepEqual(r.json.ranges, [{ startMs: T0, endMs: runEnd }, { startMs: T0 + 20_000, endMs: police[3]!.endMs }]);
      assert.deepEqual(r.json.gaps, [{ startMs: runEnd, endMs: T0 + 20_000, reason: 'test_outage', open: false }]);
      assert.ok(r.json.coverage > 0.1 && r.json.coverage < 0.2);
      assert.deepEqual(r.json.events, []);
      assert.equal(r.json.playbackAllowed, true);
      assert.equal((await get(`/api/cameras/p-cam/timeline?from=${T0}&to=${T0 - 1}`, 'city-op')).status, 400);
      assert.equal((await get(`/api/cameras/p-cam/timeline?from=${T0}&to=${T0 + 8 * 86_400_000}`, 'city-op')).status, 400);
      assert.equal((await get(`/api/cameras/p-cam/timeline?from=abc&to=${T0}`, 'city-op')).status, 400);
      assert.equal((await get(`/api/cameras/h-cam/timeline?from=${T0}&to=${T0 + 60_000}`, 'city-op')).json.playbackAllowed, false, 'the timeline says playback will be refused');
    });

    test('playlist: VOD over the indexed TS segments, discontinuity across the gap, wall-clock dates; audited once for playlist + segments', async () => {
      const before = (await auditOf('playback.view')).length;
      const r = await get(`/api/cameras/p-cam/playback.m3u8?from=${T0}&to=${T0 + 60_000}`, 'city-op', { 'x-purpose': 'incident 42 review' });
      assert.equal(r.status, 200, r.text);
      assert.match(r.headers.get('content-type') ?? '', /mpegurl/);
      const lines = r.text.split('\n');
      assert.ok(lines.includes('#EXT-X-PLAYLIST-TYPE:VOD') && lines.includes('#EXT-X-ENDLIST'));
      assert.equal(lines.filter((l) => l === '#EXT-X-DISCONTINUITY').length, 1);
      assert.deepEqual(lines.filter((l) => l.startsWith('#EXT-X-PROGRAM-DATE-TIME')), [`#EXT-X-PROGRAM-DATE-TIME:${new Date(T0).toISOString()}`, `#EXT-X-PROGRAM-DATE-TIME:${new Date(T0 + 20_000).toISOString()}`]);
      const uris = lines.filter((l) => l.startsWith('/api/playback/segments/'));
      assert.equal(uris.length, 4);
      for (const [i, u] of uris.entries()) {
        const s = await get(u, 'city-op');
        assert.equal(s.status, 200);
        assert.equal(s.headers.get('content-type'), 'video/mp2t');
        assert.equal(createHash('sha256').update(s.body).digest('hex'), police[i]!.sha256, `${u} is the indexed file`);
      }
      const after = await auditOf('playback.view');
      assert.equal(after.length, before + 1, 'one audit record for the playlist, none per segment');
      const rec = after[0]!;
      assert.deepEqual(rec.cameraIds, ['p-cam']);
      assert.equal(rec.purpose, 'incident 42 review');
      assert.equal(rec.outcome, 'ok');
      assert.equal(rec.details.fromMs, T0);
      assert.equal(rec.details.toMs, T0 + 60_000);
      const none = await get(`/api/cameras/p-cam/playback.m3u8?from=${T0 + 30_000}&to=${T0 + 40_000}`, 'city-op');
      assert.equal(none.status, 404);
      assert.equal(none.json.error.code, 'no_recordings');
    });

    test('segments: Range requests; ids that try to escape are refused; index rows and links pointing outside storage are not served', async () => {
      const id = await idOf(police[0]!.path);
      const part = await get(`/api/playback/segments/${id}`, 'city-op', { range: 'bytes=188-375' });
      assert.equal(part.status, 206);
      assert.equal(part.headers.get('content-range'), `bytes 188-375/${police[0]!.bytes}`);
      assert.equal(part.body.length, 188);
      assert.equal(part.body[0], 0x47, 'a TS packet starts at 188');
      assert.equal((await get(`/api/playback/segments/${id}`, 'city-op', { range: `bytes=${police[0]!.bytes}-` })).status, 416);
      for (const bad of ['..%2F..%2F..%2Fetc%2Fpasswd', '1%2F..%2F..%2Fsmartview.db', '0', '-1', '1e3', '0x10', '%2e%2e', '1;2', ' 1']) {
        const r = await get(`/api/playback/segments/${bad}`, 'city-op');
        assert.ok(r.status === 400 || r.status === 404, `${bad} → ${r.status}`);
        assert.ok(!r.text.includes('root:x:0:0') && !r.text.includes('SQLite format'), `${bad} leaked a file`);
      }
      const root = storageRoots(srv.running.sv.config).get('local')!;
      mkdirSync(path.join(root, 'p-cam', 'link'), { recursive: true });
      symlinkSync('/etc/passwd', path.join(root, 'p-cam', 'link', 'x.ts'));
      await new SegmentRepository(srv.running.sv.store.db).insertMany([
        { ...police[0]!, path: '../../../../../../etc/passwd', startMs: T0 - 100_000, endMs: T0 - 90_000 },
        { ...police[0]!, path: 'p-cam/link/x.ts', startMs: T0 - 80_000, endMs: T0 - 70_000 },
        { ...police[0]!, path: '../smartview.db', startMs: T0 - 60_000, endMs: T0 - 50_000 },
      ]);
      for (const p of ['../../../../../../etc/passwd', 'p-cam/link/x.ts', '../smartview.db']) {
        const r = await get(`/api/playback/segments/${await idOf(p)}`, 'city-op');
        assert.equal(r.status, 404, `${p} → ${r.status}`);
        assert.ok(!r.text.includes('root:x:0:0') && !r.text.includes('SQLite format'));
      }
      rmSync(path.join(root, 'p-cam', 'link'), { recursive: true });
    });

    test('scope: another organisation\'s camera and its segments look absent (404)', async () => {
      assert.equal((await get(`/api/cameras/p-cam/timeline?from=${T0}&to=${T0 + 1000}`, 'estate-op')).status, 404);
      assert.equal((await get(`/api/cameras/p-cam/playback.m3u8?from=${T0}&to=${T0 + 60_000}`, 'estate-op')).status, 404);
      assert.equal((await get(`/api/playback/segments/${await idOf(police[0]!.path)}`, 'estate-op')).status, 404);
      assert.equal((await get(`/api/cameras/p-cam/playback.m3u8?from=${T0}&to=${T0 + 60_000}`, 'watcher')).status, 403, 'viewers hold no playback.view');
    });

    test('sharing policy: the owner refuses playback to other organisations (even all-organisation grants), not to its own users', async () => {
      const q = `from=${T0}&to=${T0 + 60_000}`;
      for (const who of ['city-op', 'admin']) {
        const r = await get(`/api/cameras/h-cam/playback.m3u8?${q}`, who);
        assert.equal(r.status, 403, `${who}: ${r.text}`);
        assert.equal(r.json.error.code, 'sharing_refused');
        assert.match(r.json.error.message, /does not share its recordings/);
      }
      assert.equal((await get(`/api/playback/segments/${await idOf(housing[0]!.path)}`, 'city-op')).status, 403);
      const denied = (await auditOf('playback.view')).filter((a) => a.outcome === 'denied');
      assert.ok(denied.some((a) => a.cameraIds[0] === 'h-cam'), 'refusals are audited');
      const own = await get(`/api/cameras/h-cam/playback.m3u8?${q}`, 'estate-op');
      assert.equal(own.status, 200, own.text);
      assert.equal((await get(own.text.split('\n').find((l) => l.startsWith('/api/'))!, 'estate-op')).status, 200);
    });

    test('snapshots: a JPEG from the recording at a time, and the current picture from the source', async () => {
      const shot = await get(`/api/cameras/p-cam/snapshot?at=${T0 + 3_500}`, 'city-op');
      assert.equal(shot.status, 200, shot.text);
      assert.equal(shot.headers.get('content-type'), 'image/jpeg');
      assert.equal(shot.headers.get('x-snapshot-source'), 'recording');
      assert.deepEqual([...shot.body.subarray(0, 3)], [0xff, 0xd8, 0xff]);
      assert.equal((await get(`/api/cameras/p-cam/snapshot?at=${T0 + 12_000}`, 'city-op')).status, 404, 'inside the gap');
      assert.equal((await get(`/api/cameras/p-cam/snapshot?at=${T0 + 3_500}`, 'watcher')).status, 403, 'recorded frames need playback.view');
      const now = await get('/api/cameras/p-cam/snapshot', 'watcher');
      assert.equal(now.status, 200, now.text);
      assert.equal(now.headers.get('x-snapshot-source'), 'camera');
      assert.deepEqual([...now.body.subarray(0, 2)], [0xff, 0xd8]);
      assert.equal((await auditOf('playback.snapshot')).length, 1);
      assert.equal((await auditOf('live.snapshot')).length, 1);
    });

    async function idOf(p: string): Promise<number> {
      const r = await srv.running.sv.store.db.selectFrom('segments').select('id').where('path', '=', p).executeTakeFirstOrThrow();
      return Number(r.id);
    }
  });
}
