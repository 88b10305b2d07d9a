/**
 * End-to-end: the built web app (dist/web) served by a real SmartView server, driven in headless
 * Chromium. Builds the web app first when dist/web is missing or older than web/.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestServer } from '../support/server';
import { ensureWebBuilt } from './build-web';

type TestServer = Awaited<ReturnType<typeof startTestServer>>;

const CHROMIUM = process.env.SMARTVIEW_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const TIMEOUT = 20_000;

const HEADER = 'id,name,lat,lon,district,address,owner,rtsp_url,sub_url,username,password,bearing,fov,tags,live,playback,retention_days';

interface Cam {
  id: string;
  name: string;
  lat: number;
  lon: number;
  district: string;
  owner: string;
}

function csv(cams: Cam[], extraRows: string[] = []): string {
  const rows = cams.map((c) =>
    [c.id, c.name, c.lat, c.lon, c.district, `${c.name} address`, c.owner, `rtsp://10.0.0.1:554/${c.id}`, '', 'viewer', 'secret-pass', 90, 60, 'junction;e2e', 'true', 'true', 30].join(','),
  );
  return [HEADER, ...rows, ...extraRows].join('\n') + '\n';
}

const POLICE: Cam[] = [
  { id: 'e2e-cam-1', name: 'Nathan Road North', lat: 22.3193, lon: 114.1694, district: 'Yau Tsim Mong', owner: 'police' },
  { id: 'e2e-cam-2', name: 'Queensway', lat: 22.2783, lon: 114.1655, district: 'Central and Western', owner: 'police' },
  { id: 'e2e-cam-3', name: 'Hennessy Road', lat: 22.2799, lon: 114.1776, district: 'Wan Chai', owner: 'police' },
  { id: 'e2e-cam-4', name: 'Sha Tin Centre', lat: 22.3817, lon: 114.1887, district: 'Sha Tin', owner: 'police' },
  { id: 'e2e-cam-5', name: 'Kwun Tong Road', lat: 22.3123, lon: 114.2253, district: 'Kwun Tong', owner: 'police' },
];

let server: TestServer;
let browser: Browser;
let tmp: string;

before(async () => {
  ensureWebBuilt();
  tmp = mkdtempSync(path.join(os.tmpdir(), 'smartview-e2e-'));
  server = await startTestServer();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1400, height: 1000 }, locale: 'en-GB' });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  page.on('pageerror', (err) => console.error('[browser error]', err.message));
  return page;
}

async function login(page: Page, username: string, password: string): Promise<void> {
  await page.goto(`${server.url}/`);
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', password);
  await page.click('[data-testid="login-form"] button[type="submit"]');
  await page.waitForSelector('[data-testid="current-user"]');
}

// Page-side code is passed as strings: the repo's tsconfig has no DOM library.
async function markerCount(page: Page, n: number): Promise<void> {
  await page.waitForFunction(`document.querySelector('[data-testid="camera-map"]')?.getAttribute('data-marker-count') === '${n}'`);
}

async function rowCount(page: Page, n: number): Promise<void> {
  await page.waitForFunction(`document.querySelectorAll('[data-testid="camera-row"]').length === ${n}`);
}

async function heading(page: Page, text: string): Promise<void> {
  await page.waitForFunction(`document.querySelector('.toolbar h1')?.textContent === ${JSON.stringify(text)}`);
}

/** No zoom animation under way, so a screenshot shows the final view. */
async function settled(page: Page): Promise<void> {
  await page.waitForFunction(`!document.querySelector('.leaflet-zoom-anim')`);
  await page.waitForTimeout(300);
}

async function tableIds(page: Page): Promise<string[]> {
  const rows = await page.locator('[data-testid="camera-row"]').all();
  const ids = await Promise.all(rows.map((r) => r.getAttribute('data-id')));
  return ids.map((id) => id ?? '').sort();
}

async function upload(page: Page, name: string, text: string): Promise<void> {
  const file = path.join(tmp, name);
  writeFileSync(file, text);
  await page.setInputFiles('[data-testid="import-file"]', file);
  await page.click('[data-testid="import-submit"]');
}

/** An API session for set-up steps that are not the subject of the test. */
async function apiSession(username: string, password: string) {
  const res = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  assert.equal(res.status, 200, `API login as ${username}: ${await res.clone().text()}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  return async (method: string, p: string, body?: string, contentType = 'application/json') => {
    const r = await fetch(`${server.url}${p}`, { method, headers: { cookie, ...(body ? { 'content-type': contentType } : {}) }, body });
    const text = await r.text();
    return { status: r.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
}

test('admin imports cameras, sees them on the map and table, is told of rejected rows, and finds the import in the audit trail', async () => {
  const page = await newPage();
  await login(page, server.admin.username, server.admin.password);
  await page.waitForSelector('[data-testid="camera-map"] .leaflet-container');
  await markerCount(page, 0);

  // A good file: 5 cameras.
  await page.click('[data-testid="open-import"]');
  await upload(page, 'good.csv', csv(POLICE));
  const result = await page.waitForSelector('[data-testid="import-result"]');
  assert.match((await result.textContent()) ?? '', /Imported 5 cameras/);
  await page.keyboard.press('Escape');
  await markerCount(page, 5);
  await rowCount(page, 5);
  assert.deepEqual(await tableIds(page), POLICE.map((c) => c.id).sort());

  // The detail panel shows whether credentials are stored, never the password.
  await page.click('[data-testid="camera-row"][data-id="e2e-cam-3"]');
  const detail = await page.waitForSelector('[data-testid="camera-detail"] dl');
  const detailText = (await detail.textContent()) ?? '';
  assert.match(detailText, /Hennessy Road/);
  assert.match(detailText, /Credentials stored\s*Yes/);
  assert.doesNotMatch(detailText, /secret-pass/);

  // A file with bad rows: the rejection table, and nothing imported.
  await page.click('[data-testid="open-import"]');
  const bad = csv(
    [{ id: 'e2e-new-1', name: 'Fine row', lat: 22.3, lon: 114.17, district: 'Wan Chai', owner: 'police' }],
    ['e2e-bad-1,Bad latitude,200,114.1,Wan Chai,,police,rtsp://10.0.0.2/x,,,,,,,true,true,'],
  );
  await upload(page, 'bad.csv', bad);
  const rejected = await page.waitForSelector('[data-testid="import-rejected"]');
  const rejectedText = (await rejected.textContent()) ?? '';
  assert.match(rejectedText, /Nothing was imported/);
  assert.match(rejectedText, /e2e-bad-1/);
  assert.match(rejectedText, /lat/);
  const rows = await page.locator('[data-testid="rejected-row"] td:first-child').allTextContents();
  assert.deepEqual(rows, ['3']);
  await page.keyboard.press('Escape');
  const api = await apiSession(server.admin.username, server.admin.password);
  const list = await api('GET', '/api/cameras?limit=1000');
  assert.equal((list.json.items as unknown[]).length, 5, 'the rejected file imported nothing');
  assert.equal(await page.getAttribute('[data-testid="camera-map"]', 'data-marker-count'), '5');

  // Traditional Chinese, remembered across a reload.
  await page.selectOption('[data-testid="language-switcher"]', 'zh-Hant');
  await heading(page, '攝影機');
  await page.reload();
  await heading(page, '攝影機');
  await markerCount(page, 5);
  const zhShot = path.join(os.tmpdir(), 'smartview-e2e-cameras-zh.png');
  await settled(page);
  await page.screenshot({ path: zhShot, fullPage: true });
  await page.selectOption('[data-testid="language-switcher"]', 'en');
  await heading(page, 'Cameras');

  const camShot = path.join(os.tmpdir(), 'smartview-e2e-cameras.png');
  await page.click('[data-testid="camera-row"][data-id="e2e-cam-1"]');
  await settled(page);
  await page.screenshot({ path: camShot, fullPage: true });

  // The audit trail records the import; the chain verifies.
  await page.click('a[href="#/audit"]');
  await page.waitForSelector('[data-testid="audit-row"][data-action="camera.import"]');
  const importRow = (await page.textContent('[data-testid="audit-row"][data-action="camera.import"]')) ?? '';
  assert.match(importRow, /HKT/);
  assert.match(importRow, /e2e-cam-1/);
  await page.click('[data-testid="audit-verify-button"]');
  const verify = await page.waitForSelector('[data-testid="audit-verify-result"]');
  assert.equal(await verify.getAttribute('data-ok'), 'true', (await verify.textContent()) ?? '');
  const auditShot = path.join(os.tmpdir(), 'smartview-e2e-audit.png');
  await page.screenshot({ path: auditShot, fullPage: true });
  console.log(`screenshots: ${camShot} ${zhShot} ${auditShot}`);
  await page.context().close();
});

test('a user scoped to the housing organisation sees only housing cameras', async () => {
  const admin = await apiSession(server.admin.username, server.admin.password);
  const org = await admin('PUT', '/api/organisations/housing', JSON.stringify({ name: 'Housing Department', kind: 'department' }));
  assert.equal(org.status, 200, JSON.stringify(org.json));
  const HOUSING: Cam[] = [
    { id: 'e2e-hd-1', name: 'Lei Tung Estate', lat: 22.2426, lon: 114.1565, district: 'Southern', owner: 'housing' },
    { id: 'e2e-hd-2', name: 'Choi Hung Estate', lat: 22.3347, lon: 114.2079, district: 'Wong Tai Sin', owner: 'housing' },
    { id: 'e2e-hd-3', name: 'Tin Shui Wai Estate', lat: 22.4587, lon: 114.0021, district: 'Yuen Long', owner: 'housing' },
  ];
  const OTHERS: Cam[] = [
    { id: 'e2e-pol-6', name: 'Mong Kok Station', lat: 22.3193, lon: 114.1694, district: 'Yau Tsim Mong', owner: 'police' },
    { id: 'e2e-pol-7', name: 'Aberdeen Harbour', lat: 22.2479, lon: 114.1531, district: 'Southern', owner: 'police' },
  ];
  const imported = await admin('POST', '/api/cameras/import?format=csv', csv([...HOUSING, ...OTHERS]), 'text/csv');
  assert.equal(imported.status, 200, JSON.stringify(imported.json));

  const password = 'Estate-watch-2026-ok';
  await server.createUser('housing-viewer', password, [{ role: 'viewer', organisations: ['housing'], districts: null }]);
  const page = await newPage();
  await login(page, 'housing-viewer', password);
  await page.waitForSelector('[data-testid="camera-map"] .leaflet-container');
  // Zoom out so the whole territory is in view.
  await page.click('.leaflet-control-zoom-out');
  await markerCount(page, 3);
  await rowCount(page, 3);
  assert.deepEqual(await tableIds(page), HOUSING.map((c) => c.id).sort());
  // Live events: a housing camera added elsewhere appears without a reload; a police one never does.
  await page.waitForSelector('[data-testid="live-state"][data-state="open"]');
  const more = await admin('POST', '/api/cameras/import?format=csv', csv([
    { id: 'e2e-hd-4', name: 'Oi Man Estate', lat: 22.3105, lon: 114.1795, district: 'Kowloon City', owner: 'housing' },
    { id: 'e2e-pol-8', name: 'Ho Man Tin', lat: 22.3125, lon: 114.1805, district: 'Kowloon City', owner: 'police' },
  ]), 'text/csv');
  assert.equal(more.status, 200, JSON.stringify(more.json));
  await markerCount(page, 4);
  await rowCount(page, 4);
  assert.deepEqual(await tableIds(page), [...HOUSING.map((c) => c.id), 'e2e-hd-4'].sort());

  assert.equal(await page.$('a[href="#/audit"]'), null, 'no audit view without audit.read');
  assert.equal(await page.$('[data-testid="open-import"]'), null, 'no import without camera.import');
  await settled(page);
  const shot = path.join(os.tmpdir(), 'smartview-e2e-housing.png');
  await page.screenshot({ path: shot, fullPage: true });
  console.log(`screenshot: ${shot}`);
  await page.context().close();
});
