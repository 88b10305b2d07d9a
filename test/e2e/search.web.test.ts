/**
 * End-to-end: forensic search in headless Chromium (issue #7, "Done when"). Four cameras are made from one
 * stretch of real footage (../shared intel sample video: one person at a time walks up to a table) laid out
 * as each camera's recordings at other times: S-A, then S-B 80 m east a minute later, S-C 80 m further
 * another minute later, and S-D 5 km away at the time of S-B (where nobody could walk in a minute). An
 * investigator opens a case in the page, sees that the footage is not indexed and has it analysed (real
 * recorded-footage jobs: detector, tracker, indexer), searches by description (colour, area drawn on the
 * map), by example (a result, an uploaded picture; a picture with nobody in it is reported), follows the
 * grey-clad person A → B → C (S-D flagged unreachable), plays the journey and exports it as one bundle.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { keysDir } from '../../src/app/app';
import { DEFAULT_TOOLS, runFfmpeg } from '../../src/media/ffmpeg';
import { readTar } from '../../src/evidence/tar';
import { trustFrom } from '../../src/evidence/trust';
import { verifyBundle } from '../../src/evidence/verify';
import { journeyChain as serverChain } from '../../src/search/journey-export';
import { journeyAnchors, journeyChain as pageChain } from '../../web/src/features/search/journey';
import { cutFootage, recordFootage, type Footage } from '../support/footage';
import { prng } from '../support/prng';
import { startTestServer, type TestServer } from '../support/server';
import { SHARED_DIR, sharedSkip } from '../support/shared';
import { ensureWebBuilt } from './build-web';

const SKIP = sharedSkip('media/intel-sample-videos') || sharedSkip('models/detection/yolox_nano_416.onnx');
const CHROMIUM = process.env.SMARTVIEW_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SYS = { principal: null, ip: null };
const USER = { username: 'det-chan', password: 'Lion-Rock-Tunnel-Dawn-7' };
const CASE = 'HKP-2026-00777';
const SOURCE = path.join(SHARED_DIR, 'media/intel-sample-videos/one-by-one-person-detection.mp4');
const MIN = 60_000;
// Recordings start on a whole minute an hour ago, so the form's minute inputs hold them exactly.
const T0 = Math.floor((Date.now() - 3_600_000) / MIN) * MIN;
// id → [lat, lon, recording starts after T0 (s)]. 0.00078° of longitude at 22.3° N ≈ 80 m.
const CAMS: Record<string, [number, number, number]> = {
  'S-A': [22.3, 114.17, 0],
  'S-B': [22.3, 114.17078, 60],
  'S-C': [22.3, 114.17156, 120],
  'S-D': [22.345, 114.17, 60],
};

let server: TestServer;
let browser: Browser;
let footage: Footage;
let token: string;
let tmp: string;

/** 'YYYY-MM-DDTHH:MM' in Hong Kong time (UTC+8), as <input type="datetime-local"> takes it. */
const hkt = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 16);
const attrs = (sel: string, name: string) => `[...document.querySelectorAll('${sel}')].map((e) => e.getAttribute('${name}'))`;
const attrsOf = (page: Page, sel: string, name: string) => page.evaluate(attrs(sel, name)) as Promise<string[]>;

before(async () => {
  if (SKIP) return;
  ensureWebBuilt();
  tmp = mkdtempSync(path.join(os.tmpdir(), 'sv-search-e2e-'));
  // YOLOX-nano from ../shared: the default detector is several times slower on 2 cores (the run stays < 2 min).
  server = await startTestServer({
    config: { analytics: { pool: { workers: 1 }, jobs: { fps: 1 }, detector: { model: path.join(SHARED_DIR, 'models/detection/yolox_nano_416.onnx'), family: 'yolox' } } },
  });
  const sv = server.running.sv;
  // 46 s: the first person (grey top, ~6–19 s), then the second (black, ~23–44 s).
  footage = await cutFootage(SOURCE, { offsetSeconds: 0, seconds: 46, pieceSeconds: 4 });
  for (const [id, [lat, lon, delayS]] of Object.entries(CAMS)) {
    await sv.cameras.create(SYS, { id, name: `Walkway ${id}`, owner: 'police', location: { lat, lon, district: 'Central and Western', address: '' }, source: { url: `rtsp://10.0.0.9/${id}`, transport: 'auto' }, tags: [] });
    await recordFootage({ store: sv.store, root: path.join(server.dataDir, 'recordings'), cameraId: id, footage, startMs: T0 + delayS * 1000 });
  }
  await server.createUser(USER.username, USER.password, [{ role: 'investigator' }]);
  token = await server.token(USER.username);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  await server?.close();
  footage?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

async function login(): Promise<Page> {
  // bypassCSP: the page's Content-Security-Policy forbids eval, which playwright's polled string predicates use.
  const page = await (await browser.newContext({ viewport: { width: 1400, height: 1000 }, locale: 'en-GB', acceptDownloads: true, bypassCSP: true })).newPage();
  page.setDefaultTimeout(30_000);
  page.on('pageerror', (err) => console.error('[browser error]', err.message));
  await page.goto(`${server.url}/`);
  await page.fill('input[name="username"]', USER.username);
  await page.fill('input[name="password"]', USER.password);
  await page.click('[data-testid="login-form"] button[type="submit"]');
  await page.waitForSelector('[data-testid="current-user"]');
  return page;
}

/** A JPEG of one moment of the footage (for search by example). */
async function frameAt(seconds: number, name: string): Promise<string> {
  const out = path.join(tmp, name);
  await runFfmpeg(DEFAULT_TOOLS, ['-y', '-ss', String(seconds), '-i', SOURCE, '-frames:v', '1', '-q:v', '3', out], { timeoutMs: 30_000 });
  return out;
}

async function search(page: Page): Promise<void> {
  await page.click('[data-testid="search-run"]');
  await page.waitForSelector('[data-testid="results"][data-busy="no"]');
}

const results = (page: Page, name: string) => attrsOf(page, '[data-testid="results"] [data-testid="result"]', name);

test('an investigator opens a case, has the footage analysed, searches by description and by example, follows a target across three cameras and exports the journey', { skip: SKIP, timeout: 240_000 }, async () => {
  const page = await login();
  await page.click('nav a[href="#/search"]');

  // Without a case: the forms are disabled and say why.
  await page.waitForSelector('[data-testid="search-needs-case"]');
  assert.ok(await page.isDisabled('[data-testid="search-run"]'));
  assert.ok(await page.isDisabled('[data-testid="example-run"]'));

  // Open a case in the page.
  await page.fill('[data-testid="case-new-ref"]', CASE);
  await page.fill('[data-testid="case-new-purpose"]', 'Theft at the Sheung Wan walkway: tracing the suspect');
  await page.click('[data-testid="case-new-submit"]');
  await page.waitForSelector(`[data-testid="case-panel"][data-open="${CASE}"]`);
  await page.waitForSelector(`[data-testid="case-row"][data-ref="${CASE}"][data-status="open"]`);
  assert.equal(await page.locator('[data-testid="search-needs-case"]').count(), 0);

  // Nothing is indexed yet: the search finds nothing and offers to analyse the four cameras' footage.
  await page.fill('[data-testid="search-from"]', hkt(T0 - MIN));
  await page.fill('[data-testid="search-to"]', hkt(T0 + 4 * MIN));
  await search(page);
  assert.equal(await page.getAttribute('[data-testid="results"]', 'data-count'), '0');
  await page.waitForSelector('[data-testid="coverage"][data-gaps="4"]');
  assert.match((await page.textContent('[data-testid="coverage-summary"]')) ?? '', /S-A, S-B, S-C, S-D/);
  const analysisStarted = Date.now();
  await page.click('[data-testid="coverage-analyse"]');
  await page.waitForSelector('[data-testid="analysis-progress"]');
  assert.equal(await page.locator('[data-testid="analysis-job"]').count(), 4);
  await page.waitForSelector('[data-testid="coverage"][data-state="finished"]', { timeout: 150_000 });
  console.log(`on-demand analysis of 4 × 46 s of footage: ${Date.now() - analysisStarted} ms`);
  assert.deepEqual(await attrsOf(page, '[data-testid="analysis-job"]', 'data-state'), ['done', 'done', 'done', 'done']);
  assert.equal(await page.getAttribute('[data-testid="analysis-progress"]', 'data-value'), '100');
  await page.waitForSelector('[data-testid="coverage"][data-gaps="0"]');
  await server.running.sv.forensic.indexer.idle();

  // By description: everything, then a grey top, then only inside an area drawn around the walkway.
  await search(page);
  const all = await results(page, 'data-camera');
  assert.equal(all.length, 8, `two people in each of four cameras: ${all.join(',')}`);
  const started = (await results(page, 'data-started')).map(Number);
  assert.deepEqual(started, [...started].sort((a, b) => b - a), 'newest first');
  await page.waitForFunction(`[...document.querySelectorAll('[data-testid="track-crop"]')].filter((i) => i.complete && i.naturalWidth > 0).length === 8`);
  const play = (await page.getAttribute('[data-testid="result"][data-camera="S-A"] [data-testid="result-playback"]', 'href')) ?? '';
  assert.match(play, /^#\/playback\?cams=S-A&from=\d+&to=\d+$/);

  await page.selectOption('[data-testid="search-class"]', 'person');
  await page.selectOption('[data-testid="search-upper"]', ['grey']);
  await search(page);
  assert.deepEqual((await results(page, 'data-camera')).sort(), ['S-A', 'S-B', 'S-C', 'S-D']);
  assert.deepEqual([...new Set(await results(page, 'data-upper'))], ['grey']);

  // The map is fitted to the cameras: S-D (5 km north) at the top, the walkway at the bottom.
  const map = (await page.locator('[data-testid="area-map"] .map').boundingBox())!;
  await page.click('[data-testid="area-draw"]');
  await page.mouse.move(map.x + 10, map.y + map.height * 0.6);
  await page.mouse.down();
  await page.mouse.move(map.x + map.width / 2, map.y + map.height * 0.8, { steps: 5 });
  await page.mouse.move(map.x + map.width - 10, map.y + map.height - 5, { steps: 5 });
  await page.mouse.up();
  await page.waitForFunction(`document.querySelector('[data-testid="area-summary"]').getAttribute('data-bbox') !== ''`);
  assert.match((await page.textContent('[data-testid="area-summary"]')) ?? '', /3 cameras inside/);
  await search(page);
  assert.deepEqual((await results(page, 'data-camera')).sort(), ['S-A', 'S-B', 'S-C']);
  await page.click('[data-testid="area-clear"]');

  // By example, from a result: the same person at the other cameras ranks first (the track itself is left out), the other person below.
  await page.click('[data-testid="result"][data-camera="S-A"] [data-testid="result-similar"]');
  await page.waitForSelector('[data-testid="results"][data-kind="similar"][data-busy="no"]');
  const sims = (await results(page, 'data-similarity')).map(Number);
  assert.equal(sims.length, 7, `similar tracks: ${sims.join(',')}`);
  assert.deepEqual(sims, [...sims].sort((a, b) => b - a), 'ranked by similarity');
  const simCams = await results(page, 'data-camera');
  assert.deepEqual(simCams.slice(0, 3).sort(), ['S-B', 'S-C', 'S-D'], `the grey-clad person first: ${simCams.join(',')}`);
  assert.deepEqual([...new Set((await results(page, 'data-upper')).slice(0, 3))], ['grey']);
  assert.ok(sims[2]! > sims[3]!, 'the same person is more similar than the other one');
  assert.match((await page.textContent('[data-testid="results-summary"]')) ?? '', /compared \(exact ranking, model hsv/);

  // By example, from an uploaded picture of the first person.
  await page.setInputFiles('[data-testid="example-file"]', await frameAt(12, 'grey-person.jpg'));
  await page.click('[data-testid="example-run"]');
  await page.waitForFunction(`document.querySelector('[data-testid="results"]')?.getAttribute('data-kind') === 'similar' && /grey-person/.test(document.querySelector('[data-testid="results"] h2')?.textContent ?? '') && document.querySelector('[data-testid="results"]').getAttribute('data-busy') === 'no'`);
  assert.equal((await results(page, 'data-upper'))[0], 'grey', 'the uploaded person ranks the grey-clad tracks first');
  // A picture with nobody in it: the backend's answer is shown as such.
  await page.setInputFiles('[data-testid="example-file"]', await frameAt(1, 'empty-room.jpg'));
  await page.click('[data-testid="example-run"]');
  const err = await page.waitForSelector('[data-testid="search-error"][data-code="no_target_in_image"]');
  assert.match((await err.textContent()) ?? '', /No person or vehicle was found in the picture/);

  // Follow the grey-clad person from S-A.
  await search(page);
  await page.click('[data-testid="result"][data-camera="S-A"] [data-testid="result-follow"]');
  await page.waitForSelector('[data-testid="journey"][data-steps="1"][data-busy="no"]');
  await page.waitForSelector('[data-testid="proposal"]');
  // S-D is 5 km away a minute later: flagged, not hidden.
  const flagged = await attrsOf(page, '[data-testid="proposal"][data-reachable="no"]', 'data-camera');
  assert.ok(flagged.includes('S-D'), `S-D flagged unreachable: ${flagged.join(',')}`);
  assert.match((await page.textContent('[data-testid="proposal"][data-camera="S-D"] [data-testid="proposal-unreachable"]')) ?? '', /Not reachable in the time/);
  // The investigator rejects the other person at S-B and confirms the grey-clad one, then the same from S-B to S-C.
  const pick = async (camera: string) => {
    const ids = await attrsOf(page, `[data-testid="proposal"][data-camera="${camera}"][data-reachable="yes"]`, 'data-id');
    const sim = (await attrsOf(page, `[data-testid="proposal"][data-camera="${camera}"][data-reachable="yes"]`, 'data-similarity')).map(Number);
    const best = ids[sim.indexOf(Math.max(...sim))]!;
    return { best, others: ids.filter((id) => id !== best) };
  };
  const toB = await pick('S-B');
  assert.ok(toB.others.length >= 1, 'the other person at S-B is proposed too');
  await page.click(`[data-testid="proposal"][data-id="${toB.others[0]}"] [data-testid="proposal-reject"]`);
  await page.waitForSelector(`[data-testid="journey"][data-busy="no"] [data-testid="proposal"][data-camera="S-B"]`);
  assert.equal(await page.locator(`[data-testid="proposal"][data-id="${toB.others[0]}"]`).count(), 0, 'a rejected candidate is not proposed again');
  await page.click(`[data-testid="proposal"][data-id="${toB.best}"] [data-testid="proposal-confirm"]`);
  await page.waitForSelector('[data-testid="journey"][data-steps="2"][data-busy="no"]');
  const toC = await pick('S-C');
  await page.click(`[data-testid="proposal"][data-id="${toC.best}"] [data-testid="proposal-confirm"]`);
  await page.waitForSelector('[data-testid="journey"][data-steps="3"][data-busy="no"]');
  assert.equal(await page.getAttribute('[data-testid="journey"]', 'data-path'), 'S-A,S-B,S-C');
  assert.equal(await page.getAttribute('[data-testid="journey-map"]', 'data-path'), 'S-A,S-B,S-C');
  assert.equal(await page.locator('[data-testid="journey-map"] .journey-point').count(), 3);
  assert.match((await page.textContent('[data-testid="journey-steps"]')) ?? '', /1\. S-A.*HKT.*2\. S-B.*3\. S-C/s);
  const steps = (await (await fetch(`${server.url}/api/search/journeys/steps`, { headers: { authorization: `Bearer ${token}`, 'x-case-ref': CASE } })).json()) as { items: { decision: string }[] };
  assert.deepEqual(steps.items.map((s) => s.decision), ['rejected', 'confirmed', 'confirmed'], 'decisions are stored in the case');

  // Play the journey: each step's camera in turn.
  await page.click('[data-testid="journey-play"]');
  await page.waitForSelector('[data-testid="journey-player"][data-step="0"][data-camera="S-A"][data-ready="yes"]');
  await page.waitForFunction(`(document.querySelector('[data-testid="journey-video"]')?.currentTime ?? 0) > 0`);
  // At 8× the first step (~13 s of footage ± 2 s) ends by itself and the next camera takes over.
  await page.selectOption('[data-testid="journey-speed"]', '8');
  await page.waitForSelector('[data-testid="journey-player"][data-step="1"][data-camera="S-B"][data-ready="yes"]', { timeout: 30_000 });
  await page.click('[data-testid="journey-next"]');
  await page.waitForSelector('[data-testid="journey-player"][data-step="2"][data-camera="S-C"][data-ready="yes"]');
  // The player's clock is the wall-clock time of the footage on screen, in Hong Kong time.
  await page.waitForFunction(`/^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} HKT$/.test(document.querySelector('[data-testid="journey-clock"]')?.textContent ?? '')`);

  // Export the journey as one evidence bundle, with progress and the download link; the bundle verifies.
  await page.click('[data-testid="journey-export-start"]');
  await page.waitForSelector('[data-testid="journey-export-download"]', { timeout: 60_000 });
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="journey-export-download"]')]);
  const tar = path.join(tmp, download.suggestedFilename());
  await download.saveAs(tar);
  const report = await verifyBundle(tar, trustFrom({ siteKeysDir: keysDir(server.running.sv.config) }));
  assert.deepEqual(report.problems, []);
  assert.equal(report.caseRef, CASE);
  const manifest = (await readTar(tar, (name) => name.endsWith('manifest.json'))).find((e) => e.content);
  const journey = (JSON.parse(manifest!.content!.toString('utf8')) as { journey?: { steps: { cameraId: string }[] } }).journey;
  assert.deepEqual(journey?.steps.map((s) => s.cameraId), ['S-A', 'S-B', 'S-C'], 'the manifest lists the journey');

  const shot = path.join(os.tmpdir(), 'smartview-e2e-search.png');
  await page.screenshot({ path: shot, fullPage: true });
  console.log(`screenshot: ${shot}`);

  // The journey is listed with the case, to be picked up again.
  assert.match((await page.textContent(`[data-testid="case-journey"][data-id="${await page.getAttribute('[data-testid="journey-step"]', 'data-id')}"]`)) ?? '', /^S-A .*HKT \(3 sightings\)$/);

  // Closing the case (with a reason) ends searching in it.
  await page.click(`[data-testid="case-row"][data-ref="${CASE}"] [data-testid="case-close-button"]`);
  await page.fill('[data-testid="case-close-reason"]', 'Suspect identified; evidence exported');
  await page.click('[data-testid="case-close-confirm"]');
  await page.waitForSelector(`[data-testid="case-row"][data-ref="${CASE}"][data-status="closed"]`);
  await page.waitForSelector('[data-testid="search-needs-case"]');
  assert.ok(await page.isDisabled('[data-testid="search-run"]'));
  const refused = await fetch(`${server.url}/api/search/tracks`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'x-case-ref': CASE, 'content-type': 'application/json' }, body: JSON.stringify({ filter: { from: T0, to: T0 + 4 * MIN } }) });
  assert.equal(refused.status, 403, 'a closed case no longer authorises searches');

  await page.selectOption('[data-testid="language-switcher"]', 'zh-Hant');
  await page.waitForFunction(`document.querySelector('.search-page h1')?.textContent === '鑑證搜尋'`);
  await page.context().close();
});

test('the page rebuilds a journey from the decided steps exactly as the server exports it', () => {
  const rnd = prng(20261124);
  for (let round = 0; round < 200; round++) {
    const ids = Array.from({ length: 2 + Math.floor(rnd() * 8) }, (_, i) => `t${i}`);
    const steps = Array.from({ length: Math.floor(rnd() * 12) }, (_, i) => {
      const a = Math.floor(rnd() * (ids.length - 1));
      const b = a + 1 + Math.floor(rnd() * (ids.length - a - 1));
      const decision: 'confirmed' | 'rejected' = rnd() < 0.7 ? 'confirmed' : 'rejected';
      return { id: `s${i}`, caseRef: CASE, fromTrackId: ids[a]!, toTrackId: ids[b]!, decision, similarity: 0.9, plausibility: 0.8, reachable: true, decidedBy: 'x', decidedAt: i };
    });
    for (const anchor of [ids[0]!, ...journeyAnchors(steps)]) {
      const server = serverChain(anchor, steps);
      const page = pageChain(anchor, steps);
      assert.deepEqual(page.trackIds, server.trackIds, `round ${round}, anchor ${anchor}`);
      assert.deepEqual([...page.via.keys()], [...server.via.keys()]);
    }
  }
  // A confirm later rejected no longer counts; the rejection is remembered so it is not proposed again.
  const s = (from: string, to: string, decision: 'confirmed' | 'rejected', at: number) => ({ id: `${from}${to}${at}`, caseRef: CASE, fromTrackId: from, toTrackId: to, decision, similarity: null, plausibility: null, reachable: true, decidedBy: 'x', decidedAt: at });
  const chain = pageChain('a', [s('a', 'b', 'confirmed', 1), s('b', 'c', 'confirmed', 2), s('b', 'c', 'rejected', 3), s('b', 'd', 'confirmed', 4)]);
  assert.deepEqual(chain.trackIds, ['a', 'b', 'd']);
  assert.ok(chain.rejected.has('b\u0000c'));
  assert.deepEqual(journeyAnchors([s('a', 'b', 'confirmed', 1), s('b', 'c', 'confirmed', 2), s('x', 'y', 'confirmed', 3), s('p', 'q', 'rejected', 4)]), ['a', 'x']);
});
