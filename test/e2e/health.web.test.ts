/**
 * End-to-end: the Health page in headless Chromium — tiles, table, the tampered filter, resetting a
 * camera's reference view (confirmed, audited) and the Traditional Chinese strings.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { EMPTY_TAMPER, serializeTamper } from '../../src/health/tamper-record';
import { SegmentRepository } from '../../src/record/segment.repository';
import { startTestServer, type TestServer } from '../support/server';
import { ensureWebBuilt } from './build-web';

const CHROMIUM = process.env.SMARTVIEW_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SYS = { principal: null, ip: null };

let server: TestServer;
let browser: Browser;

before(async () => {
  ensureWebBuilt();
  server = await startTestServer();
  const sv = server.running.sv;
  const now = Date.now();
  for (const [id, district] of [['hk-1', 'Central'], ['hk-2', 'Wan Chai'], ['hk-3', 'Sha Tin']] as const) {
    await sv.cameras.create(SYS, { id, name: `Junction ${id}`, owner: 'police', location: { lat: 22.3, lon: 114.17, district, address: '' }, source: { url: `rtsp://10.0.0.1/${id}`, transport: 'auto' }, tags: [] });
  }
  const row = (camera_id: string, state: string, tamper: string) => ({ camera_id, state, fps: 25, bitrate_bps: 2_000_000, reconnects: 1, last_segment_at: now - 10_000, storage_bytes: 7_500_000, tamper, probe: null, last_error: null, updated_at: now });
  await sv.store.db.insertInto('camera_health').values([
    row('hk-1', 'online', serializeTamper({ ...EMPTY_TAMPER, flags: ['moved'], since: { moved: now - 60_000 }, lastSampleAt: now })),
    row('hk-2', 'offline', '{}'),
  ]).execute();
  // The recorder's segments of hk-1: 2.5 MB per 10 s = 2 Mbit/s (the scheduler's refresh measures them).
  await new SegmentRepository(sv.store.db).insertMany([1, 2, 3].map((i) => {
    const startMs = now - i * 10_000 - 5000;
    return { cameraId: 'hk-1', node: 'site-1', storage: 'local', path: `hk-1/${startMs}.ts`, startMs, endMs: startMs + 10_000, bytes: 2_500_000, codec: 'h264', width: 1920, height: 1080, keyframes: [0], sha256: '0'.repeat(64), status: 'ok' as const, createdAt: now };
  }));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('the Health page lists cameras with state and tamper flags, filters by tile, and resets a reference view', async () => {
  const page = await (await browser.newContext({ bypassCSP: true, viewport: { width: 1400, height: 900 }, locale: 'en-GB' })).newPage();
  page.setDefaultTimeout(20_000);
  page.on('pageerror', (err) => console.error('[browser error]', err.message));
  await page.goto(`${server.url}/`);
  await page.fill('input[name="username"]', server.admin.username);
  await page.fill('input[name="password"]', server.admin.password);
  await page.click('[data-testid="login-form"] button[type="submit"]');
  await page.waitForSelector('[data-testid="current-user"]');
  await page.click('nav a[href="#/health"]');
  await page.waitForFunction(`document.querySelectorAll('[data-testid="health-row"]').length === 3`);
  assert.equal(await page.textContent('[data-testid="health-tile-online"] .n'), '1');
  assert.equal(await page.textContent('[data-testid="health-tile-tampered"] .n'), '1');
  const first = page.locator('[data-testid="health-row"][data-id="hk-1"]');
  assert.match((await first.textContent()) ?? '', /Moved.*HKT|HKT.*Moved/s);
  assert.match((await first.textContent()) ?? '', /2\.0 Mbit\/s.*7\.2 MB/s);

  await page.click('[data-testid="health-tile-tampered"]');
  await page.waitForFunction(`document.querySelectorAll('[data-testid="health-row"]').length === 1`);

  page.once('dialog', (d) => void d.accept());
  await first.locator('[data-testid="health-reset"]').click();
  await page.waitForFunction(`document.querySelectorAll('[data-testid="health-row"]').length === 0`);
  const audit = await server.running.sv.audit.query(SYS, { action: 'camera.health.reference_reset', limit: 10 });
  assert.deepEqual(audit.items.map((r) => r.cameraIds), [['hk-1']]);

  await page.selectOption('[data-testid="language-switcher"]', 'zh-Hant');
  await page.waitForFunction(`document.querySelector('.toolbar h1')?.textContent === '攝影機狀態'`);
});
