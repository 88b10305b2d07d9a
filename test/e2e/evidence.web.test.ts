/**
 * End-to-end: the evidence export dialog in headless Chromium against a real server with real
 * recorded segments — refusals shown in the reader's language, progress, the download link, and
 * a downloaded bundle that verifies.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { keysDir } from '../../src/app/app';
import { seedFootage, T0 } from '../../src/evidence/evidence.fixtures';
import { trustFrom } from '../../src/evidence/trust';
import { verifyBundle } from '../../src/evidence/verify';
import { startTestServer, type TestServer } from '../support/server';
import { ensureWebBuilt } from './build-web';

const CHROMIUM = process.env.SMARTVIEW_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const PASSWORD = 'Tsim-Sha-Tsui-Ferry-31';

let server: TestServer;
let browser: Browser;
let tmp: string;

before(async () => {
  ensureWebBuilt();
  tmp = mkdtempSync(path.join(os.tmpdir(), 'smartview-e2e-evidence-'));
  server = await startTestServer();
  const sv = server.running.sv;
  await sv.cameras.create({ principal: null, ip: null }, { id: 'cam-e2e', name: 'Star Ferry Pier', owner: 'police', location: { lat: 22.2936, lon: 114.1687, district: 'Yau Tsim Mong', address: '' }, source: { url: 'rtsp://10.0.0.3/main', transport: 'auto' }, tags: [] });
  await seedFootage(sv.store.db, path.join(server.dataDir, 'recordings'), 'cam-e2e', T0, { count: 2 });
  await server.createUser('inv-e2e', PASSWORD, [{ role: 'investigator' }]);
  // A real, open case naming inv-e2e: the access policy's 'exports' row checks the reference against the cases.
  await sv.forensic.cases.create({ principal: null, ip: null }, { ref: 'HK-E2E-1', purpose: 'End-to-end test', authorisedUsers: ['inv-e2e'], expiresAt: Date.now() + 86_400_000 });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

async function openDialog(): Promise<Page> {
  const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1400, height: 1000 }, locale: 'en-GB', acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on('pageerror', (err) => console.error('[browser error]', err.message));
  await page.goto(`${server.url}/`);
  await page.fill('input[name="username"]', 'inv-e2e');
  await page.fill('input[name="password"]', PASSWORD);
  await page.click('[data-testid="login-form"] button[type="submit"]');
  await page.click('[data-testid="camera-row"][data-id="cam-e2e"]');
  await page.click('[data-testid="export-evidence"]');
  await page.waitForSelector('[data-testid="export-dialog"]');
  return page;
}

test('the export dialog refuses what is missing, exports with progress, and offers a bundle that verifies', async () => {
  const page = await openDialog();
  assert.equal(await page.inputValue('[data-testid="export-cameras"]'), 'cam-e2e');
  // 09:00:03–09:00:15 HKT on the day of the test footage.
  await page.fill('[data-testid="export-from"]', '2026-03-02T09:00:03');
  await page.fill('[data-testid="export-to"]', '2026-03-02T09:00:15');
  await page.click('[data-testid="export-submit"]');
  assert.equal(await page.textContent('[data-testid="export-problem"]'), 'A case reference is required.');

  // An invented case reference: the server refuses it (not a case the user is authorised on).
  await page.fill('[data-testid="export-case"]', 'HK-E2E-INVENTED');
  await page.fill('[data-testid="export-purpose"]', 'End-to-end test');
  await page.click('[data-testid="export-submit"]');
  const refused = await page.waitForSelector('[data-testid="export-error"]');
  assert.match((await refused.textContent()) ?? '', /^Case 'HK-E2E-INVENTED' does not exist or you are not among its authorised users/);

  // A range with no footage: the server's refusal, with the times in HKT.
  await page.fill('[data-testid="export-case"]', 'HK-E2E-1');
  await page.fill('[data-testid="export-from"]', '2026-03-02T10:00:00');
  await page.fill('[data-testid="export-to"]', '2026-03-02T10:01:00');
  await page.click('[data-testid="export-submit"]');
  const err = await page.waitForSelector('[data-testid="export-error"]:has-text("No recordings")');
  assert.equal(await err.textContent(), 'No recordings of camera cam-e2e between 2026-03-02 10:00:00 HKT and 2026-03-02 10:01:00 HKT.');

  await page.fill('[data-testid="export-from"]', '2026-03-02T09:00:03');
  await page.fill('[data-testid="export-to"]', '2026-03-02T09:00:15');
  await page.click('[data-testid="export-submit"]');
  const done = await page.waitForSelector('[data-testid="export-done"]');
  assert.match((await done.textContent()) ?? '', /Bundle ex-\S+ is ready/);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-download"]')]);
  const tar = path.join(tmp, download.suggestedFilename());
  await download.saveAs(tar);
  assert.match(path.basename(tar), /^ex-.*\.tar$/);
  const report = await verifyBundle(tar, trustFrom({ siteKeysDir: keysDir(server.running.sv.config) }));
  assert.deepEqual(report.problems, []);
  assert.equal(report.caseRef, 'HK-E2E-1');
  const shot = path.join(os.tmpdir(), 'smartview-e2e-evidence.png');
  await page.screenshot({ path: shot });
  console.log(`screenshot: ${shot}`);
  await page.context().close();
});

test('the dialog speaks Traditional Chinese', async () => {
  const page = await openDialog();
  await page.keyboard.press('Escape');
  await page.selectOption('[data-testid="language-switcher"]', 'zh-Hant');
  await page.click('[data-testid="export-evidence"]');
  assert.equal(await page.textContent('#export-title'), '匯出證據');
  await page.click('[data-testid="export-submit"]');
  assert.equal(await page.textContent('[data-testid="export-problem"]'), '必須提供案件編號。');
  await page.context().close();
});
