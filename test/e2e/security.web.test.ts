/**
 * End-to-end in headless Chromium: a supervisor whose role requires a second factor is held on the
 * Account page until TOTP is set up there (key read from the page, code computed here, recovery codes
 * shown), then signs in with password and code; single sign-on through a real OpenID Provider from the
 * login page. The whole time the page runs under the server's Content-Security-Policy with no violation.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { base32Decode, totp } from '../../src/auth/totp';
import { storageRoots } from '../../src/playback/segment-file';
import { freePort, startOidcProvider, type TestOidcProvider } from '../support/idp';
import { makeTestClip } from '../support/media';
import { writeRecordings } from '../support/recordings';
import { startTestServer, type TestServer } from '../support/server';
import { ensureWebBuilt } from './build-web';

const CHROMIUM = process.env.SMARTVIEW_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'];
const T0 = Math.floor((Date.now() - 10 * 60_000) / 1000) * 1000;
const USER = { username: 'sup', password: 'Kowloon-Bay-Ferry-77' };

let server: TestServer;
let idp: TestOidcProvider;
let browser: Browser;
const cspViolations: string[] = [];

before(async () => {
  ensureWebBuilt();
  const port = await freePort();
  const redirectUri = `http://127.0.0.1:${port}/api/auth/oidc/callback`;
  idp = await startOidcProvider({ clientId: 'smartview', clientSecret: 'a-client-secret-of-some-length', redirectUri });
  server = await startTestServer({
    config: {
      server: { port },
      security: {
        totp: { requiredRoles: ['supervisor'] },
        oidc: { issuer: idp.issuer, clientId: 'smartview', clientSecret: 'a-client-secret-of-some-length', redirectUrl: redirectUri, scopes: ['openid', 'profile', 'email', 'groups'], label: 'Police SSO', groupMappings: [{ group: 'cctv-operators', role: 'operator' }] },
      },
    },
  });
  await server.createUser(USER.username, USER.password, [{ role: 'supervisor' }]);
  // A live file-source camera (MSE over WebSocket, blob: media) and a recorded one (hls.js, blob: worker) for the CSP sweep.
  const sv = server.running.sv;
  const clip = makeTestClip(path.join(server.dataDir, 'media', 'live.mp4'), { seconds: 6, gopSeconds: 1, width: 640, height: 360 });
  const SYS = { principal: null, ip: null };
  await sv.cameras.create(SYS, { id: 'csp-live', name: 'Harbour Road', owner: 'police', location: { lat: 22.28, lon: 114.17, district: 'Wan Chai', address: '' }, source: { url: `file://${clip}`, transport: 'auto' }, tags: [] });
  await sv.cameras.create(SYS, { id: 'csp-rec', name: 'Gloucester Road', owner: 'police', location: { lat: 22.281, lon: 114.171, district: 'Wan Chai', address: '' }, source: { url: 'rtsp://10.0.0.1:554/rec', transport: 'auto' }, tags: [] });
  await writeRecordings({ store: sv.store, root: storageRoots(sv.config).get('local')!, cameraId: 'csp-rec', runs: [{ startMs: T0, seconds: 8, pieceSeconds: 2 }] });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  await server?.close();
  await idp?.close();
});

async function newPage(): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1300, height: 900 }, locale: 'en-GB' })).newPage();
  page.setDefaultTimeout(30_000);
  page.on('pageerror', (err) => console.error('[browser error]', err.message));
  if (process.env.SV_E2E_DEBUG) page.on('console', (m) => console.error('[browser]', m.type(), m.text()));
  page.on('console', (msg) => {
    if (/Content Security Policy/i.test(msg.text())) cspViolations.push(msg.text());
  });
  return page;
}

async function signIn(page: Page): Promise<void> {
  await page.goto(`${server.url}/`);
  await page.fill('input[name="username"]', USER.username);
  await page.fill('input[name="password"]', USER.password);
  await page.click('[data-testid="login-form"] button[type="submit"]');
}

let key: Buffer;

test('a supervisor must enrol TOTP on the Account page before anything else', async () => {
  const page = await newPage();
  await signIn(page);
  await page.waitForSelector('[data-testid="totp-required"]');
  assert.equal(await page.locator('[data-testid="totp-status"]').textContent(), 'Not set up: signing in needs only your password.');
  await page.goto(`${server.url}/#/cameras`);
  await page.waitForSelector('[data-testid="totp-required"]'); // still held on the Account page
  await page.click('[data-testid="totp-start"]');
  const shown = (await page.locator('[data-testid="totp-secret"]').textContent())!;
  key = base32Decode(shown.replace(/\s+/g, ''));
  assert.match((await page.locator('[data-testid="totp-uri"]').getAttribute('href'))!, /^otpauth:\/\/totp\/SmartView:sup\?secret=[A-Z2-7]+&issuer=SmartView/);
  await page.fill('[data-testid="totp-code"]', totp(key, Date.now()));
  await page.click('[data-testid="totp-confirm"]');
  await page.waitForSelector('[data-testid="totp-recovery"]');
  assert.equal(await page.locator('[data-testid="totp-recovery"] li').count(), 10);
  await page.click('[data-testid="totp-done"]');
  // Enrolled: the rest of the app opens (the address still says #/cameras, so that page shows).
  await page.waitForSelector('[data-testid="totp-required"]', { state: 'detached' });
  await page.waitForFunction(() => window.location.hash === '#/cameras' && !document.querySelector('[data-testid="totp-section"]'));
  await page.click('nav a[href="#/account"]');
  await page.waitForSelector('[data-testid="totp-status"]');
  assert.equal(await page.locator('[data-testid="totp-status"]').textContent(), 'On: signing in needs a code from your authenticator app.');
  await page.click('[data-testid="logout"]');
  await page.waitForSelector('[data-testid="login-form"]');
});

test('signing in then asks for the code; a wrong code is refused, the right one lets the user in', async () => {
  const page = await newPage();
  await signIn(page);
  await page.waitForSelector('[data-testid="login-code"]');
  await page.fill('[data-testid="login-code"]', '000000');
  await page.click('[data-testid="login-form"] button[type="submit"]');
  await page.waitForSelector('[data-testid="login-error"]');
  assert.match((await page.locator('[data-testid="login-error"]').textContent())!, /That code is not right/);
  // The step used to confirm is spent: the next step's code (accepted for clock drift) signs in.
  await page.fill('[data-testid="login-code"]', totp(key, Date.now() + 30_000));
  await page.click('[data-testid="login-form"] button[type="submit"]');
  await page.waitForSelector('[data-testid="current-user"]');
  assert.match((await page.locator('[data-testid="current-user"]').textContent())!, /sup/);
});

test('single sign-on from the login page through the OpenID Provider', async () => {
  idp.signInAs({ id: 'op-77', name: 'Chan Tai Man', email: 'tm.chan@police.example', groups: ['cctv-operators'] });
  const page = await newPage();
  await page.goto(`${server.url}/`);
  const sso = page.locator('[data-testid="login-sso"]');
  assert.equal(await sso.textContent(), 'Sign in with Police SSO');
  await sso.click();
  await page.waitForSelector('[data-testid="current-user"]');
  assert.match((await page.locator('[data-testid="current-user"]').textContent())!, /Chan Tai Man|tm\.chan/);
  await page.goto(`${server.url}/#/account`);
  await page.waitForSelector('.account-page');
  assert.match((await page.locator('.account-page').textContent())!, /Signed in through single sign-on/);
});

/** Polls a page expression from here (Playwright's in-page polling evaluates strings, which the CSP forbids). */
async function until(page: Page, expr: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await page.evaluate(expr))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${expr}`);
    await page.waitForTimeout(200);
  }
}

test('the web app works under the strict CSP: every page, live video (MSE) and playback (hls.js)', async () => {
  const page = await newPage();
  await page.goto(`${server.url}/`);
  await page.fill('input[name="username"]', server.admin.username);
  await page.fill('input[name="password"]', server.admin.password);
  await page.click('[data-testid="login-form"] button[type="submit"]');
  await page.waitForSelector('[data-testid="current-user"]');
  const links = await page.locator('nav a').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
  assert.ok(links.length >= 5, links.join(' '));
  for (const href of links) {
    await page.click(`nav a[href="${href}"]`);
    await page.waitForSelector('main.content > *');
    await page.waitForTimeout(400);
  }
  await page.goto(`${server.url}/#/live?cams=csp-live&layout=1`);
  await page.fill('[data-testid="purpose"]', 'CSP check');
  await page.press('[data-testid="purpose"]', 'Enter');
  await page.waitForSelector('[data-testid="live-tile"][data-camera="csp-live"][data-state="playing"]');
  await until(page, `(document.querySelector('[data-testid="live-video"]')?.currentTime ?? 0) > 0.5`);
  const rec = '[data-testid="playback-tile"][data-camera="csp-rec"]';
  await page.goto(`${server.url}/#/playback?cams=csp-rec&from=${T0 - 30_000}&to=${T0 + 60_000}`);
  await page.fill('[data-testid="purpose"]', 'CSP check');
  await page.press('[data-testid="purpose"]', 'Enter');
  await page.waitForSelector(`${rec}[data-ready="yes"]`);
  await until(page, `(document.querySelector('${rec} video')?.currentTime ?? 0) > 0.5`);
  assert.deepEqual(cspViolations, []);
});

test('no Content-Security-Policy violation on any of these pages', () => {
  assert.deepEqual(cspViolations, []);
});
