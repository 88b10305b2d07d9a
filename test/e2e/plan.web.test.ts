/**
 * End-to-end: the planner page in headless Chromium — load a generated instance (files), run,
 * see the sites on the map and in the table, forbid one, the recomputed plan no longer has it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { generateInstance, writeInstance } from '../../src/plan/generate';
import { prng } from '../support/prng';
import { startTestServer, type TestServer } from '../support/server';
import { ensureWebBuilt } from './build-web';

const CHROMIUM = process.env.SMARTVIEW_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let server: TestServer;
let browser: Browser;
let dir: string;

before(async () => {
  ensureWebBuilt();
  dir = mkdtempSync(path.join(os.tmpdir(), 'sv-plan-web-'));
  writeInstance(dir, generateInstance(prng(41), { demand: 800, candidates: 200, existing: 4, extentM: 3000 }), { K: 6, radius_m: 120 });
  server = await startTestServer();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const siteIds = `[...document.querySelectorAll('[data-testid="plan-site"]')].map((r) => r.getAttribute('data-id'))`;

test('the planner loads layers, runs, shows sites on the map and table, and a forbidden site is gone after the rerun', async () => {
  const page = await (await browser.newContext({ bypassCSP: true, viewport: { width: 1400, height: 1000 }, locale: 'en-GB' })).newPage();
  page.setDefaultTimeout(30_000);
  page.on('pageerror', (err) => console.error('[browser error]', err.message));
  await page.goto(`${server.url}/`);
  await page.fill('input[name="username"]', server.admin.username);
  await page.fill('input[name="password"]', server.admin.password);
  await page.click('[data-testid="login-form"] button[type="submit"]');
  await page.waitForSelector('[data-testid="current-user"]');
  await page.click('nav a[href="#/plan"]');

  await page.setInputFiles('[data-testid="plan-demand-file"]', path.join(dir, 'demand.csv'));
  await page.waitForSelector('[data-testid="plan-layer"]');
  await page.setInputFiles('[data-testid="plan-candidates-file"]', path.join(dir, 'candidates.csv'));
  await page.setInputFiles('[data-testid="plan-existing-file"]', path.join(dir, 'existing.csv'));
  await page.waitForFunction(`document.querySelector('[data-testid="plan-candidates"]').value.startsWith('id,lat,lon,cost')`);
  await page.fill('[data-testid="plan-count"]', '6');
  await page.fill('[data-testid="plan-radius"]', '120');
  await page.click('[data-testid="plan-run"]');
  await page.waitForFunction(`${siteIds}.length === 6`);
  assert.equal(await page.getAttribute('[data-testid="plan-map"]', 'data-site-count'), '6');
  assert.equal(await page.getAttribute('[data-testid="plan-map"]', 'data-demand-count'), '800');
  assert.match((await page.textContent('[data-testid="plan-solver-used"]')) ?? '', /Greedy/);
  const first = (await page.evaluate(siteIds)) as string[];

  // Forbid the best site: the plan is recomputed without it.
  const victim = first[0]!;
  await page.click(`[data-testid="plan-site"][data-id="${victim}"] [data-testid="plan-forbid"]`);
  await page.waitForFunction(`!${siteIds}.includes(${JSON.stringify(victim)}) && ${siteIds}.length === 6`);
  assert.match((await page.textContent('[data-testid="plan-forbidden"]')) ?? '', new RegExp(victim));

  // Exact solver on the same inputs: proven optimal, the forbidden site still out.
  await page.selectOption('[data-testid="plan-solver"]', 'exact');
  await page.click('[data-testid="plan-run"]');
  await page.waitForFunction(`/Exact.*optimal/.test(document.querySelector('[data-testid="plan-solver-used"]')?.textContent ?? '')`);
  assert.ok(!((await page.evaluate(siteIds)) as string[]).includes(victim));

  // A layer with a bad row: every problem is listed with its row.
  await page.fill('[data-testid="plan-candidates"]', 'id,lat,lon,cost\nX1,22.3,114.17,1\nX1,22.3,114.17,1\n');
  await page.click('[data-testid="plan-run"]');
  await page.waitForSelector('[data-testid="plan-error"]');
  assert.match((await page.textContent('[data-testid="plan-error"]')) ?? '', /candidates row 3 \(X1\): id: 'X1' is a duplicate/);

  await page.selectOption('[data-testid="language-switcher"]', 'zh-Hant');
  await page.waitForFunction(`document.querySelector('.plan-page h1')?.textContent === '攝影機選址規劃'`);
});
