/**
 * End-to-end: the Governance tabs in headless Chromium — Access (a break-glass use approved from the review
 * queue, grants with expiry), Audit review (filter by user, flags, verified CSV), Transparency (figures,
 * CSV), Register (table, an administrator's edit, CSV).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/server';
import { ensureWebBuilt } from './build-web';

const CHROMIUM = process.env.SMARTVIEW_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SYS = { principal: null, ip: null };
const PW = { sup: 'Kowloon-Bay-Ferry-77', aud: 'Tai-Po-Market-Harbour-88', ivy: 'Lantau-Peak-Trail-99' };

let server: TestServer;
let browser: Browser;
let breakGlassId = '';

before(async () => {
  ensureWebBuilt();
  server = await startTestServer();
  const sv = server.running.sv;
  for (const [id, district] of [['g-1', 'Central'], ['g-2', 'Sha Tin']] as const) {
    await sv.cameras.create(SYS, { id, name: `Gate ${id}`, owner: 'police', location: { lat: 22.28, lon: 114.16, district, address: '' }, source: { url: `rtsp://10.0.0.9/${id}`, transport: 'auto' }, tags: [] });
  }
  await server.createUser('sup', PW.sup, [{ role: 'supervisor' }]);
  await server.createUser('aud', PW.aud, [{ role: 'auditor' }]);
  await server.createUser('ivy', PW.ivy, [{ role: 'investigator' }]);
  const tok = await server.token('ivy');
  const r = await fetch(`${server.url}/api/access/break-glass`, { method: 'POST', headers: { authorization: `Bearer ${tok}`, 'content-type': 'application/json' }, body: JSON.stringify({ reason: 'Armed robbery in progress at Gate g-1' }) });
  assert.equal(r.status, 201);
  breakGlassId = ((await r.json()) as { id: string }).id;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function login(username: string, password: string): Promise<Page> {
  const page = await (await browser.newContext({ bypassCSP: true, viewport: { width: 1400, height: 1000 }, locale: 'en-GB' })).newPage();
  page.setDefaultTimeout(30_000);
  page.on('pageerror', (err) => console.error('[browser error]', err.message));
  await page.goto(`${server.url}/`);
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', password);
  await page.click('[data-testid="login-form"] button[type="submit"]');
  await page.waitForSelector('[data-testid="current-user"]');
  return page;
}

/** A same-origin GET with the page's session cookie. */
const fetchText = (page: Page, href: string) => page.evaluate(`fetch(${JSON.stringify(href)}).then(async (r) => r.status + '\\n' + await r.text())`) as Promise<string>;

test('Access: the supervisor approves a break-glass use from the review queue; grants show their expiry', async () => {
  const page = await login('sup', PW.sup);
  await page.goto(`${server.url}/#/governance?tab=access`);
  const row = `[data-testid="break-glass-row"][data-id="${breakGlassId}"]`;
  await page.waitForSelector(`${row}[data-status="pending"]`);
  assert.match((await page.textContent(row)) ?? '', /ivy.*Armed robbery/);
  await page.fill(`${row} [data-testid="review-note"]`, 'Robbery confirmed by the control room');
  await page.click(`${row} [data-testid="review-approve"]`);
  await page.waitForSelector(`${row}`, { state: 'detached' });
  await page.selectOption('[data-testid="break-glass-status"]', 'approved');
  await page.waitForSelector(`${row}[data-status="approved"]`);
  assert.match((await page.textContent(row)) ?? '', /sup · Robbery confirmed/);
  await page.waitForSelector('[data-testid="grant-row"][data-user="ivy"]');
  assert.match((await page.textContent('[data-testid="grant-row"][data-user="ivy"]')) ?? '', /investigator.*never/);
});

test('Audit review: filter by user, flags, and a CSV that carries the chain verification', async () => {
  const page = await login('aud', PW.aud);
  await page.goto(`${server.url}/#/governance?tab=review`);
  await page.waitForSelector('[data-testid="review-flags"]');
  await page.fill('[data-testid="review-user"]', 'ivy');
  await page.click('[data-testid="review-apply"]');
  await page.waitForSelector('[data-testid="review-row"][data-action="breakglass.start"]');
  const actions = await page.$$eval('[data-testid="review-row"]', (rows) => rows.map((r) => r.getAttribute('data-action')));
  assert.ok(actions.every((a) => a === 'breakglass.start'), actions.join());
  const href = (await page.getAttribute('[data-testid="review-csv"]', 'href'))!;
  assert.match(href, /user=ivy/);
  const csv = await fetchText(page, href);
  assert.match(csv, /^200\n/);
  assert.match(csv, /# chain verification: OK/);
  assert.match(csv, /breakglass\.start/);
});

test('Transparency: figures for the period, CSV download', async () => {
  const page = await login('sup', PW.sup);
  await page.goto(`${server.url}/#/governance?tab=report`);
  const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  const tomorrow = new Date(Date.now() + 32 * 3_600_000).toISOString().slice(0, 10);
  await page.fill('[data-testid="report-to"]', tomorrow);
  await page.fill('[data-testid="report-from"]', today);
  await page.waitForFunction(`document.querySelector('[data-testid="fig-cameras"]')?.textContent === '2'`);
  const csv = await fetchText(page, (await page.getAttribute('[data-testid="report-csv"]', 'href'))!);
  assert.match(csv, /^200\nsection,item,value\n/);
  assert.ok(!csv.includes('ivy'), 'no personal data');
  const pdfHref = (await page.getAttribute('[data-testid="report-pdf"]', 'href'))!;
  assert.match(pdfHref, /\/api\/governance\/report\.pdf\?from=\d+&to=\d+/);
});

test('Register: the table for supervisors (no edit), an administrator marks a camera residential-facing, CSV', async () => {
  const sup = await login('sup', PW.sup);
  await sup.goto(`${server.url}/#/governance?tab=register`);
  await sup.waitForSelector('[data-testid="register-row"][data-id="g-2"]');
  assert.equal(await sup.$('[data-testid="register-edit"]'), null, 'supervisors hold no camera.write');
  const admin = await login('admin', server.admin.password);
  await admin.goto(`${server.url}/#/governance?tab=register`);
  await admin.click('[data-testid="register-row"][data-id="g-1"] [data-testid="register-edit"]');
  await admin.fill('[data-testid="register-purpose"]', 'Gate safety');
  await admin.fill('[data-testid="register-legal"]', 'Police Force Ordinance (Cap. 232)');
  await admin.check('[data-testid="register-residential-input"]');
  await admin.click('[data-testid="register-save"]');
  await admin.waitForSelector('[data-testid="register-row"][data-id="g-1"]');
  assert.equal(await admin.textContent('[data-testid="register-row"][data-id="g-1"] [data-testid="register-residential"]'), 'Yes');
  const csv = await fetchText(admin, (await admin.getAttribute('[data-testid="register-csv"]', 'href'))!);
  assert.match(csv, /^200\ncamera_id,name,owner/);
  assert.match(csv, /\ng-1,Gate g-1,police,Police,Central,Gate safety,Police Force Ordinance \(Cap\. 232\),no,yes,/);
});
