/**
 * End-to-end: privacy masks in headless Chromium — an administrator draws a mask on the camera's picture
 * (Governance → Privacy) and saves it; a viewer without privacy.unmask then watches the camera live and the
 * decoded video shows the masked area filled (pixels read back from the <video> through a canvas).
 */
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { seedFootage, T0 } from '../../src/evidence/evidence.fixtures';
import { DEFAULT_TOOLS, runFfmpeg } from '../../src/media/ffmpeg';
import { makeTestClip } from '../support/media';
import { SHARED_DIR, sharedSkip } from '../support/shared';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../support/server';
import { ensureWebBuilt } from './build-web';

const CHROMIUM = process.env.SMARTVIEW_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'];
const SYS = { principal: null, ip: null };
const VIEWER = { username: 'watcher', password: 'Tai-Po-Market-Ferry-31' };
const CAM = 'priv-cam';
// Subject-access request: footage with real faces (Intel sample, ../shared, CC-BY-4.0) on a camera without masks.
const GIF = 'media/intel-sample-videos/preview/face-demographics-walking-and-pause.gif';
const faceSkip = sharedSkip(GIF);
const SAR_CAM = 'sar-cam';
const MAKER = { username: 'lee', password: 'Lamma-Island-Ferry-Pier-27' };
const CHECKER = { username: 'chan', password: 'Cheung-Chau-Bun-Tower-58' };

let server: TestServer;
let browser: Browser;

before(async () => {
  ensureWebBuilt();
  server = await startTestServer();
  const sv = server.running.sv;
  const clip = makeTestClip(path.join(server.dataDir, 'media', 'live.mp4'), { seconds: 6, gopSeconds: 1, width: 640, height: 360 });
  await sv.cameras.create(SYS, { id: CAM, name: 'Estate facade', owner: 'police', location: { lat: 22.38, lon: 114.19, district: 'Sha Tin', address: '' }, source: { url: `file://${clip}`, transport: 'auto' }, tags: [] });
  await server.createUser(VIEWER.username, VIEWER.password, [{ role: 'viewer' }]);
  if (!faceSkip) {
    const template = path.join(server.dataDir, 'media', 'faces.ts');
    await runFfmpeg(DEFAULT_TOOLS, ['-y', '-stream_loop', '-1', '-i', path.join(SHARED_DIR, GIF), '-t', '4', '-vf', 'scale=640:360,fps=25', '-c:v', 'libx264', '-preset', 'veryfast', '-g', '25', '-pix_fmt', 'yuv420p', '-f', 'mpegts', template], { timeoutMs: 60_000 });
    await sv.cameras.create(SYS, { id: SAR_CAM, name: 'Lobby entrance', owner: 'police', location: { lat: 22.38, lon: 114.19, district: 'Sha Tin', address: '' }, source: { url: `file://${clip}`, transport: 'auto' }, tags: [] });
    await seedFootage(sv.store.db, path.join(server.dataDir, 'recordings'), SAR_CAM, T0, { count: 1, seconds: 4, width: 640, height: 360, template });
    // Two supervisors: one makes the redacted copy, the other reviews it (nobody approves their own copy).
    await server.createUser(MAKER.username, MAKER.password, [{ role: 'supervisor' }]);
    await server.createUser(CHECKER.username, CHECKER.password, [{ role: 'supervisor' }]);
    await sv.forensic.cases.create(SYS, { ref: 'HK-SAR-41', purpose: 'Subject-access request SAR-2026-041', authorisedUsers: [MAKER.username, CHECKER.username], expiresAt: Date.now() + 86_400_000 });
  }
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function login(username: string, password: string): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1400, height: 1000 }, locale: 'en-GB', bypassCSP: true })).newPage();
  page.setDefaultTimeout(30_000);
  page.on('pageerror', (err) => console.error('[browser error]', err.message));
  await page.goto(`${server.url}/`);
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', password);
  await page.click('[data-testid="login-form"] button[type="submit"]');
  await page.waitForSelector('[data-testid="current-user"]');
  return page;
}

test('a mask drawn in Governance → Privacy is applied to the live view of a user without privacy.unmask', async () => {
  const admin = await login('admin', ADMIN_PASSWORD);
  await admin.goto(`${server.url}/#/governance?tab=privacy`);
  await admin.waitForSelector('[data-testid="privacy-tab"]');
  await admin.waitForSelector(`[data-testid="privacy-camera"] option[value="${CAM}"]`, { state: 'attached' });
  await admin.selectOption('[data-testid="privacy-camera"]', CAM);
  await admin.waitForSelector('[data-testid="privacy-masks"][data-state="ready"]');
  // The camera's picture loads (fetched with a stated purpose: live snapshots need one).
  await admin.waitForFunction(`(() => { const i = document.querySelector('[data-testid="drawing"] img'); return i && i.complete && i.naturalWidth === 640; })()`);
  await admin.click('[data-testid="mask-new"]');
  const svg = admin.locator('[data-testid="drawing-svg"]');
  const box = (await svg.boundingBox())!;
  for (const [x, y] of [[0.3, 0.3], [0.7, 0.3], [0.7, 0.7], [0.3, 0.7]] as const) await svg.click({ position: { x: box.width * x, y: box.height * y } });
  await admin.waitForFunction(`document.querySelectorAll('[data-testid="vertex"]').length === 4`);
  await admin.fill('[data-testid="mask-label"]', 'Flat windows, block B');
  await admin.click('[data-testid="mask-add"]');
  await admin.click('[data-testid="mask-save"]');
  await admin.waitForSelector('[data-testid="mask-saved"]');
  // The picture is fetched again after saving, now with the mask burned in (the administrator lacks privacy.unmask).
  await admin.waitForFunction(`(() => { const i = document.querySelector('[data-testid="drawing"] img'); return i && i.complete && i.naturalWidth === 640 && i.src.startsWith('blob:'); })()`);
  const stored = await server.running.sv.privacy.masks.get(SYS, CAM);
  assert.equal(stored.polygons.length, 1);
  assert.equal(stored.polygons[0]!.label, 'Flat windows, block B');
  for (const [i, [x, y]] of ([[0.3, 0.3], [0.7, 0.3], [0.7, 0.7], [0.3, 0.7]] as const).entries()) {
    assert.ok(Math.abs(stored.polygons[0]!.points[i]![0] - x) < 0.01 && Math.abs(stored.polygons[0]!.points[i]![1] - y) < 0.01, JSON.stringify(stored.polygons[0]!.points));
  }

  const viewer = await login(VIEWER.username, VIEWER.password);
  await viewer.goto(`${server.url}/#/live?cams=${CAM}&layout=1`);
  await viewer.fill('[data-testid="purpose"]', 'estate patrol');
  await viewer.press('[data-testid="purpose"]', 'Enter');
  await viewer.waitForSelector(`[data-testid="live-tile"][data-camera="${CAM}"][data-state="playing"]`, { timeout: 60_000 });
  await viewer.waitForFunction(`(() => { const v = document.querySelector('[data-testid="live-video"]'); return v && v.videoWidth > 0 && v.currentTime > 0.5; })()`, undefined, { timeout: 30_000 });
  // Read the decoded picture back: mean luminance inside the mask (margin 5%) and outside it (margin 5%).
  const stats = (await viewer.evaluate(`(() => {
    const v = document.querySelector('[data-testid="live-video"]');
    const c = document.createElement('canvas');
    c.width = v.videoWidth; c.height = v.videoHeight;
    const g = c.getContext('2d');
    g.drawImage(v, 0, 0);
    const d = g.getImageData(0, 0, c.width, c.height).data;
    let si = 0, ni = 0, max = 0, so = 0, no = 0;
    for (let y = 0; y < c.height; y++) for (let x = 0; x < c.width; x++) {
      const fx = x / c.width, fy = y / c.height, o = (y * c.width + x) * 4;
      const l = 0.299 * d[o] + 0.587 * d[o + 1] + 0.114 * d[o + 2];
      if (fx > 0.35 && fx < 0.65 && fy > 0.35 && fy < 0.65) { si += l; ni++; max = Math.max(max, l); }
      else if (fx < 0.25 || fx > 0.75 || fy < 0.25 || fy > 0.75) { so += l; no++; }
    }
    return { inside: si / ni, max, outside: so / no, w: c.width, h: c.height };
  })()`)) as { inside: number; max: number; outside: number; w: number; h: number };
  assert.ok(stats.w > 0, 'frames decoded');
  assert.ok(stats.max < 30, `the masked area is filled (inside: mean ${stats.inside.toFixed(1)}, max ${stats.max.toFixed(1)})`);
  assert.ok(stats.outside > 50, `the rest of the picture is shown (outside mean ${stats.outside.toFixed(1)})`);
  const audit = await server.running.sv.store.db.selectFrom('audit_records').select(['action', 'details']).where('action', '=', 'live.view').execute();
  assert.ok(audit.some((r) => String(r.details).includes('"privacy":"masked"')), 'the masked view is audited as masked');
});

/** A datetime-local value (browser local time, to the second) for an instant. */
function localInput(page: Page, ms: number): Promise<string> {
  // No named helpers inside: tsx would wrap them in __name(), which the page does not have.
  return page.evaluate((t) => {
    const d = new Date(t);
    return [d.getFullYear(), d.getMonth() + 1, d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds()].map((n, i) => String(n).padStart(i === 0 ? 4 : 2, '0')).reduce((acc, v, i) => acc + (i === 0 ? '' : i < 3 ? '-' : i === 3 ? 'T' : ':') + v, '');
  }, ms);
}

/** Polls in the page (no string predicates: the CSP forbids eval) until `status` shows on the release card. */
async function waitForStatus(page: Page, status: string, timeoutMs = 180_000): Promise<void> {
  await page.waitForSelector(`[data-testid="release"][data-status="${status}"]`, { timeout: timeoutMs });
}

test('subject-access request in Governance → Privacy: find footage, make a redacted copy, keep the requester\'s track, approve as another user, download', { skip: faceSkip, timeout: 600_000 }, async () => {
  const maker = await login(MAKER.username, MAKER.password);
  await maker.goto(`${server.url}/#/governance?tab=privacy`);
  await maker.waitForSelector('[data-testid="release-panel"]');
  await maker.waitForSelector(`[data-testid="privacy-camera"] option[value="${SAR_CAM}"]`, { state: 'attached' });
  await maker.selectOption('[data-testid="privacy-camera"]', SAR_CAM);
  await maker.fill('[data-testid="release-request-ref"]', 'SAR-2026-041');
  await maker.fill('[data-testid="release-case"]', 'HK-SAR-41');
  await maker.fill('[data-testid="release-purpose"]', 'Subject-access request of a lobby visitor');
  await maker.fill('[data-testid="release-from"]', await localInput(maker, T0));
  await maker.fill('[data-testid="release-to"]', await localInput(maker, T0 + 4_000));
  await maker.click('[data-testid="release-find"]');
  await maker.waitForSelector('[data-testid="release-export"], [data-testid="release-panel"] .error', { timeout: 120_000 });
  assert.equal(await maker.locator('[data-testid="release-panel"] .error').count(), 0, await maker.locator('[data-testid="release-panel"]').innerText());
  const exportId = (await maker.getAttribute('[data-testid="release-export"]', 'data-export'))!;
  assert.ok(exportId, 'the footage was exported');

  await maker.selectOption('[data-testid="release-kind"]', 'redacted');
  await maker.click('[data-testid="release-make"]');
  await waitForStatus(maker, 'running', 30_000);
  await waitForStatus(maker, 'pending_review');
  const faceTracks = maker.locator('[data-testid="release-track"][data-kind="face"]');
  assert.ok((await faceTracks.count()) >= 1, 'face tracks are listed to choose from');
  assert.equal(await maker.locator('[data-testid="release-download"]').count(), 0, 'no download before review');
  const keepId = Number(await faceTracks.first().getAttribute('data-track'));
  await faceTracks.first().locator('[data-testid="track-keep"]').check();
  await maker.click('[data-testid="release-apply-keep"]');
  await waitForStatus(maker, 'running', 30_000);
  await waitForStatus(maker, 'pending_review');

  const [release] = await server.running.sv.privacy.releases.ofExport(SYS, exportId);
  assert.ok(release, 'the copy exists');
  assert.equal(release.kind, 'redacted');
  assert.equal(release.requestRef, 'SAR-2026-041');
  assert.deepEqual(release.keepTracks, [keepId]);
  const makerRow = await server.running.sv.store.db.selectFrom('users').select('id').where('username', '=', MAKER.username).executeTakeFirstOrThrow();
  assert.equal(release.createdBy, makerRow.id);

  // Another supervisor approves it in the review queue.
  const checker = await login(CHECKER.username, CHECKER.password);
  await checker.goto(`${server.url}/#/governance?tab=privacy`);
  const row = checker.locator(`[data-testid="release-row"][data-id="${release.id}"]`);
  await row.waitFor();
  await row.locator('input[type="text"]').fill('Checked frame by frame: only the requester is visible');
  await row.locator('button', { hasText: 'Approve' }).click();
  await row.waitFor({ state: 'detached' });

  // The maker opens the export again and downloads the approved copy.
  await maker.reload();
  await maker.waitForSelector('[data-testid="release-panel"]');
  await maker.fill('[data-testid="release-export-id"]', exportId);
  await maker.click('[data-testid="release-export-open"]');
  await waitForStatus(maker, 'approved', 30_000);
  const [download] = await Promise.all([maker.waitForEvent('download'), maker.click('[data-testid="release-download"]')]);
  assert.match(download.suggestedFilename(), /\.tar$/);
  const file = await download.path();
  assert.ok(file, 'the download completed');
  assert.ok(statSync(file).size > 10_000, 'the tar holds the copy');
  const actions = (await server.running.sv.store.db.selectFrom('audit_records').select(['action', 'actor_name']).where('target_id', '=', release.id).execute());
  for (const a of ['privacy.release.create', 'privacy.release.keep', 'privacy.release.review', 'privacy.release.download']) {
    assert.ok(actions.some((r) => r.action === a), `${a} audited: ${JSON.stringify(actions)}`);
  }
});
