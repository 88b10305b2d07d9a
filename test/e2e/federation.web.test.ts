/**
 * End-to-end (Chromium): a central site with two peer sites on loopback. The Federation page lists both peers'
 * cameras marked by owner, plays a peer camera's live video relayed through the central site, and runs a
 * federated plate search with one peer stopped (marked down, partial results); the peer's own audit trail shows
 * the remote user's live view and search under the case.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { cameraInputSchema } from '../../src/cameras/camera.model';
import { SYSTEM } from '../../src/core/context';
import { TrackIndexRepository } from '../../src/search/tracks.repository';
import { freePort, Site } from '../federation/sites';
import { makeTestClip } from '../support/media';
import { ensureWebBuilt } from './build-web';

const CHROMIUM = process.env.SMARTVIEW_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const USER = { username: 'sup', password: 'Kowloon-Bay-Fed-Ferry-77' };
const CASE = 'HKP-2026-FED-9';

const central = new Site('central');
const tunnels = new Site('tunnels');
const housing = new Site('housing');
let browser: Browser;

before(async () => {
  ensureWebBuilt();
  for (const s of [central, tunnels, housing]) s.port = await freePort();
  const share = { peer: 'central', cameras: ['cam-1'], live: true, playbackHours: 24, analytics: true, roles: ['supervisor' as const] };
  for (const s of [tunnels, housing]) {
    await s.start({ peers: [central.pin()], shares: [share] });
    const sv = s.running!.sv;
    mkdirSync(path.join(s.dataDir, 'src'), { recursive: true });
    const clip = makeTestClip(path.join(s.dataDir, 'src', 'clip.mp4'), { seconds: 6, width: 320, height: 180 });
    await sv.cameras.create(SYSTEM, cameraInputSchema.parse({ id: 'cam-1', name: `${s.siteId} entrance`, owner: 'police', location: { lat: 22.3, lon: 114.17, district: 'Kowloon' }, source: { url: `file://${clip}` } }) as never);
    await sv.plates.sightings.record({ cameraId: 'cam-1', plate: 'KT4821', grammar: 'hk', seenAt: Date.now() - (s === tunnels ? 600_000 : 300_000), confidence: 0.95 });
    const at = Date.now() - 900_000;
    await new TrackIndexRepository(sv.store.db).insert({
      id: `trk-${s.siteId}`, camera_id: 'cam-1', owner: 'police', district: 'Kowloon', lat: 22.3, lon: 114.17, started_at: at, ended_at: at + 5_000, class: 'person', upper_colour: 'red', lower_colour: 'black',
      carried: 0, height_class: null, vehicle_colour: null, plate: null, direction: null, speed: null, score: 0.9, crop_path: null, embedding: null, embedding_model: null, job_id: null, track_no: 1,
    });
  }
  await central.start({ peers: [tunnels.pin(), housing.pin()], searchTimeoutMs: 1500, requestTimeoutMs: 1500 });
  const sv = central.running!.sv;
  await sv.users.create(SYSTEM, { username: USER.username, password: USER.password, grants: [{ role: 'supervisor', organisations: null, districts: null }] });
  await sv.forensic.cases.create(SYSTEM, { ref: CASE, purpose: 'Stolen vehicle', authorisedUsers: [USER.username], expiresAt: Date.now() + 86_400_000 });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  for (const s of [central, tunnels, housing]) await s.destroy();
});

test('the central site shows two peers\' cameras, plays one live through the owner, searches with a peer down; the owner audits it', async () => {
  const page = await (await browser.newContext({ viewport: { width: 1400, height: 1000 }, locale: 'en-GB' })).newPage();
  page.setDefaultTimeout(30_000);
  page.on('pageerror', (err) => console.error('[browser error]', err.message));
  await page.goto(`${central.url}/`);
  await page.fill('input[name="username"]', USER.username);
  await page.fill('input[name="password"]', USER.password);
  await page.click('[data-testid="login-form"] button[type="submit"]');
  await page.waitForSelector('[data-testid="current-user"]');
  // the Cameras page lists the remote cameras beside the local ones, badged by owner site, and marks them on the map
  await page.waitForSelector('[data-testid="remote-camera-table"] tr[data-ref="tunnels:cam-1"]');
  assert.match((await page.textContent('tr[data-ref="housing:cam-1"] [data-testid="remote-owner-badge"]')) ?? '', /site housing/);
  await page.waitForSelector('[data-testid="camera-map"][data-remote-count="2"]');
  await page.click('nav a[href="#/federation"]');
  await page.waitForSelector('[data-testid="federation-cameras"] tr[data-ref="tunnels:cam-1"]');
  await page.waitForSelector('[data-testid="federation-cameras"] tr[data-ref="housing:cam-1"]');
  assert.match((await page.textContent('tr[data-ref="housing:cam-1"]')) ?? '', /site housing/);
  await page.waitForSelector('[data-testid="federation-peers"] tr[data-site="tunnels"][data-state="ok"]');

  await page.fill('[data-testid="federation-purpose"]', 'Following a stolen vehicle');
  await page.click('tr[data-ref="tunnels:cam-1"] button');
  await page.waitForSelector('[data-testid="federation-live"][data-state="playing"]');
  const t = await page.evaluate(async () => {
    const v = document.querySelector('[data-testid="federation-live"] video') as HTMLVideoElement;
    for (let i = 0; i < 50 && v.currentTime <= 0.3; i++) await new Promise((r) => setTimeout(r, 200));
    return v.currentTime;
  });
  assert.ok(t > 0.3, `the relayed live video plays (currentTime ${t})`);

  await housing.stop();
  await page.fill('[data-testid="federation-plate"]', 'KT4821');
  await page.fill('[data-testid="federation-case"]', CASE);
  await page.click('[data-testid="federation-page"] form.row button[type="submit"]');
  await page.waitForSelector('[data-testid="federation-sites"] li[data-site="housing"][data-state="down"]');
  await page.waitForSelector('[data-testid="federation-sites"] li[data-site="tunnels"][data-state="ok"]');
  assert.equal(await page.getAttribute('[data-testid="federation-result"]', 'data-partial'), '1');
  assert.match((await page.textContent('[data-testid="federation-sightings"]')) ?? '', /tunnels:cam-1/);

  await page.fill('[data-testid="federation-track-upper"]', 'red');
  await page.click('[data-testid="federation-page"] form.row:has([data-testid="federation-track-class"]) button[type="submit"]');
  await page.waitForSelector('[data-testid="federation-track-result"] li[data-site="housing"][data-state="down"]');
  await page.waitForSelector('[data-testid="federation-tracks"] tr[data-id="tunnels:trk-tunnels"]');
  assert.equal(await page.getAttribute('[data-testid="federation-track-result"]', 'data-partial'), '1');

  const rows = await tunnels.running!.sv.store.db.selectFrom('audit_records').selectAll().where('action', 'in', ['federation.remote.live', 'federation.remote.plate.search', 'federation.remote.track.search']).execute();
  const seen = rows.map((r) => ({ action: r.action, d: JSON.parse(String(r.details)) as { remoteUser: string; remoteCase: string | null } }));
  assert.ok(seen.some((x) => x.action === 'federation.remote.live' && x.d.remoteUser === USER.username), JSON.stringify(seen));
  assert.ok(seen.some((x) => x.action === 'federation.remote.plate.search' && x.d.remoteUser === USER.username && x.d.remoteCase === CASE), JSON.stringify(seen));
  assert.ok(seen.some((x) => x.action === 'federation.remote.track.search' && x.d.remoteUser === USER.username && x.d.remoteCase === CASE), JSON.stringify(seen));
});
