/**
 * End-to-end: the interception view in headless Chromium. Cameras and a history of trips are
 * recorded as live plate sightings (the server's movement model learns them from plate.sighted);
 * a hotlisted plate is read, its alert leads to the interception map, which shows the ranked next
 * cameras with time windows, lists the places a response unit reaches first, and follows the
 * plate's next read live.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { plateKey } from '../../src/plates/grammar/index';
import { startTestServer, type TestServer } from '../support/server';
import { ensureWebBuilt } from './build-web';

const CHROMIUM = process.env.SMARTVIEW_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SYS = { principal: null, ip: null };
const USER = { username: 'sup', password: 'Tsing-Yi-Bridge-Lamps-9' };
const CASE = 'HKP-2026-00588';
const TARGET = 'XY9123';
// A road west to east (A → B → C → E, ~1 km apart) with a branch north at B (→ D).
const CAMS: Record<string, [number, number]> = {
  'I-A': [22.3, 114.15],
  'I-B': [22.3, 114.16],
  'I-C': [22.3, 114.17],
  'I-D': [22.31, 114.16],
  'I-E': [22.3, 114.18],
};

let server: TestServer;
let browser: Browser;
const now = Date.now();

before(async () => {
  ensureWebBuilt();
  server = await startTestServer();
  const sv = server.running.sv;
  for (const [id, [lat, lon]] of Object.entries(CAMS)) {
    await sv.cameras.create(SYS, { id, name: `Junction ${id}`, owner: 'police', location: { lat, lon, district: 'Kwai Tsing', address: '' }, source: { url: `rtsp://10.0.0.9/${id}`, transport: 'auto' }, tags: [] });
  }
  await server.createUser(USER.username, USER.password, [{ role: 'supervisor' }]);
  await sv.forensic.cases.create(SYS, { ref: CASE, purpose: 'Interception of a stolen car', authorisedUsers: [USER.username], expiresAt: now + 86_400_000 });
  const rec = (cameraId: string, plate: string, seenAt: number) => sv.plates.sightings.record({ cameraId, plate, grammar: 'hk', seenAt, confidence: 0.95 });
  // History: 30 vehicles over the last hours, 7 in 10 go A → B → C → E, the others A → B → D, ~2 min a leg.
  for (let i = 0; i < 30; i++) {
    const plate = `HV${100 + i}`;
    const t0 = now - 4 * 3_600_000 + i * 5 * 60_000;
    const route = i % 10 < 7 ? ['I-A', 'I-B', 'I-C', 'I-E'] : ['I-A', 'I-B', 'I-D'];
    for (const [k, cam] of route.entries()) await rec(cam, plate, t0 + k * 120_000 + ((i * 7) % 11) * 1000);
  }
  const list = await sv.plates.hotlists.create(SYS, { name: 'Stolen', owner: 'police' });
  await sv.plates.hotlists.addEntry(SYS, list.id, { plate: TARGET, reason: 'Stolen car', priority: 'critical' });
  const deadline = Date.now() + 10_000;
  while (sv.plates.hotlistCache.matcher.match(plateKey(TARGET), now).length === 0) {
    if (Date.now() > deadline) throw new Error('the hotlist entry did not reach the matcher');
    await new Promise((r) => setTimeout(r, 50));
  }
  // The target's trip so far: A, then B just now (a hotlist hit: an alert).
  await rec('I-A', TARGET, now - 130_000);
  await rec('I-B', TARGET, now - 10_000);
  await sv.plates.sightings.idle();
  const learned = Date.now() + 10_000;
  while (sv.predict.live.model.sightings < 30 * 3.7 + 2) {
    if (Date.now() > learned) throw new Error(`the movement model learned only ${sv.predict.live.model.sightings} sightings`);
    await new Promise((r) => setTimeout(r, 50));
  }
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  await server?.close();
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

const attrs = (sel: string, name: string) => `[...document.querySelectorAll('${sel}')].map((e) => e.getAttribute('${name}'))`;

test('a hotlist alert opens the interception map: ranked next cameras, places a response unit reaches first, updated at the next read', async () => {
  const page = await login();
  await page.click('nav a[href="#/alerts"]');
  await page.click('[data-testid="alert-intercept"]');
  await page.waitForFunction(`location.hash.startsWith('#/interception') && location.hash.includes('plate=${TARGET}')`);
  await page.fill('[data-testid="case-ref"]', CASE);
  await page.press('[data-testid="case-ref"]', 'Enter');

  // Ranked next cameras from B: C first (7 in 10), then D; E two steps ahead.
  await page.waitForSelector('[data-testid="next-camera"]');
  const next = (await page.evaluate(attrs('[data-testid="next-camera"]', 'data-camera'))) as string[];
  const ps = ((await page.evaluate(attrs('[data-testid="next-camera"]', 'data-p'))) as string[]).map(Number);
  assert.equal(next[0], 'I-C');
  assert.ok(next.includes('I-D'), `D among the next cameras: ${next.join(',')}`);
  assert.deepEqual(ps, [...ps].sort((a, b) => b - a), 'best first');
  assert.ok(ps[0]! > 0.5, `C is likely: ${ps[0]}`);
  assert.ok(((await page.evaluate(attrs('[data-testid="ahead-camera"]', 'data-camera'))) as string[]).includes('I-E'), 'E two steps ahead');
  assert.equal(await page.getAttribute('[data-testid="interception-summary"]', 'data-camera'), 'I-B');
  assert.match((await page.getAttribute('[data-testid="interception-map"]', 'data-next')) ?? '', /^I-C,/);
  assert.match((await page.textContent('[data-testid="next-camera"][data-camera="I-C"]')) ?? '', /\d\d:\d\d:\d\d–\d\d:\d\d:\d\d/);

  // A unit 200 m from C at 40 km/h gets to C (and E) before the target, not to D first.
  await page.fill('[data-testid="unit-lat"]', '22.302');
  await page.fill('[data-testid="unit-lon"]', '114.170');
  await page.fill('[data-testid="unit-speed"]', '40');
  await page.click('[data-testid="unit-set"]');
  await page.waitForSelector('[data-testid="reachable-place"]');
  const places = (await page.evaluate(attrs('[data-testid="reachable-place"]', 'data-camera'))) as string[];
  const placeP = ((await page.evaluate(attrs('[data-testid="reachable-place"]', 'data-p'))) as string[]).map(Number);
  assert.ok(places.includes('I-C') && places.includes('I-E'), `C and E within reach: ${places.join(',')}`);
  // D as the next camera (within ~2 min) is too far for the unit; later steps have later windows.
  const steps = (await page.evaluate(attrs('[data-testid="reachable-place"]', 'data-step'))) as string[];
  assert.ok(!places.some((c, i) => c === 'I-D' && steps[i] === '1'), `D is not reachable as the next camera: ${places.map((c, i) => `${c}@${steps[i]}`).join(',')}`);
  assert.deepEqual(placeP, [...placeP].sort((a, b) => b - a), 'ranked by chance');
  assert.equal(await page.getAttribute('[data-testid="interception-map"]', 'data-unit'), '22.30200,114.17000');

  // A click on the map moves the unit there.
  const box = (await page.locator('[data-testid="interception-map"] .map').boundingBox())!;
  await page.mouse.click(box.x + 30, box.y + box.height - 30);
  await page.waitForFunction(`document.querySelector('[data-testid="interception-map"]').getAttribute('data-unit') !== '22.30200,114.17000'`);

  // The target is read at C: the view follows it (next from C: E).
  await page.waitForSelector('[data-testid="live-state"][data-state="open"]');
  await server.running.sv.plates.sightings.record({ cameraId: 'I-C', plate: TARGET, grammar: 'hk', seenAt: Date.now(), confidence: 0.97 });
  await page.waitForFunction(`document.querySelector('[data-testid="interception-summary"]')?.getAttribute('data-camera') === 'I-C'`);
  await page.waitForFunction(`document.querySelector('[data-testid="next-camera"]')?.getAttribute('data-camera') === 'I-E'`);
  assert.ok(Number(await page.getAttribute('[data-testid="interception-summary"]', 'data-updates')) >= 1);

  await page.selectOption('[data-testid="language-switcher"]', 'zh-Hant');
  await page.waitForFunction(`document.querySelector('.interception-page h1')?.textContent === '截查'`);
});

test('without a case the interception asks for one; a plate with no trip is reported, not a crash', async () => {
  const page = await login();
  await page.goto(`${server.url}/#/interception?plate=${TARGET}`);
  await page.waitForSelector('.interception-page .notice.warn');
  await page.fill('[data-testid="case-ref"]', CASE);
  await page.press('[data-testid="case-ref"]', 'Enter');
  await page.waitForSelector('[data-testid="next-camera"]');
  await page.fill('[data-testid="interception-plate"]', 'ZZ1');
  await page.click('[data-testid="interception-open"]');
  await page.waitForSelector('[data-testid="interception-error"]');
  assert.match((await page.textContent('[data-testid="interception-error"]')) ?? '', /ZZ1/);
});
