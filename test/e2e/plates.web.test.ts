/**
 * End-to-end: the Plates pages in headless Chromium — the live sightings feed (a read recorded while
 * the page is open appears), plate search inside a case (results oldest first on the list, the map
 * path and the timeline), hotlist management (an entry added; a CSV with a bad row reports that row
 * and imports nothing).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { testImage } from '../../src/alerts/alerts.fixtures';
import { encodeJpeg } from '../../src/media/jpeg';
import { startTestServer, type TestServer } from '../support/server';
import { ensureWebBuilt } from './build-web';

const CHROMIUM = process.env.SMARTVIEW_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SYS = { principal: null, ip: null };
const USER = { username: 'sup', password: 'Kowloon-Bay-Ferry-77' };
const CASE = 'HKP-2026-00417';
const CAMS = [
  { id: 'P-1', lat: 22.280, lon: 114.160 },
  { id: 'P-2', lat: 22.284, lon: 114.166 },
  { id: 'P-3', lat: 22.276, lon: 114.170 },
  { id: 'P-4', lat: 22.288, lon: 114.174 },
];

let server: TestServer;
let browser: Browser;
let dir: string;
let jpeg: Buffer;
const now = Date.now();

before(async () => {
  ensureWebBuilt();
  dir = mkdtempSync(path.join(os.tmpdir(), 'sv-plates-web-'));
  server = await startTestServer();
  const sv = server.running.sv;
  for (const c of CAMS) {
    await sv.cameras.create(SYS, { id: c.id, name: `Road ${c.id}`, owner: 'police', location: { lat: c.lat, lon: c.lon, district: 'Central', address: '' }, source: { url: `rtsp://10.0.0.9/${c.id}`, transport: 'auto' }, tags: [] });
  }
  await server.createUser(USER.username, USER.password, [{ role: 'supervisor' }]);
  await sv.forensic.cases.create(SYS, { ref: CASE, purpose: 'Stolen vehicle KT4821', authorisedUsers: [USER.username], expiresAt: now + 86_400_000 });
  jpeg = await encodeJpeg({ ffmpegPath: sv.config.media.ffmpegPath, ffprobePath: sv.config.media.ffprobePath }, testImage(96, 32));
  // The target's path, recorded out of camera order: P-3 → P-1 → P-4 (and another plate between).
  const rec = (cameraId: string, plate: string, agoS: number) =>
    sv.plates.sightings.record({ cameraId, plate, grammar: 'hk', seenAt: now - agoS * 1000, confidence: 0.93, vehicleClass: 'car', vehicleColour: 'white', plateCropJpeg: jpeg });
  await rec('P-1', 'KT4821', 600);
  await rec('P-3', 'KT4821', 900);
  await rec('P-2', 'LM502', 700);
  await rec('P-4', 'KT4821', 300);
  await sv.plates.sightings.idle();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function login(): Promise<Page> {
  const page = await (await browser.newContext({ bypassCSP: true, viewport: { width: 1400, height: 1000 }, locale: 'en-GB' })).newPage();
  page.setDefaultTimeout(30_000);
  page.on('pageerror', (err) => console.error('[browser error]', err.message));
  await page.goto(`${server.url}/`);
  await page.fill('input[name="username"]', USER.username);
  await page.fill('input[name="password"]', USER.password);
  await page.click('[data-testid="login-form"] button[type="submit"]');
  await page.waitForSelector('[data-testid="current-user"]');
  return page;
}

const rowsOf = (table: string) => `[...document.querySelectorAll('[data-testid="${table}"] [data-testid="sighting-row"]')]`;

test('the live feed lists recent reads with crops, and a read recorded while the page is open appears at the top', async () => {
  const page = await login();
  await page.click('nav a[href="#/plates"]');
  await page.waitForFunction(`${rowsOf('sightings-feed')}.length === 4`);
  const plates = (await page.evaluate(`${rowsOf('sightings-feed')}.map((r) => r.getAttribute('data-plate'))`)) as string[];
  assert.deepEqual(plates, ['KT4821', 'KT4821', 'LM502', 'KT4821'], 'newest first');
  // The crop thumbnails load (a real JPEG served by the crop route).
  await page.waitForFunction(`[...document.querySelectorAll('[data-testid="plate-crop"]')].filter((i) => i.complete && i.naturalWidth > 0).length === 4`);
  await page.waitForSelector('[data-testid="live-state"][data-state="open"]');

  const r = await server.running.sv.plates.sightings.record({ cameraId: 'P-2', plate: 'NR77', grammar: 'hk', seenAt: Date.now(), confidence: 0.88, plateCropJpeg: jpeg });
  await page.waitForSelector(`[data-testid="sightings-feed"] [data-testid="sighting-row"][data-id="${r.sighting.id}"].fresh`);
  assert.equal(await page.evaluate(`${rowsOf('sightings-feed')}[0].getAttribute('data-plate')`), 'NR77');
  const text = (await page.textContent(`[data-testid="sighting-row"][data-id="${r.sighting.id}"]`)) ?? '';
  assert.match(text, /P-2/);
  assert.match(text, /88%/);
});

test('a plate search inside a case shows the path oldest first on the list, the map and the timeline', async () => {
  const page = await login();
  await page.goto(`${server.url}/#/plates?tab=search`);
  // Without a case the search is not sent.
  await page.fill('[data-testid="search-plate"]', 'KT4821');
  await page.click('[data-testid="search-run"]');
  await page.waitForSelector('[data-testid="search-error"]');
  await page.fill('[data-testid="case-ref"]', CASE);
  await page.fill('[data-testid="case-purpose"]', 'Tracing the stolen car');
  await page.click('[data-testid="search-run"]');
  await page.waitForFunction(`${rowsOf('search-results')}.length === 3`);
  const seen = (await page.evaluate(`${rowsOf('search-results')}.map((r) => Number(r.getAttribute('data-seen-at')))`)) as number[];
  assert.deepEqual(seen, [...seen].sort((a, b) => a - b), 'oldest first');
  assert.equal(await page.getAttribute('[data-testid="path-map"]', 'data-path'), 'P-3,P-1,P-4');
  assert.equal(await page.getAttribute('[data-testid="path-map"]', 'data-point-count'), '3');
  assert.equal(await page.locator('[data-testid="path-map"] .path-point').count(), 3);
  assert.equal(await page.locator('[data-testid="timeline-tick"]').count(), 3);
  assert.match((await page.textContent('[data-testid="search-summary"]')) ?? '', /3 sightings/);

  // Wildcard: both KT4821 and nothing else.
  await page.fill('[data-testid="search-plate"]', 'KT48*');
  await page.click('[data-testid="search-run"]');
  await page.waitForFunction(`/wildcard/i.test(document.querySelector('[data-testid="search-summary"]')?.textContent ?? '')`);
  assert.equal(await page.locator('[data-testid="search-results"] [data-testid="sighting-row"]').count(), 3);
});

test('hotlists: create a list, add an entry, and a CSV with a bad row reports that row and imports nothing', async () => {
  const page = await login();
  await page.goto(`${server.url}/#/plates?tab=hotlists`);
  await page.fill('[data-testid="hotlist-name"]', 'Stolen vehicles');
  await page.click('[data-testid="hotlist-create-submit"]');
  await page.waitForSelector('[data-testid="hotlist-entries"]');

  await page.fill('[data-testid="entry-plate"]', 'kt 4821');
  await page.fill('[data-testid="entry-reason"]', 'Reported stolen');
  await page.selectOption('[data-testid="entry-priority"]', 'critical');
  await page.click('[data-testid="entry-save"]');
  await page.waitForSelector('[data-testid="entry-row"][data-plate="KT4821"][data-priority="critical"]');

  // Edit its priority in place.
  await page.click('[data-testid="entry-row"][data-plate="KT4821"] [data-testid="entry-edit"]');
  await page.selectOption('[data-testid="entry-edit-form"] [data-testid="entry-priority"]', 'medium');
  await page.click('[data-testid="entry-edit-form"] [data-testid="entry-save"]');
  await page.waitForSelector('[data-testid="entry-row"][data-plate="KT4821"][data-priority="medium"]');

  const bad = path.join(dir, 'bad.csv');
  writeFileSync(bad, 'plate,reason,priority\nAB123,Unpaid fines,low\nCD456,Wanted,urgent\nEF789,Seen at robbery,high\n');
  await page.setInputFiles('[data-testid="hotlist-import-file"]', bad);
  await page.waitForSelector('[data-testid="hotlist-rejected-row"]');
  const rows = (await page.evaluate(`[...document.querySelectorAll('[data-testid="hotlist-rejected-row"]')].map((r) => r.getAttribute('data-row'))`)) as string[];
  assert.deepEqual(rows, ['3'], 'the row with the unknown priority (spreadsheet numbering)');
  assert.match((await page.textContent('[data-testid="hotlist-rejected-row"]')) ?? '', /CD456/);
  assert.equal(await page.locator('[data-testid="entry-row"]').count(), 1, 'nothing imported');

  const good = path.join(dir, 'good.csv');
  writeFileSync(good, 'plate,reason,priority\nAB123,Unpaid fines,low\nEF789,Seen at robbery,high\n');
  await page.setInputFiles('[data-testid="hotlist-import-file"]', good);
  await page.waitForFunction(`document.querySelectorAll('[data-testid="entry-row"]').length === 3`);
  assert.match((await page.textContent('[data-testid="hotlist-import-result"]')) ?? '', /2 imported/);
  const exportHref = await page.getAttribute('[data-testid="hotlist-export"]', 'href');
  assert.match(exportHref ?? '', /\/api\/plates\/hotlists\/[^/]+\/export$/);

  // Remove one entry.
  page.once('dialog', (d) => void d.accept());
  await page.click('[data-testid="entry-row"][data-plate="AB123"] [data-testid="entry-remove"]');
  await page.waitForFunction(`document.querySelectorAll('[data-testid="entry-row"]').length === 2`);

  await page.selectOption('[data-testid="language-switcher"]', 'zh-Hant');
  await page.waitForFunction(`document.querySelector('.plates-page h1')?.textContent === '車牌'`);
});

test('an administrator manages hotlists but sees neither the sightings feed nor plate search', async () => {
  const page = await (await browser.newContext({ bypassCSP: true, viewport: { width: 1400, height: 1000 }, locale: 'en-GB' })).newPage();
  page.setDefaultTimeout(30_000);
  await page.goto(`${server.url}/`);
  await page.fill('input[name="username"]', server.admin.username);
  await page.fill('input[name="password"]', server.admin.password);
  await page.click('[data-testid="login-form"] button[type="submit"]');
  await page.waitForSelector('[data-testid="current-user"]');
  await page.click('nav a[href="#/plates"]');
  await page.waitForSelector('[data-testid="hotlist-create"]');
  assert.equal(await page.locator('[data-testid="plates-tab-feed"]').count(), 0);
  assert.equal(await page.locator('[data-testid="plates-tab-search"]').count(), 0);
  assert.equal(await page.locator('nav a[href="#/interception"]').count(), 0);
});
