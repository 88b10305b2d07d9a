/**
 * End-to-end: privacy masks in headless Chromium — an administrator draws a mask on the camera's picture
 * (Governance → Privacy) and saves it; a viewer without privacy.unmask then watches the camera live and the
 * decoded video shows the masked area filled (pixels read back from the <video> through a canvas).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { makeTestClip } from '../support/media';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../support/server';
import { ensureWebBuilt } from './build-web';

const CHROMIUM = process.env.SMARTVIEW_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'];
const SYS = { principal: null, ip: null };
const VIEWER = { username: 'watcher', password: 'Tai-Po-Market-Ferry-31' };
const CAM = 'priv-cam';

let server: TestServer;
let browser: Browser;

before(async () => {
  ensureWebBuilt();
  server = await startTestServer();
  const sv = server.running.sv;
  const clip = makeTestClip(path.join(server.dataDir, 'media', 'live.mp4'), { seconds: 6, gopSeconds: 1, width: 640, height: 360 });
  await sv.cameras.create(SYS, { id: CAM, name: 'Estate facade', owner: 'police', location: { lat: 22.38, lon: 114.19, district: 'Sha Tin', address: '' }, source: { url: `file://${clip}`, transport: 'auto' }, tags: [] });
  await server.createUser(VIEWER.username, VIEWER.password, [{ role: 'viewer' }]);
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
  await admin.click('[data-testid="mask-new"]');
  const svg = admin.locator('[data-testid="drawing-svg"]');
  const box = (await svg.boundingBox())!;
  for (const [x, y] of [[0.3, 0.3], [0.7, 0.3], [0.7, 0.7], [0.3, 0.7]] as const) await svg.click({ position: { x: box.width * x, y: box.height * y } });
  await admin.waitForFunction(`document.querySelectorAll('[data-testid="vertex"]').length === 4`);
  await admin.fill('[data-testid="mask-label"]', 'Flat windows, block B');
  await admin.click('[data-testid="mask-add"]');
  await admin.click('[data-testid="mask-save"]');
  await admin.waitForSelector('[data-testid="mask-saved"]');
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
