/**
 * End-to-end (issue #12): the forensic Search page under break-glass. Without a case the page refuses to
 * search; after the investigator breaks the glass (reason stated) the page is marked as break-glass (with its
 * id), searches run without a case, and the server's audit record of the search carries the break-glass id.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import path from 'node:path';
import { seedFootage } from '../../src/evidence/evidence.fixtures';
import { startTestServer, type TestServer } from '../support/server';
import { ensureWebBuilt } from './build-web';

const CHROMIUM = process.env.SMARTVIEW_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const USER = { username: 'det-wong', password: 'Kai-Tak-Runway-Dusk-19' };
// Another investigator for playback: det-wong's break-glass (first test) would lift the case requirement.
const VIEWER = { username: 'det-lau', password: 'Lei-Yue-Mun-Tide-23' };
const T0 = Math.floor((Date.now() - 3_600_000) / 60_000) * 60_000;

let server: TestServer;
let browser: Browser;

before(async () => {
  ensureWebBuilt();
  server = await startTestServer();
  await server.running.sv.cameras.create({ principal: null, ip: null }, { id: 'bg-1', name: 'Nathan Road', owner: 'police', location: { lat: 22.31, lon: 114.17, district: 'Yau Tsim Mong', address: '' }, source: { url: 'rtsp://10.0.0.4/main', transport: 'auto' }, tags: [] });
  await server.createUser(USER.username, USER.password, [{ role: 'investigator' }]);
  await server.createUser(VIEWER.username, VIEWER.password, [{ role: 'investigator' }]);
  // A third-party camera (a private partner's) with recordings: playback of it needs a case.
  const sys = { principal: null, ip: null };
  const sv = server.running.sv;
  await sv.orgs.upsert(sys, { id: 'mall', name: 'Harbour Mall', kind: 'private_partner', policy: { liveAllowed: true, playbackAllowed: true, retentionDaysCap: null } });
  await sv.cameras.create(sys, { id: 'bg-mall', name: 'Mall entrance', owner: 'mall', location: { lat: 22.3, lon: 114.17, district: 'Yau Tsim Mong', address: '' }, source: { url: 'rtsp://10.0.0.5/main', transport: 'auto' }, tags: [] });
  await seedFootage(sv.store.db, path.join(server.dataDir, 'recordings'), 'bg-mall', T0, { count: 2, seconds: 4 });
  await sv.forensic.cases.create(sys, { ref: 'HK-BG-PLAY-1', purpose: 'Theft at the mall', authorisedUsers: [VIEWER.username], expiresAt: Date.now() + 86_400_000 });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('the Search page works without a case under an active break-glass, marked as such and audited with its id', async () => {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, locale: 'en-GB' });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on('pageerror', (err) => console.error('[browser error]', err.message));
  await page.goto(`${server.url}/`);
  await page.fill('input[name="username"]', USER.username);
  await page.fill('input[name="password"]', USER.password);
  await page.click('[data-testid="login-form"] button[type="submit"]');
  await page.click('nav a[href="#/search"]');

  await page.waitForSelector('[data-testid="search-needs-case"]');
  assert.equal(await page.isDisabled('[data-testid="search-run"]'), true, 'no case, no break-glass: no search');
  assert.equal(await page.$('[data-testid="search-break-glass"]'), null);

  await page.click('[data-testid="case-panel"] [data-testid="break-glass"]');
  await page.fill('[data-testid="break-glass-reason"]', 'Armed robbery in progress, suspect fled north');
  await page.click('[data-testid="break-glass-confirm"]');
  const notice = await page.waitForSelector('[data-testid="search-break-glass"]');
  const id = (await notice.getAttribute('data-id')) ?? '';
  assert.match(id, /^[0-9a-f-]{36}$/);
  assert.match((await notice.textContent()) ?? '', new RegExp(`^Break-glass ${id}: searching without a case until \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d`));
  assert.equal(await page.$('[data-testid="search-needs-case"]'), null);
  await page.waitForSelector('[data-testid="case-panel"] [data-testid="break-glass-active"]');

  assert.equal(await page.isDisabled('[data-testid="search-run"]'), false, 'break-glass lifts the case requirement');
  await page.click('[data-testid="search-run"]');
  // No footage is indexed: the search answers (no error, no refusal) with no results.
  await page.waitForSelector('[data-testid="results"][data-busy="no"] [data-testid="results-empty"]');
  assert.equal(await page.$('[data-testid="search-error"]'), null);

  // The server ran the search under the break-glass: its audit record (outcome ok, no case) names it.
  const audit = server.running.sv.audit;
  let rec: { outcome: string; caseRef: string | null; details: Record<string, unknown> } | undefined;
  for (let i = 0; i < 50 && !rec; i++) {
    rec = (await audit.log.query(server.running.sv.store.db, { action: 'search.tracks', limit: 20 })).items.find((r) => r.details.breakGlassId === id);
    if (!rec) await new Promise((r) => setTimeout(r, 200));
  }
  assert.ok(rec, 'a search.tracks record with the break-glass id');
  assert.equal(rec.outcome, 'ok');
  assert.equal(rec.caseRef ?? null, null);
  const denied = (await audit.log.query(server.running.sv.store.db, { action: 'search.tracks', limit: 20 })).items.filter((r) => r.outcome === 'denied');
  assert.equal(denied.length, 0, 'nothing was refused');
  await context.close();
});

test('a playback tile refused for want of a case plays once the case is entered (without re-entering the purpose)', async () => {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, locale: 'en-GB' });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on('pageerror', (err) => console.error('[browser error]', err.message));
  await page.goto(`${server.url}/`);
  await page.fill('input[name="username"]', VIEWER.username);
  await page.fill('input[name="password"]', VIEWER.password);
  await page.click('[data-testid="login-form"] button[type="submit"]');
  await page.waitForSelector('nav a[href="#/search"]');
  const tile = '[data-testid="playback-tile"][data-camera="bg-mall"]';
  await page.goto(`${server.url}/#/playback?cams=bg-mall&from=${T0 - 10_000}&to=${T0 + 8_000}`);
  await page.fill('[data-testid="purpose"]', 'Theft report from the mall');
  await page.press('[data-testid="purpose"]', 'Enter');
  const refused = await page.waitForSelector(`${tile} .video-overlay.bad`).catch(async (err: Error) => {
    throw new Error(`${err.message}; the tile shows: ${await page.textContent(tile)} (ready: ${await page.getAttribute(tile, 'data-ready')})`);
  });
  assert.match((await refused.textContent()) ?? '', /third-party/);
  assert.equal(await page.getAttribute(tile, 'data-ready'), 'no');

  await page.fill('[data-testid="case-ref"]', 'HK-BG-PLAY-1');
  await page.press('[data-testid="case-ref"]', 'Enter');
  await page.waitForSelector(`${tile}[data-ready="yes"]`);
  const views = (await server.running.sv.audit.log.query(server.running.sv.store.db, { action: 'playback.view', limit: 20 })).items;
  assert.ok(views.some((r) => r.outcome === 'denied' && r.details.reason === 'case_required'), 'the refusal is audited');
  assert.ok(views.some((r) => r.outcome === 'ok' && r.caseRef === 'HK-BG-PLAY-1'), 'the playback is audited with the case');
  await context.close();
});
