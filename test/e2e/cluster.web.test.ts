/**
 * End-to-end (#11): the Cluster page in headless Chromium — two in-process nodes on one PostgreSQL
 * database (an api node and a recorder node, cluster mode), their roles, load and clock skew, and the
 * cameras the recorder node holds; then the Traditional Chinese strings.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { serve, type Running } from '../../src/app/app';
import { parseConfig } from '../../src/config/load';
import { silentLogger } from '../../src/core/logger';
import { startTestServer, type TestServer } from '../support/server';
import { ensureWebBuilt } from './build-web';

const CHROMIUM = process.env.SMARTVIEW_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SYS = { principal: null, ip: null };
const CLUSTER = { enabled: true, key: 'e2e-cluster-key-0123456789', heartbeatMs: 500, leaseTtlMs: 4000, fenceMarginMs: 1500 };

let server: TestServer;
let recorder: Running;
let recorderDir: string;
let browser: Browser;

before(async () => {
  ensureWebBuilt();
  server = await startTestServer({ engine: 'postgres', config: { cluster: { ...CLUSTER, nodeId: 'api-node' } } });
  const sv = server.running.sv;
  for (const id of ['cl-a', 'cl-b']) {
    await sv.cameras.create(SYS, { id, name: `Cluster ${id}`, owner: 'police', location: { lat: 22.3, lon: 114.17, district: 'Central', address: '' }, source: { url: `rtsp://127.0.0.1:9/${id}`, transport: 'tcp' }, tags: [] });
  }
  recorderDir = mkdtempSync(path.join(os.tmpdir(), 'sv-e2e-rec-'));
  recorder = await serve(parseConfig({
    dataDir: recorderDir, roles: ['recorder'], store: { engine: 'postgres', postgresUrl: sv.config.store.postgresUrl }, health: { enabled: false },
    cluster: { ...CLUSTER, nodeId: 'rec-node' }, log: { level: 'silent' },
  }), silentLogger());
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  await recorder?.stop();
  await server?.close();
  if (recorderDir) rmSync(recorderDir, { recursive: true, force: true });
});

async function poll(what: string, fn: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function login(page: Page): Promise<void> {
  await page.goto(`${server.url}/`);
  await page.fill('input[name="username"]', server.admin.username);
  await page.fill('input[name="password"]', server.admin.password);
  await page.click('[data-testid="login-form"] button[type="submit"]');
  await page.waitForSelector('[data-testid="current-user"]');
}

test('the Cluster page shows both nodes with roles, load and clock skew, and the cameras a node holds', async () => {
  const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'en-GB' })).newPage();
  page.setDefaultTimeout(20_000);
  page.on('pageerror', (err) => console.error('[browser error]', err.message));
  await login(page);
  await page.click('nav a[href="#/cluster"]');
  await page.waitForSelector('[data-testid="cluster-node-api-node"]');
  await page.waitForSelector('[data-testid="cluster-node-rec-node"]');
  const rec = page.locator('[data-testid="cluster-node-rec-node"]');
  assert.equal(await rec.getAttribute('data-status'), 'up');
  assert.match((await rec.textContent()) ?? '', /recorder/);
  // The recorder node takes both cameras (the api node records nothing).
  await poll('recorder node holding 2 cameras', async () => /recorder 2 \/ 500/.test((await rec.locator('[data-testid="cluster-load"]').textContent()) ?? ''));
  assert.match((await rec.locator('[data-testid="cluster-skew"]').textContent()) ?? '', /-?\d+ ms/);
  await page.click('[data-testid="cluster-show-rec-node"]');
  await poll('the leases of rec-node', async () => (await page.locator('[data-testid="cluster-lease"]').count()) === 2);
  const rows = await page.locator('[data-testid="cluster-lease"]').allTextContents();
  assert.ok(rows[0]!.includes('cl-a') && rows[1]!.includes('cl-b'), rows.join(' | '));

  // Traditional Chinese.
  await page.evaluate(() => window.localStorage.setItem('smartview.lang', 'zh-Hant'));
  await page.reload();
  await page.waitForSelector('[data-testid="cluster-page"]');
  await poll('zh-Hant title', async () => ((await page.textContent('[data-testid="cluster-page"] h1')) ?? '') === '叢集');
});
