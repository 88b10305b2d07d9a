import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { DEFAULT_TOOLS, runFfmpeg } from '../../src/media/ffmpeg';
import { makeTestClip } from '../support/media';
import { writeRecordings } from '../support/recordings';
import { startTestServer, type TestServer } from '../support/server';

/**
 * Recorded-footage analysis jobs over HTTP, on a real server with the real stages: the built-in
 * detector in the pool, ffmpeg sampling real segments written by the recorder's layout.
 */
let srv: TestServer;
let admin: string;
let inv: string;
let invHousing: string;
let viewer: string;
const T0 = Math.floor((Date.now() - 3_600_000) / 1000) * 1000;

async function api(method: string, url: string, token: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${srv.url}${url}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as any };
}

async function waitEnd(id: string, token = inv): Promise<any> {
  for (let i = 0; i < 600; i++) {
    const v = (await api('GET', `/api/analysis/jobs/${id}`, token)).json;
    if (['done', 'failed', 'cancelled'].includes(v.state)) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`job ${id} did not end`);
}

before(async () => {
  srv = await startTestServer({ config: { analytics: { pool: { workers: 1 }, jobs: { fps: 2, uploadLimitBytes: 2_500_000 } } } });
  admin = await srv.token('admin');
  assert.equal((await api('PUT', '/api/organisations/housing', admin, { name: 'Housing', kind: 'department' })).status, 200);
  for (const [id, owner] of [['cam-1', 'police'], ['cam-h', 'housing']] as const) {
    const r = await api('POST', '/api/cameras', admin, { id, name: id, owner, location: { lat: 22.3, lon: 114.2, district: 'Central' }, source: { url: `rtsp://10.0.0.2/${id}` } });
    assert.equal(r.status, 201);
  }
  await srv.createUser('inv', 'Kowloon-Tong-Pass-2026', [{ role: 'investigator', organisations: ['police'] }]);
  await srv.createUser('invh', 'Kowloon-Tong-Pass-2027', [{ role: 'investigator', organisations: ['housing'] }]);
  await srv.createUser('view', 'Kowloon-Tong-Pass-2028', [{ role: 'viewer' }]);
  inv = await srv.token('inv');
  invHousing = await srv.token('invh');
  viewer = await srv.token('view');
  const root = path.join(srv.dataDir, 'recordings');
  await writeRecordings({ store: srv.running.sv.store, root, cameraId: 'cam-1', runs: [{ startMs: T0, seconds: 12, pieceSeconds: 4 }] });
  await writeRecordings({ store: srv.running.sv.store, root, cameraId: 'cam-h', runs: [{ startMs: T0, seconds: 60, pieceSeconds: 10 }] });
});
after(() => srv.close());

test('a job over a camera\'s recordings runs to done with progress, and is audited with purpose and case', async () => {
  const progress: any[] = [];
  const sub = await srv.running.sv.bus.subscribe('analysis.job_progress', (m) => void progress.push(m.data));
  const r = await api('POST', '/api/analysis/jobs', inv, { cameraId: 'cam-1', from: T0, to: new Date(T0 + 12_000).toISOString() }, { 'x-purpose': 'Theft follow-up', 'x-case-ref': 'HK-2026-7' });
  assert.equal(r.status, 202, JSON.stringify(r.json));
  assert.equal(r.json.cameraId, 'cam-1');
  assert.equal(r.json.toMs, T0 + 12_000);
  assert.ok(['queued', 'running'].includes(r.json.state));
  const v = await waitEnd(r.json.id);
  assert.equal(v.state, 'done', v.error);
  assert.equal(v.progress, 1);
  assert.ok(v.frames >= 20 && v.frames <= 26, `12 s at 2 fps ≈ 24 frames, got ${v.frames}`);
  assert.ok(v.finishedAt >= v.startedAt);
  await sub.unsubscribe();
  const mine = progress.filter((p) => p.jobId === r.json.id);
  assert.equal(mine[0].state, 'running');
  assert.deepEqual({ ...mine.at(-1), events: 0, tracks: 0 }, { jobId: r.json.id, cameraId: 'cam-1', owner: 'police', district: 'Central', state: 'done', progress: 1, frames: v.frames, events: 0, tracks: 0 });
  const audit = await api('GET', '/api/audit?action=analysis.create', admin);
  const rec = audit.json.items.find((x: any) => x.targetId === r.json.id);
  assert.ok(rec, 'the creation is audited');
  assert.equal(rec.actorName, 'inv');
  assert.deepEqual(rec.cameraIds, ['cam-1']);
  assert.equal(rec.purpose, 'Theft follow-up');
  assert.equal(rec.caseRef, 'HK-2026-7');
});

test('bad input answers 400; another owner\'s camera 404; no recordings 422; viewers cannot create', async () => {
  assert.equal((await api('POST', '/api/analysis/jobs', inv, { cameraId: 'cam-1', from: T0 + 5000, to: T0 })).status, 400);
  assert.equal((await api('POST', '/api/analysis/jobs', inv, { cameraId: 'cam-1', from: 'yesterday', to: T0 })).status, 400);
  assert.equal((await api('POST', '/api/analysis/jobs', inv, { cameraId: 'cam-1', from: T0, to: T0 + 48 * 3_600_000 })).status, 400);
  assert.equal((await api('POST', '/api/analysis/jobs', inv, { from: T0, to: T0 + 1000 })).status, 400);
  const out = await api('POST', '/api/analysis/jobs', inv, { cameraId: 'cam-h', from: T0, to: T0 + 10_000 });
  assert.equal(out.status, 404);
  const none = await api('POST', '/api/analysis/jobs', inv, { cameraId: 'cam-1', from: T0 - 600_000, to: T0 - 300_000 });
  assert.equal(none.status, 422);
  assert.equal(none.json.error.code, 'no_recordings');
  assert.equal((await api('POST', '/api/analysis/jobs', viewer, { cameraId: 'cam-1', from: T0, to: T0 + 1000 })).status, 403);
});

test('list and get are scoped: a job of another owner\'s camera is 404 and absent from the list', async () => {
  const h = await api('POST', '/api/analysis/jobs', invHousing, { cameraId: 'cam-h', from: T0, to: T0 + 10_000 });
  assert.equal(h.status, 202);
  assert.equal((await api('GET', `/api/analysis/jobs/${h.json.id}`, inv)).status, 404);
  assert.equal((await api('POST', `/api/analysis/jobs/${h.json.id}/cancel`, inv)).status, 404);
  const mine = await api('GET', '/api/analysis/jobs', inv);
  assert.equal(mine.status, 200);
  assert.ok(mine.json.items.length >= 1);
  assert.ok(mine.json.items.every((j: any) => j.cameraId === 'cam-1'));
  const theirs = await api('GET', '/api/analysis/jobs?cameraId=cam-h', invHousing);
  assert.ok(theirs.json.items.some((j: any) => j.id === h.json.id));
  const seen = await api('GET', `/api/analysis/jobs/${h.json.id}`, viewer);
  assert.equal(seen.status, 200, 'a viewer of every camera reads jobs (analytics.read)');
  await waitEnd(h.json.id, invHousing);
});

test('cancel stops a running job (its ffmpeg with it); cancelling again is 409', async () => {
  const r = await api('POST', '/api/analysis/jobs', invHousing, { cameraId: 'cam-h', from: T0, to: T0 + 60_000, fps: 10 });
  assert.equal(r.status, 202);
  for (let i = 0; i < 100; i++) {
    const v = (await api('GET', `/api/analysis/jobs/${r.json.id}`, invHousing)).json;
    if (v.state === 'running' && v.frames > 0) break;
    await new Promise((res) => setTimeout(res, 100));
  }
  const c = await api('POST', `/api/analysis/jobs/${r.json.id}/cancel`, invHousing);
  assert.equal(c.status, 200, JSON.stringify(c.json));
  assert.equal(c.json.state, 'cancelled');
  const v = await waitEnd(r.json.id, invHousing);
  assert.equal(v.state, 'cancelled');
  assert.ok(v.progress < 1);
  assert.equal((await api('POST', `/api/analysis/jobs/${r.json.id}/cancel`, invHousing)).status, 409);
  await srv.running.sv.analytics.runner.idle();
  const audit = await api('GET', '/api/audit?action=analysis.cancel', admin);
  assert.ok(audit.json.items.some((x: any) => x.targetId === r.json.id && x.actorName === 'invh'));
});

test('an uploaded file is analysed as a job, visible to its creator only', async () => {
  const file = makeTestClip(path.join(os.tmpdir(), `sv-upload-${process.pid}.mp4`), { seconds: 6, width: 320, height: 180 });
  const res = await fetch(`${srv.url}/api/analysis/jobs/upload?name=clip.mp4&fps=2`, { method: 'POST', headers: { authorization: `Bearer ${inv}`, 'content-type': 'video/mp4' }, body: readFileSync(file) });
  const j = (await res.json()) as any;
  assert.equal(res.status, 202, JSON.stringify(j));
  assert.equal(j.cameraId, null);
  assert.equal(j.fileName, 'clip.mp4');
  const v = await waitEnd(j.id);
  assert.equal(v.state, 'done', v.error);
  assert.ok(v.frames >= 10 && v.frames <= 14, `6 s at 2 fps ≈ 12 frames, got ${v.frames}`);
  assert.equal((await api('GET', `/api/analysis/jobs/${j.id}`, invHousing)).status, 404);
  const wrong = await fetch(`${srv.url}/api/analysis/jobs/upload?name=notes.txt`, { method: 'POST', headers: { authorization: `Bearer ${inv}`, 'content-type': 'video/mp4' }, body: 'hello' });
  assert.equal(wrong.status, 400);
  const json = await api('POST', '/api/analysis/jobs/upload?name=a.mp4', inv, {});
  assert.equal(json.status, 415);
});

test('uploads larger than the JSON body limit stream through; beyond analytics.jobs.uploadLimitBytes they are refused with 413', async () => {
  const noisy = async (seconds: number) => {
    const file = path.join(os.tmpdir(), `sv-upload-noise-${seconds}-${process.pid}.mp4`);
    await runFfmpeg(DEFAULT_TOOLS, ['-y', '-f', 'lavfi', '-i', `testsrc2=size=320x180:rate=25:duration=${seconds}`, '-vf', 'noise=alls=20:allf=t', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-g', '25', file], { timeoutMs: 60_000 });
    return readFileSync(file);
  };
  const small = await noisy(2); // ≈ 1.1 MB: above server.bodyLimitBytes (1 MiB), below the upload limit
  assert.ok(small.length > 1_048_576 && small.length < 2_500_000, `${small.length} bytes`);
  const ok = await fetch(`${srv.url}/api/analysis/jobs/upload?name=noise.mp4`, { method: 'POST', headers: { authorization: `Bearer ${inv}`, 'content-type': 'video/mp4' }, body: small });
  const j = (await ok.json()) as any;
  assert.equal(ok.status, 202, JSON.stringify(j));
  assert.equal((await waitEnd(j.id)).state, 'done');
  const big = await noisy(6); // ≈ 3.3 MB
  const refused = await fetch(`${srv.url}/api/analysis/jobs/upload?name=noise.mp4`, { method: 'POST', headers: { authorization: `Bearer ${inv}`, 'content-type': 'video/mp4' }, body: big });
  assert.equal(refused.status, 413);
  assert.equal(((await refused.json()) as any).error.code, 'upload_too_large');
});
