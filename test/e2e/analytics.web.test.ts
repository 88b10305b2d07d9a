/**
 * End-to-end: analytics in headless Chromium against a real server. An alert raised through the
 * EventSink while the Alerts page is open appears live (with its snapshot) and is acknowledged and
 * annotated; a line rule drawn on the camera's picture is saved (the API has it); the API's field
 * message shows in the rule form; a recorded-footage job started in the page shows its progress
 * live to the end; and the playback timeline shows the stored event.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { testImage } from '../../src/alerts/alerts.fixtures';
import type { RuleHit } from '../../src/alerts/types';
import { writeRecordings } from '../support/recordings';
import { ruleDefinitionSchema, rulePatchSchema } from '../../src/rules/model';
import { ApiError } from '../../web/src/api/client';
import { newDraft, toDefinition, toPatch } from '../../web/src/features/analytics/draft';
import { fieldErrors } from '../../web/src/features/analytics/formErrors';
import { inSideNormal, parsePoints, VIEW_W } from '../../web/src/features/analytics/geometry';
import { RULE_KINDS, type Pt } from '../../web/src/features/analytics/types';
import { signedDistance } from '../../src/rules/geometry';
import { startTestServer, type TestServer } from '../support/server';
import { ensureWebBuilt } from './build-web';

const CHROMIUM = process.env.SMARTVIEW_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SYS = { principal: null, ip: null };
const CAM = 'hk-gate-1';
const MIN = 60_000;
// Recordings start on a whole minute an hour ago, so the job form's minute inputs cover them exactly.
const T0 = Math.floor((Date.now() - 3_600_000) / MIN) * MIN;

let server: TestServer;
let browser: Browser;
let token: string;
// Administrators may not handle alerts or run analysis (separation of duties): a supervisor does.
const SUPERVISOR = { username: 'duty-sup', password: 'Tsim-Sha-Tsui-Ferry-88' };

/** 'YYYY-MM-DDTHH:MM' in Hong Kong time (UTC+8, no daylight saving), as <input type="datetime-local"> takes it. */
const hkt = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 16);

async function api(url: string): Promise<any> {
  const res = await fetch(`${server.url}${url}`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(res.status, 200, `${url}: ${res.status}`);
  return res.json();
}

function hit(tMs: number, o: Partial<RuleHit> = {}): RuleHit {
  return { ruleId: 'r-gate', ruleName: 'Gate zone', kind: 'zone', trackId: 7, label: 'person', severity: 'high', alert: true, tMs, detail: { kind: 'zone', event: 'enter', count: 1 }, ...o } as RuleHit;
}

before(async () => {
  ensureWebBuilt();
  server = await startTestServer({ config: { analytics: { pool: { workers: 1 }, jobs: { fps: 2 } } } });
  const sv = server.running.sv;
  await sv.cameras.create(SYS, { id: CAM, name: 'Harbour gate', owner: 'police', location: { lat: 22.28, lon: 114.16, district: 'Central', address: '' }, source: { url: `rtsp://10.0.0.9/${CAM}`, transport: 'auto' }, tags: [] });
  await writeRecordings({ store: sv.store, root: path.join(server.dataDir, 'recordings'), cameraId: CAM, runs: [{ startMs: T0, seconds: 12, pieceSeconds: 4 }] });
  await server.createUser(SUPERVISOR.username, SUPERVISOR.password, [{ role: 'supervisor' }]);
  token = await server.token(SUPERVISOR.username);
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
  await page.fill('input[name="username"]', SUPERVISOR.username);
  await page.fill('input[name="password"]', SUPERVISOR.password);
  await page.click('[data-testid="login-form"] button[type="submit"]');
  await page.waitForSelector('[data-testid="current-user"]');
  return page;
}

test('an alert raised while the Alerts page is open appears live, is acknowledged and gets a note; the event is on the timeline', async () => {
  const page = await login();
  await page.click('nav a[href="#/alerts"]');
  await page.waitForSelector('[data-testid="alert-list"]', { state: 'attached' });
  await page.waitForSelector('text=No alerts match');
  await page.waitForFunction(`document.querySelector('.live')?.className.includes('live-open')`);

  const eventId = await server.running.sv.eventSink.recordRuleHit(CAM, hit(T0 + 5000), testImage());
  assert.ok(eventId, 'the sink stored the event');
  const row = page.locator('[data-testid="alert-row"]');
  await row.waitFor();
  assert.equal(await row.count(), 1);
  assert.equal(await row.getAttribute('data-severity'), 'high');
  assert.match((await row.textContent()) ?? '', /Gate zone: person.*Open/s);
  // The snapshot is the event's JPEG, really decoded by the browser.
  await page.waitForFunction(`(() => { const i = document.querySelector('[data-testid="alert-row"] img'); return i && i.complete && i.naturalWidth > 0; })()`);
  const link = await row.locator('[data-testid="alert-playback"]').getAttribute('href');
  assert.equal(link, `/#/playback?cams=${CAM}&from=${T0 + 5000 - 30_000}&to=${T0 + 5000 + 30_000}`);

  await row.locator('[data-testid="alert-ack"]').click();
  await page.waitForSelector('[data-testid="alert-row"][data-state="acknowledged"]');
  const alertId = await row.getAttribute('data-id');
  assert.equal((await api(`/api/alerts/${alertId}`)).state, 'acknowledged');
  assert.match((await row.textContent()) ?? '', /acknowledged by duty-sup/);

  await row.locator('[data-testid="alert-note-toggle"]').click();
  await row.locator('[data-testid="alert-note-text"]').fill('Guard sent to the gate');
  await row.locator('[data-testid="alert-note-save"]').click();
  await page.click('text=Notes');
  await page.waitForSelector('[data-testid="alert-notes"] >> text=Guard sent to the gate');
  assert.deepEqual((await api(`/api/alerts/${alertId}`)).notes.map((n: any) => n.text), ['Guard sent to the gate']);

  // The Events tab lists it with its snapshot; the playback timeline of that minute has its marker.
  await page.click('[data-testid="tab-events"]');
  await page.waitForSelector(`[data-testid="event-row"][data-id="${eventId}"]`);
  await page.goto(`${server.url}/#/playback?cams=${CAM}&from=${T0 - MIN}&to=${T0 + MIN}`);
  await page.waitForSelector('[data-testid="timeline-event"]');
  assert.match((await page.getAttribute('[data-testid="timeline-event"]', 'title')) ?? '', /Gate zone: person/);

  await page.selectOption('[data-testid="language-switcher"]', 'zh-Hant');
  await page.click('nav a[href="#/alerts"]');
  await page.waitForFunction(`document.querySelector('.alerts-page h1')?.textContent === '警報'`);
});

test('a line rule and a motion mask drawn on the camera picture are saved, and the API\'s message shows under the field it names', async () => {
  const page = await login();
  await page.goto(`${server.url}/#/analytics?camera=${CAM}`);
  await page.waitForSelector('[data-testid="camera-analytics"]');
  await page.waitForSelector('[data-testid="settings-form"]');

  // A zone with two points: the server refuses it and says why, next to the points.
  await page.click('[data-testid="rule-add"]');
  await page.fill('[data-testid="rule-name"]', 'Too thin');
  const svg = page.locator('[data-testid="drawing-svg"]');
  const box = (await svg.boundingBox())!;
  const at = (x: number, y: number) => ({ position: { x: box.width * x, y: box.height * y } });
  await svg.click(at(0.2, 0.2));
  await svg.click(at(0.6, 0.2));
  await page.click('[data-testid="rule-save"]');
  await page.waitForSelector('[data-testid="rule-error"]');
  assert.match((await page.textContent('.field-row:has([data-testid="points-field"]) small')) ?? '', /at least 3 points/);

  // Now a line: two clicks, in side on the right, severity high.
  await page.selectOption('[data-testid="rule-kind"]', 'line');
  await page.fill('[data-testid="rule-name"]', 'Gate line');
  await svg.click(at(0.25, 0.5));
  await svg.click(at(0.75, 0.5));
  assert.equal(await page.locator('[data-testid="vertex"]').count(), 2);
  await page.selectOption('[data-testid="rule-inside"]', 'right');
  await page.selectOption('[data-testid="rule-severity"]', 'high');
  // Keyboard: the second point moves up by one step (0.005) with the arrow key.
  await page.locator('[data-testid="vertex"]').nth(1).focus();
  await page.keyboard.press('ArrowUp');
  await page.click('[data-testid="rule-save"]');
  await page.waitForSelector('[data-testid="rule-row"]');
  assert.equal(await page.locator('[data-testid="rule-row"]').count(), 1);

  const rules = (await api(`/api/cameras/${CAM}/rules`)).items;
  assert.equal(rules.length, 1);
  const r = rules[0];
  assert.equal(r.kind, 'line');
  assert.equal(r.name, 'Gate line');
  assert.equal(r.inSide, 'right');
  assert.equal(r.severity, 'high');
  const near = (a: number, b: number) => Math.abs(a - b) < 0.02;
  assert.ok(near(r.line[0][0], 0.25) && near(r.line[0][1], 0.5) && near(r.line[1][0], 0.75) && near(r.line[1][1], 0.495), JSON.stringify(r.line));
  assert.ok(Math.abs(r.line[1][1] - (r.line[0][1] - 0.005)) < 1e-6, 'the arrow key moved the point by 0.005');
  // The saved rule is drawn on the picture with its in-side arrow.
  await page.waitForSelector(`[data-testid="overlay-shape"][data-key="rule:${r.id}"] .in-arrow`);

  // A motion mask: three clicks, then the settings are saved with it (and analytics switched on).
  await page.click('[data-testid="mask-add"]');
  for (const [x, y] of [[0.05, 0.05], [0.3, 0.05], [0.3, 0.2]]) await svg.click(at(x!, y!));
  await page.check('[data-testid="settings-enabled"]');
  await page.click('[data-testid="settings-save"]');
  await page.waitForSelector('text=Settings saved.');
  const settings = (await api(`/api/cameras/${CAM}/analytics`)).settings;
  assert.equal(settings.enabled, true);
  assert.equal(settings.masks.length, 1);
  assert.equal(settings.masks[0].length, 3);
  assert.ok(near(settings.masks[0][1][0], 0.3) && near(settings.masks[0][1][1], 0.05), JSON.stringify(settings.masks));
});

test('a job over the camera\'s recordings started in the page shows its progress live until done, with its counts', async () => {
  const page = await login();
  await page.goto(`${server.url}/#/analytics?camera=${CAM}&tab=jobs`);
  await page.waitForSelector('[data-testid="job-form"]');
  await page.fill('[data-testid="job-from"]', hkt(T0));
  await page.fill('[data-testid="job-to"]', hkt(T0 + MIN));
  await page.click('[data-testid="job-start"]');
  const row = page.locator('[data-testid="job-row"]');
  await row.waitFor();
  // Nothing reloads the list: the end state and counts arrive over the live socket.
  await page.waitForSelector('[data-testid="job-row"][data-state="done"]', { timeout: 120_000 });
  assert.equal(await row.locator('[data-testid="job-progress"]').getAttribute('data-value'), '100');
  const jobId = await row.getAttribute('data-id');
  const job = await api(`/api/analysis/jobs/${jobId}`);
  assert.equal(job.state, 'done');
  assert.match((await row.locator('[data-testid="job-counts"]').textContent()) ?? '', new RegExp(`^${job.frames} frames · ${job.tracks} tracks · ${job.events} events$`));
  assert.ok(job.frames >= 20, `12 s at 2 fps, got ${job.frames} frames`);
  assert.equal(await row.locator('[data-testid="job-events"]').getAttribute('href'), `#/alerts?tab=events&job=${jobId}`);
});

test('the rule editor\'s bodies are what the server\'s schemas accept, for every kind (drift check without a browser)', () => {
  const square: [number, number][] = [[0.1, 0.1], [0.4, 0.1], [0.4, 0.4], [0.1, 0.4]];
  for (const kind of RULE_KINDS) {
    const d = { ...newDraft(kind), name: `A ${kind}`, points: kind === 'line' ? square.slice(0, 2) : square };
    const created = ruleDefinitionSchema.safeParse(toDefinition(d));
    assert.ok(created.success, `${kind}: ${JSON.stringify(created.error?.issues)}`);
    const patched = rulePatchSchema.safeParse(toPatch(d));
    assert.ok(patched.success, `${kind} patch: ${JSON.stringify(patched.error?.issues)}`);
  }
  const count = ruleDefinitionSchema.safeParse(toDefinition({ ...newDraft('zone'), name: 'Crowd', points: square, mode: 'count', threshold: '5' }));
  assert.ok(count.success && count.data.kind === 'zone' && count.data.threshold === 5);
  assert.equal(toPatch({ ...newDraft('zone'), name: 'Z', points: square }).threshold, null, 'leaving count mode removes the threshold');
});

test('field messages are read from the API\'s validation answers; the in-side arrow points where the server counts "in"', () => {
  const e = new ApiError(400, 'validation_failed', 'Invalid request', { issues: ['body.polygon: a polygon needs at least 3 points', 'body.line.1: expected a point', 'body.name: name is required'] });
  assert.deepEqual([...fieldErrors(e)], [['polygon', 'a polygon needs at least 3 points'], ['line', '1: expected a point'], ['name', 'name is required']]);
  assert.deepEqual([...fieldErrors(new ApiError(400, 'validation_failed', "unit: 'm/s' needs the camera's ground calibration", { field: 'unit' }))], [['unit', "'m/s' needs the camera's ground calibration"]]);
  // Walking right along y = 0.5 (y down on screen): left is up, right is down.
  assert.deepEqual(inSideNormal([0.1, 0.5], [0.9, 0.5], 'left', 562.5).map(Math.round), [0, -1]);
  // A point a little along the drawn arrow is on the side the rules engine counts as in (negative = left).
  const h = VIEW_W / (16 / 9);
  for (const [a, b] of [[[0.2, 0.8], [0.7, 0.1]], [[0.9, 0.3], [0.1, 0.6]]] as [Pt, Pt][]) {
    for (const side of ['left', 'right'] as const) {
      const [nx, ny] = inSideNormal(a, b, side, h);
      const p: Pt = [(a[0] + b[0]) / 2 + (nx / VIEW_W) * 0.05, (a[1] + b[1]) / 2 + (ny / h) * 0.05];
      assert.equal(Math.sign(signedDistance(a, b, p)), side === 'left' ? -1 : 1, `${side} of ${JSON.stringify([a, b])}`);
    }
  }
  assert.deepEqual(parsePoints(' 0.1,0.2   0.3,0.4 '), [[0.1, 0.2], [0.3, 0.4]]);
  assert.equal(parsePoints('0.1,0.2 0.3'), null);
});
