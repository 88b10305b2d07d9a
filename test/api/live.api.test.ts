import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { startsWithKeyframe } from '../../src/live/fmp4';
import { DEFAULT_TOOLS, runFfmpeg } from '../../src/media/ffmpeg';
import { makeTestClip } from '../support/media';
import { startTestServer, type TestServer } from '../support/server';

interface Session {
  texts: Array<{ type: string; [k: string]: unknown }>;
  binaries: Buffer[];
  order: Array<'text' | 'binary'>;
  closed: Promise<{ code: number; reason: string }>;
  ws: WebSocket;
}

describe('live view over WebSocket', () => {
  let srv: TestServer;
  const tok: Record<string, string> = {};

  const open = (cameraId: string, who: string, query = '', headers: Record<string, string> = {}): Session => {
    // The access policy (src/access) asks live view for a purpose: sessions state one unless the test gives its own.
    const q = query.includes('purpose=') || headers['x-purpose'] ? query : `${query}${query ? '&' : '?'}purpose=live%20test`;
    const ws = new WebSocket(`${srv.url.replace('http', 'ws')}/api/cameras/${cameraId}/live/ws${q}`, { headers: { authorization: `Bearer ${tok[who]}`, ...headers } });
    const s: Session = { texts: [], binaries: [], order: [], ws, closed: new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }))) };
    ws.on('message', (data, isBinary) => {
      if (isBinary) s.binaries.push(data as Buffer);
      else s.texts.push(JSON.parse(data.toString()));
      s.order.push(isBinary ? 'binary' : 'text');
    });
    ws.on('error', () => undefined); // the close event carries the outcome
    return s;
  };
  const until = async (cond: () => boolean, ms: number, what: string) => {
    const end = Date.now() + ms;
    while (!cond()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const audits = async (action: string) => {
    const r = await fetch(`${srv.url}/api/audit?action=${action}&limit=100`, { headers: { authorization: `Bearer ${tok.admin}` } });
    return ((await r.json()) as { items: Array<{ cameraIds: string[]; purpose: string | null; outcome: string; details: Record<string, unknown> }> }).items;
  };

  before(async () => {
    srv = await startTestServer();
    tok.admin = await srv.token('admin');
    const post = (p: string, method: string, body: unknown) => fetch(`${srv.url}${p}`, { method, headers: { authorization: `Bearer ${tok.admin}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal((await post('/api/organisations/housing', 'PUT', { name: 'Housing', kind: 'department', policy: { liveAllowed: false, playbackAllowed: true, retentionDaysCap: null } })).status, 200);
    const main = makeTestClip(path.join(srv.dataDir, 'media', 'main.mp4'), { seconds: 4, gopSeconds: 1, width: 320, height: 180 });
    const sub = makeTestClip(path.join(srv.dataDir, 'media', 'sub.mp4'), { seconds: 4, gopSeconds: 1, width: 160, height: 96 });
    const hevc = path.join(srv.dataDir, 'media', 'hevc.mp4');
    await runFfmpeg(DEFAULT_TOOLS, ['-y', '-i', main, '-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=error:keyint=25', '-tag:v', 'hvc1', hevc], { timeoutMs: 60_000 });
    const cams = [
      { id: 'hevc-cam', owner: 'police', source: { url: `file://${hevc}` } },
      { id: 'file-cam', owner: 'police', source: { url: `file://${main}` } },
      { id: 'dual-cam', owner: 'police', source: { url: `file://${main}`, subUrl: `file://${sub}` } },
      { id: 'estate-cam', owner: 'housing', source: { url: `file://${main}` } },
    ];
    for (const c of cams) assert.equal((await post('/api/cameras', 'POST', { ...c, name: c.id, location: { lat: 22.3, lon: 114.2, district: 'Sha Tin' } })).status, 201);
    await srv.createUser('estate-op', 'Tsuen-Wan-Pass-1234', [{ role: 'viewer', organisations: ['housing'] }]);
    await srv.createUser('city-viewer', 'Harbour-Pass-12345', [{ role: 'viewer' }]);
    for (const u of ['estate-op', 'city-viewer']) tok[u] = await srv.token(u);
  });
  after(() => srv.close());

  test('codec message, then the init segment, then fragments starting with a keyframe; audited once with the purpose', async () => {
    const before = (await audits('live.view')).length;
    const s = open('file-cam', 'city-viewer', '?purpose=traffic%20watch');
    await until(() => s.binaries.length >= 4, 15_000, 'init + 3 fragments');
    const init = s.texts.find((t) => t.type === 'init')!;
    assert.match(String(init.codec), /^avc1\.[0-9a-f]{6}$/);
    assert.equal(init.kind, 'avc');
    assert.equal(init.width, 320);
    assert.ok(s.order.indexOf('text') < s.order.indexOf('binary'), 'the codec arrives before any binary');
    assert.equal(s.binaries[0]!.toString('latin1', 4, 8), 'ftyp');
    assert.equal(s.binaries[1]!.toString('latin1', 4, 8), 'moof');
    assert.ok(startsWithKeyframe(s.binaries[1]!), 'first fragment = keyframe');
    const second = open('file-cam', 'admin', '', { 'x-purpose': 'second screen' });
    await until(() => second.binaries.length >= 2, 5_000, 'second viewer');
    assert.ok(startsWithKeyframe(second.binaries[1]!));
    assert.deepEqual(srv.running.sv.liveHub.stats().map((x) => [x.cameraId, x.viewers]), [['file-cam', 2]], 'both share one ffmpeg');
    s.ws.close();
    second.ws.close();
    const recs = (await audits('live.view')).slice(0, (await audits('live.view')).length - before);
    assert.equal(recs.length, 2, 'one record per session, not per fragment');
    assert.deepEqual(recs.map((r) => r.purpose).sort(), ['second screen', 'traffic watch']);
    assert.deepEqual(recs[0]!.cameraIds, ['file-cam']);
  });

  test('the sub-stream is preferred when the camera has one; stream=main asks for the main stream', async () => {
    const sub = open('dual-cam', 'city-viewer');
    await until(() => sub.texts.some((t) => t.type === 'init'), 15_000, 'init');
    assert.deepEqual([sub.texts.find((t) => t.type === 'init')!.stream, sub.texts.find((t) => t.type === 'init')!.width], ['sub', 160]);
    const main = open('dual-cam', 'city-viewer', '?stream=main');
    await until(() => main.texts.some((t) => t.type === 'init'), 15_000, 'init');
    assert.equal(main.texts.find((t) => t.type === 'init')!.width, 320);
    sub.ws.close();
    main.ws.close();
  });

  test('refusals: unknown or out-of-scope camera 4404, the owner\'s live policy 4403 with a clear message; the owner\'s own users may watch', async () => {
    const missing = open('no-such-cam', 'city-viewer');
    assert.equal((await missing.closed).code, 4404);
    assert.equal(missing.texts[0]!.code, 'not_found');
    const outOfScope = open('file-cam', 'estate-op');
    assert.equal((await outOfScope.closed).code, 4404);
    for (const who of ['city-viewer', 'admin']) {
      const refused = open('estate-cam', who);
      assert.equal((await refused.closed).code, 4403, who);
      assert.equal(refused.texts[0]!.code, 'sharing_refused');
      assert.match(String(refused.texts[0]!.message), /does not share its live video/);
    }
    assert.ok((await audits('live.view')).some((a) => a.outcome === 'denied' && a.cameraIds[0] === 'estate-cam'));
    const own = open('estate-cam', 'estate-op');
    await until(() => own.binaries.length >= 2, 15_000, 'owner user sees video');
    own.ws.close();
  });

  test('H.265: the codec message says HEVC (the browser decides); ?transcode=1 delivers H.264 instead', async () => {
    const raw = open('hevc-cam', 'city-viewer');
    await until(() => raw.texts.some((t) => t.type === 'init'), 15_000, 'init');
    const info = raw.texts.find((t) => t.type === 'init')!;
    assert.equal(info.kind, 'hevc');
    assert.match(String(info.codec), /^hvc1\./);
    assert.equal(info.transcoded, false);
    raw.ws.close();
    const h264 = open('hevc-cam', 'city-viewer', '?transcode=1');
    await until(() => h264.binaries.length >= 2, 20_000, 'transcoded fragments');
    const t = h264.texts.find((x) => x.type === 'init')!;
    assert.deepEqual([t.kind, t.transcoded], ['avc', true]);
    assert.ok(startsWithKeyframe(h264.binaries[1]!));
    h264.ws.close();
  });

  test('no credentials: the upgrade is refused with 401', async () => {
    const ws = new WebSocket(`${srv.url.replace('http', 'ws')}/api/cameras/file-cam/live/ws`);
    const status = await new Promise<number>((resolve) => {
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
      ws.on('error', () => undefined);
    });
    assert.equal(status, 401);
  });
});
