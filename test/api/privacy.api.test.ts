import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { seedFootage, T0 } from '../../src/evidence/evidence.fixtures';
import { DEFAULT_TOOLS, runFfmpeg } from '../../src/media/ffmpeg';
import { makeTestClip } from '../support/media';
import { startTestServer, type TestServer } from '../support/server';

// One mask over the middle of the picture: [0.3, 0.7] × [0.3, 0.7].
const MASK = { label: 'flat windows', points: [[0.3, 0.3], [0.7, 0.3], [0.7, 0.7], [0.3, 0.7]] };
const W = 320;
const H = 180;

/** Mean grey level inside the mask (with a 4 px margin) and outside it (4 px margin) of a decoded W×H grey frame. */
function regions(grey: Buffer, w = W, h = H): { inside: number; insideMax: number; outside: number } {
  let si = 0, ni = 0, so = 0, no = 0, max = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = grey[y * w + x]!;
      const inX = x >= 0.3 * w + 4 && x < 0.7 * w - 4 && y >= 0.3 * h + 4 && y < 0.7 * h - 4;
      const outX = x < 0.3 * w - 6 || x >= 0.7 * w + 6 || y < 0.3 * h - 6 || y >= 0.7 * h + 6;
      if (inX) { si += v; ni++; max = Math.max(max, v); } else if (outX) { so += v; no++; }
    }
  }
  return { inside: si / ni, insideMax: max, outside: so / no };
}

async function lastGreyFrame(file: string, w = W, h = H): Promise<Buffer> {
  const out = (await runFfmpeg(DEFAULT_TOOLS, ['-i', file, '-vf', `scale=${w}:${h}`, '-pix_fmt', 'gray', '-f', 'rawvideo', 'pipe:1'], { timeoutMs: 60_000 })).stdout;
  return out.subarray(out.length - w * h);
}

describe('privacy masks and releases (API)', () => {
  let srv: TestServer;
  let tmp: string;
  const tok: Record<string, string> = {};

  async function api(method: string, url: string, who: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(`${srv.url}${url}`, {
      method,
      headers: { authorization: `Bearer ${tok[who]}`, 'x-purpose': 'privacy test', ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const buf = Buffer.from(await res.arrayBuffer());
    const isJson = res.headers.get('content-type')?.includes('json');
    return { status: res.status, headers: res.headers, json: isJson ? JSON.parse(buf.toString()) : undefined, bytes: buf, text: buf.toString('utf8') };
  }
  const audits = async (action: string) => (await api('GET', `/api/audit?action=${action}&limit=200`, 'admin')).json.items as Array<{ actorName: string; caseRef: string | null; outcome: string; details: Record<string, unknown> }>;
  const waitFor = async <T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms: number, what: string): Promise<T> => {
    const end = Date.now() + ms;
    for (;;) {
      const v = await fn();
      if (ok(v)) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  function liveFrames(cameraId: string, who: string, query: string): Promise<{ texts: Array<Record<string, unknown>>; data: Buffer[]; close: { code: number; reason: string } }> {
    return new Promise((resolve) => {
      const ws = new WebSocket(`${srv.url.replace('http', 'ws')}/api/cameras/${cameraId}/live/ws?purpose=privacy%20test${query}`, { headers: { authorization: `Bearer ${tok[who]}` } });
      const texts: Array<Record<string, unknown>> = [];
      const data: Buffer[] = [];
      const timer = setTimeout(() => ws.close(), 8000);
      ws.on('message', (d, bin) => {
        if (bin) data.push(d as Buffer);
        else texts.push(JSON.parse(d.toString()));
        if (data.length >= 12) ws.close();
      });
      ws.on('error', () => undefined);
      ws.on('close', (code, reason) => {
        clearTimeout(timer);
        resolve({ texts, data, close: { code, reason: reason.toString() } });
      });
    });
  }

  before(async () => {
    srv = await startTestServer();
    tmp = mkdtempSync(path.join(os.tmpdir(), 'sv-privacy-api-'));
    tok.admin = await srv.token('admin');
    const clip = makeTestClip(path.join(srv.dataDir, 'media', 'cam.mp4'), { seconds: 6, gopSeconds: 1, width: W, height: H });
    for (const id of ['cam-m', 'cam-plain']) {
      const r = await api('POST', '/api/cameras', 'admin', { id, name: id, owner: 'police', location: { lat: 22.3, lon: 114.2, district: 'Central' }, source: { url: `file://${clip}` } });
      assert.equal(r.status, 201, r.text);
    }
    for (const [u, role] of [['viewer', 'viewer'], ['operator', 'operator'], ['inv', 'investigator'], ['sup', 'supervisor'], ['sup2', 'supervisor']] as const) {
      await srv.createUser(u, `Harbour-Lights-Pass-${u.length}-2026`, [{ role }]);
      tok[u] = await srv.token(u);
    }
    // The export below runs in a real, open case naming inv (the access policy's 'exports' row checks it).
    const c = await api('POST', '/api/cases', 'inv', { ref: 'HK-PRIV-1', purpose: 'Burglary, block B', authorisedUsers: [], expiresAt: Date.now() + 86_400_000 });
    assert.equal(c.status, 201, c.text);
    const db = srv.running.sv.store.db;
    await seedFootage(db, path.join(srv.dataDir, 'recordings'), 'cam-m', T0, { count: 2, seconds: 4, width: W, height: H });
  });
  after(async () => {
    await srv.running.sv.privacy.releases.idle();
    await srv.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  test('masks: privacy.manage stores them (audited); others cannot read or change them', async () => {
    assert.equal((await api('PUT', '/api/cameras/cam-m/privacy-masks', 'viewer', { polygons: [MASK] })).status, 403);
    assert.equal((await api('PUT', '/api/cameras/cam-m/privacy-masks', 'admin', { polygons: [{ label: 'x', points: [[0, 0], [2, 0], [1, 1]] }] })).status, 400);
    const put = await api('PUT', '/api/cameras/cam-m/privacy-masks', 'admin', { polygons: [MASK] });
    assert.equal(put.status, 200, put.text);
    assert.equal(put.json.version, 1);
    const got = await api('GET', '/api/cameras/cam-m/privacy-masks', 'sup');
    assert.deepEqual(got.json.polygons, [MASK]);
    assert.equal((await api('GET', '/api/cameras/nope/privacy-masks', 'admin')).status, 404);
    const rec = (await audits('privacy.masks.update'))[0]!;
    assert.equal(rec.actorName, 'admin');
    assert.deepEqual(rec.details.labels, ['flat windows']);
  });

  test('live: a viewer gets the masked re-encode (pixel check); unmask is refused without privacy.unmask; a supervisor\'s unmasked view is audited', async () => {
    const masked = await liveFrames('cam-m', 'viewer', '');
    const init = masked.texts.find((t) => t.type === 'init');
    assert.ok(init, JSON.stringify(masked.texts));
    assert.equal(init.transcoded, true, 'the masked variant is a re-encode');
    const file = path.join(tmp, 'live.mp4');
    writeFileSync(file, Buffer.concat(masked.data));
    const r = regions(await lastGreyFrame(file));
    assert.ok(r.insideMax <= 12, `inside the mask: max ${r.insideMax}`);
    assert.ok(r.outside > 40, `outside the mask the picture remains (mean ${r.outside})`);

    const refused = await liveFrames('cam-m', 'viewer', '&unmask=1');
    assert.equal(refused.close.code, 4403);
    assert.equal(refused.data.length, 0);
    const lifted = await liveFrames('cam-m', 'sup', '&unmask=1');
    assert.equal(lifted.texts.find((t) => t.type === 'init')?.transcoded, false, 'the original stream copy');
    const recs = await audits('live.view');
    assert.ok(recs.some((x) => x.actorName === 'viewer' && x.outcome === 'denied' && x.details.reason === 'unmask_not_allowed'));
    assert.ok(recs.some((x) => x.actorName === 'sup' && x.outcome === 'ok' && x.details.privacy === 'unmasked'));
    assert.ok(recs.some((x) => x.actorName === 'viewer' && x.outcome === 'ok' && x.details.privacy === 'masked'));
  });

  test('playback: the playlist of a masked camera lists masked segments (pixel check); originals and unmask refused without privacy.unmask', async () => {
    const win = `from=${T0}&to=${T0 + 8_000}`;
    const pl = await api('GET', `/api/cameras/cam-m/playback.m3u8?${win}`, 'operator');
    assert.equal(pl.status, 200, pl.text);
    const uris = pl.text.split('\n').filter((l) => l.startsWith('/api/'));
    assert.ok(uris.length >= 2 && uris.every((u) => u.startsWith('/api/privacy/segments/')), pl.text);
    const segId = /segments\/(\d+)/.exec(uris[0]!)![1];
    const raw = await api('GET', `/api/playback/segments/${segId}`, 'operator');
    assert.equal(raw.status, 403);
    assert.match(raw.json.error.message, /privacy masks/);
    const seg = await api('GET', uris[0]!, 'operator');
    assert.equal(seg.status, 200, seg.text);
    assert.equal(seg.headers.get('x-privacy'), 'masked');
    const file = path.join(tmp, 'seg.ts');
    writeFileSync(file, seg.bytes);
    const r = regions(await lastGreyFrame(file));
    assert.ok(r.insideMax <= 12 && r.outside > 40, JSON.stringify(r));
    assert.equal((await api('GET', `/api/cameras/cam-m/playback.m3u8?${win}&unmask=1`, 'operator')).status, 403);
    const lifted = await api('GET', `/api/cameras/cam-m/playback.m3u8?${win}&unmask=1`, 'sup');
    assert.ok(lifted.text.includes('/api/playback/segments/'), lifted.text);
    assert.equal((await api('GET', `/api/playback/segments/${segId}`, 'sup')).status, 200);
    const recs = await audits('playback.view');
    assert.ok(recs.some((x) => x.actorName === 'sup' && x.details.privacy === 'unmasked'));
    assert.ok(recs.some((x) => x.actorName === 'operator' && x.outcome === 'denied'));
  });

  let exportId = '';
  test('export: the original of a masked camera is refused (403 → masked copy); the masked copy is signed, references the original, and is masked (pixel check)', async () => {
    const ex = await api('POST', '/api/exports', 'inv', { cameraIds: ['cam-m'], fromMs: T0, toMs: T0 + 8_000, purpose: 'Burglary, block B' }, { 'x-case-ref': 'HK-PRIV-1' });
    assert.equal(ex.status, 202, ex.text);
    exportId = ex.json.id;
    const done = await waitFor(() => api('GET', `/api/exports/${exportId}`, 'inv'), (r) => r.json.status !== 'running', 60_000, 'the export');
    assert.equal(done.json.status, 'done', done.text);
    const orig = await api('GET', `/api/exports/${exportId}/download`, 'inv');
    assert.equal(orig.status, 403);
    assert.match(orig.json.error.message, /download the masked copy/);
    assert.equal((await api('GET', `/api/exports/${exportId}/download`, 'sup')).status, 200, 'privacy.unmask may take the original');

    const rel = await api('POST', `/api/exports/${exportId}/releases`, 'inv', { cameraId: 'cam-m', kind: 'masked' });
    assert.equal(rel.status, 202, rel.text);
    const ready = await waitFor(() => api('GET', `/api/privacy/releases/${rel.json.id}`, 'inv'), (r) => r.json.status !== 'running', 120_000, 'the masked copy');
    assert.equal(ready.json.status, 'ready', ready.text);
    assert.equal(ready.json.originalManifestSha256, done.json.manifestSha256);
    const tar = await api('GET', `/api/privacy/releases/${rel.json.id}/download`, 'inv');
    assert.equal(tar.status, 200, tar.text);
    const dir = path.join(tmp, 'masked');
    execFileSync('mkdir', ['-p', dir]);
    writeFileSync(path.join(tmp, 'masked.tar'), tar.bytes);
    execFileSync('tar', ['-xf', path.join(tmp, 'masked.tar'), '-C', dir]);
    const root = path.join(dir, rel.json.id);
    const manifestBytes = readFileSync(path.join(root, 'manifest.json'));
    const manifest = JSON.parse(manifestBytes.toString());
    assert.equal(manifest.original.manifestSha256, done.json.manifestSha256);
    assert.equal(manifest.artefacts[0].kind, 'derived');
    assert.equal(manifest.artefacts[0].derivedFrom.exportId, exportId);
    assert.equal(createHash('sha256').update(manifestBytes).digest('hex'), tar.headers.get('x-manifest-sha256'));
    const sig = JSON.parse(readFileSync(path.join(root, 'manifest.sig'), 'utf8'));
    const key = createPublicKey(srv.running.sv.keyring.current().publicKeyPem);
    assert.ok(verify(null, manifestBytes, key, Buffer.from(sig.signature, 'base64')), 'signed by the site key');
    const media = path.join(root, manifest.artefacts[0].path);
    assert.equal(createHash('sha256').update(readFileSync(media)).digest('hex'), manifest.artefacts[0].sha256);
    const r = regions(await lastGreyFrame(media));
    assert.ok(r.insideMax <= 12 && r.outside > 40, JSON.stringify(r));
  });

  test('redaction for release: review before download (four eyes), keep tracks, every step audited with case and request reference', async () => {
    const rel = await api('POST', `/api/exports/${exportId}/releases`, 'inv', { cameraId: 'cam-m', kind: 'redacted', requestRef: 'SAR-2026-17' });
    assert.equal(rel.status, 202, rel.text);
    const id = rel.json.id;
    const pending = await waitFor(() => api('GET', `/api/privacy/releases/${id}`, 'inv'), (r) => r.json.status !== 'running', 180_000, 'the redacted copy');
    assert.equal(pending.json.status, 'pending_review', pending.text);
    const early = await api('GET', `/api/privacy/releases/${id}/download`, 'inv');
    assert.equal(early.status, 409);
    assert.match(early.json.error.message, /only after a reviewer/);
    assert.equal((await api('POST', `/api/privacy/releases/${id}/review`, 'inv', { decision: 'approve', note: 'ok' })).status, 403, 'investigators do not review');
    assert.equal((await api('POST', `/api/privacy/releases/${id}/keep`, 'inv', { trackIds: [999_999] })).status, 400);
    const queue = await api('GET', '/api/privacy/releases?status=pending_review', 'sup');
    assert.ok(queue.json.items.some((x: { id: string }) => x.id === id));
    const rejected = await api('POST', `/api/privacy/releases/${id}/review`, 'sup', { decision: 'reject', note: 'a face near the door is still visible' });
    assert.equal(rejected.status, 200, rejected.text);
    assert.equal(rejected.json.status, 'rejected');
    const kept = await api('POST', `/api/privacy/releases/${id}/keep`, 'inv', { trackIds: pending.json.tracks.slice(0, 1).map((t: { id: number }) => t.id) });
    assert.equal(kept.status, 202, kept.text);
    await waitFor(() => api('GET', `/api/privacy/releases/${id}`, 'inv'), (r) => r.json.status === 'pending_review', 120_000, 're-render');
    const approved = await api('POST', `/api/privacy/releases/${id}/review`, 'sup2', { decision: 'approve', note: 'checked frame by frame' });
    assert.equal(approved.json.status, 'approved', approved.text);
    const tar = await api('GET', `/api/privacy/releases/${id}/download`, 'inv');
    assert.equal(tar.status, 200);
    for (const action of ['privacy.release.create', 'privacy.release.review', 'privacy.release.keep', 'privacy.release.download']) {
      const recs = (await audits(action)).filter((x) => x.caseRef === 'HK-PRIV-1');
      assert.ok(recs.length > 0, `${action} audited with the case`);
    }
    const reviews = await audits('privacy.release.review');
    assert.ok(reviews.some((x) => x.details.requestRef === 'SAR-2026-17' && x.details.decision === 'approve'));
  });
});
