/**
 * End-to-end video: live view (MSE over WebSocket from a looped file source) and playback (hls.js
 * over recordings written as real MPEG-TS segments and indexed, no recorder involved), in headless
 * Chromium (Debian's build plays H.264 in MSE).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { storageRoots } from '../../src/playback/segment-file';
import { makeTestClip } from '../support/media';
import { writeRecordings } from '../support/recordings';
import { startTestServer, type TestServer } from '../support/server';
import { ensureWebBuilt } from './build-web';

const CHROMIUM = process.env.SMARTVIEW_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'];
const TIMEOUT = 20_000;
const MIN = 60_000;

let server: TestServer;
let browser: Browser;
let token: string;
const T0 = Math.floor((Date.now() - 10 * MIN) / 1000) * 1000;

before(async () => {
  ensureWebBuilt();
  server = await startTestServer();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  token = await server.token('admin');
  const clip = makeTestClip(path.join(server.dataDir, 'media', 'live.mp4'), { seconds: 6, gopSeconds: 1, width: 640, height: 360 });
  const cams = [
    { id: 'e2e-live', name: 'Harbour Road (file source)', source: { url: `file://${clip}` } },
    { id: 'e2e-rec', name: 'Gloucester Road (recorded)', source: { url: 'rtsp://10.0.0.1:554/rec' } },
    { id: 'e2e-rec2', name: 'Fleming Road (recorded later)', source: { url: 'rtsp://10.0.0.2:554/rec' } },
  ];
  for (const c of cams) {
    const r = await fetch(`${server.url}/api/cameras`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ ...c, owner: 'police', location: { lat: 22.28, lon: 114.17, district: 'Wan Chai' } }) });
    assert.equal(r.status, 201, await r.text());
  }
  const root = storageRoots(server.running.sv.config).get('local')!;
  const store = server.running.sv.store;
  // e2e-rec: 8 s (four 2 s segments), a 12 s outage, then 6 s (two 3 s segments). e2e-rec2: only during the second run.
  await writeRecordings({ store, root, cameraId: 'e2e-rec', runs: [{ startMs: T0, seconds: 8, pieceSeconds: 2 }, { startMs: T0 + 20_000, seconds: 6, pieceSeconds: 3 }] });
  await writeRecordings({ store, root, cameraId: 'e2e-rec2', runs: [{ startMs: T0 + 20_000, seconds: 6, pieceSeconds: 3 }] });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1400, height: 1000 }, locale: 'en-GB' });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  page.on('pageerror', (err) => console.error('[browser error]', err.message));
  if (process.env.SV_E2E_DEBUG) page.on('console', (m) => console.error('[browser]', m.type(), m.text()));
  return page;
}

async function login(page: Page): Promise<void> {
  await page.goto(`${server.url}/`);
  await page.fill('input[name="username"]', server.admin.username);
  await page.fill('input[name="password"]', server.admin.password);
  await page.click('[data-testid="login-form"] button[type="submit"]');
  await page.waitForSelector('[data-testid="current-user"]');
}

/** currentTime of the video matching `selector` (page code as a string: the repo's tsconfig has no DOM library). */
const currentTime = (page: Page, selector: string) => page.evaluate(`document.querySelector(${JSON.stringify(selector)})?.currentTime ?? -1`) as Promise<number>;

async function advances(page: Page, selector: string, bySeconds: number, withinMs: number): Promise<void> {
  const t1 = await currentTime(page, selector);
  await page.waitForFunction(`(document.querySelector(${JSON.stringify(selector)})?.currentTime ?? -1) > ${t1 + bySeconds}`, undefined, { timeout: withinMs });
}

test('live: the camera detail links to Live, and the <video> plays the file-source camera over MSE', async () => {
  const page = await newPage();
  await login(page);
  await page.click('[data-testid="camera-row"][data-id="e2e-live"]');
  const t0 = Date.now();
  await page.click('[data-testid="open-live"]');
  // The access policy (src/access) asks live view for a purpose.
  await page.fill('[data-testid="purpose"]', 'End-to-end check');
  await page.press('[data-testid="purpose"]', 'Enter');
  await page.waitForSelector('[data-testid="live-tile"][data-camera="e2e-live"][data-state="playing"]');
  console.error(`[e2e] live: playing ${Date.now() - t0} ms after opening the page (stream started cold)`);
  await advances(page, '[data-testid="live-video"]', 1.0, 5_000);
  const size = (await page.evaluate(`(() => { const v = document.querySelector('[data-testid="live-video"]'); return [v.videoWidth, v.videoHeight]; })()`)) as number[];
  assert.deepEqual(size, [640, 360], 'frames decoded');
  // Switching the grid to 2 × 2 keeps the camera and shows pickers in the empty tiles.
  await page.click('[data-testid="layout-4"]');
  await page.waitForFunction(`document.querySelectorAll('[data-testid="camera-picker"]').length === 3`);
  assert.match(page.url(), /#\/live\?cams=e2e-live&layout=4/);
  if (process.env.SV_E2E_SHOTS) await page.screenshot({ path: path.join(process.env.SV_E2E_SHOTS, 'live.png') });
  await page.close();
});

test('playback: the timeline shows recorded ranges and the gap, hls.js plays in wall-clock time, a click seeks every camera in step', async () => {
  const page = await newPage();
  await login(page);
  const from = T0 - 30_000;
  const to = T0 + 60_000;
  await page.goto(`${server.url}/#/playback?cams=e2e-rec,e2e-rec2&from=${from}&to=${to}`);
  // The access policy (src/access) asks playback for a purpose.
  await page.fill('[data-testid="purpose"]', 'End-to-end check');
  await page.press('[data-testid="purpose"]', 'Enter');
  const rec = '[data-testid="playback-tile"][data-camera="e2e-rec"]';
  const rec2 = '[data-testid="playback-tile"][data-camera="e2e-rec2"]';
  await page.waitForFunction(`document.querySelector('${rec} [data-testid="timeline"]')?.getAttribute('data-gaps') === '1'`);
  assert.equal(await page.locator(`${rec} [data-testid="timeline-range"]`).count(), 2);
  assert.equal(await page.locator(`${rec} [data-testid="timeline-gap"]`).count(), 1);
  const gapBox = (await page.locator(`${rec} [data-testid="timeline-gap"]`).boundingBox())!;
  assert.ok(gapBox.width >= 2, 'the gap is drawn');

  await page.waitForSelector(`${rec}[data-ready="yes"]`);
  if (process.env.SV_E2E_DEBUG) {
    for (let i = 0; i < 6; i++) {
      console.error(await page.evaluate(`(() => { const v = document.querySelector('${rec} video'); const b = []; for (let i = 0; i < v.buffered.length; i++) b.push([v.buffered.start(i), v.buffered.end(i)]); return JSON.stringify({ t: v.currentTime, paused: v.paused, rs: v.readyState, err: v.error && v.error.message, b, clock: document.querySelector('[data-testid="playback-clock"]').dataset.ms }); })()`));
      await page.waitForTimeout(700);
    }
  }
  await advances(page, `${rec} video`, 1.0, 10_000);
  const clock = Number(await page.getAttribute('[data-testid="playback-clock"]', 'data-ms'));
  assert.ok(clock >= T0 && clock < T0 + 8_000, `the clock is in the first run: ${clock - T0} ms after its start`);
  assert.match((await page.textContent('[data-testid="playback-clock"]')) ?? '', / HKT$/);
  await page.waitForFunction(`document.querySelector('${rec2} .video-overlay')?.textContent === 'No recording at this time'`);

  // Click the middle of the second run on the timeline: both cameras go there and play.
  const bar = (await page.locator(`${rec} [data-testid="timeline"]`).boundingBox())!;
  const target = T0 + 22_000;
  await page.mouse.click(bar.x + ((target - from) / (to - from)) * bar.width, bar.y + bar.height / 2);
  await page.waitForFunction(`Number(document.querySelector('[data-testid="playback-clock"]').dataset.ms) >= ${T0 + 20_000}`);
  await page.waitForFunction(`!document.querySelector('${rec2} .video-overlay')`);
  await advances(page, `${rec2} video`, 0.5, 10_000);
  await advances(page, `${rec} video`, 0.5, 10_000);

  if (process.env.SV_E2E_SHOTS) await page.screenshot({ path: path.join(process.env.SV_E2E_SHOTS, 'playback.png') });
  // 4×: the wall clock runs faster than real time.
  await page.selectOption('[data-testid="playback-speed"]', '4');
  const c1 = Number(await page.getAttribute('[data-testid="playback-clock"]', 'data-ms'));
  await page.waitForTimeout(1000);
  const c2 = Number(await page.getAttribute('[data-testid="playback-clock"]', 'data-ms'));
  assert.ok(c2 - c1 > 1500 || c2 >= T0 + 25_500, `4× speed: ${c2 - c1} ms of recording in 1 s`);
  await page.close();
});
