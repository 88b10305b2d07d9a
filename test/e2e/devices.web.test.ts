/**
 * End-to-end in headless Chromium: the Devices page discovers the ONVIF emulator (WS-Discovery to a
 * loopback target), probes it (model, clock offset) and onboards it; the camera is then in the inventory.
 * A wrong password shows the device's refusal and onboards nothing.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startOnvifEmulator, type OnvifEmulator } from '../support/onvif-emulator';
import { startTestServer, type TestServer } from '../support/server';
import { ensureWebBuilt } from './build-web';

const CHROMIUM = process.env.SMARTVIEW_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const DEV = { user: 'onvif-web', password: 'Sai-Kung-Pier-Cam-64' };

let server: TestServer;
let browser: Browser;
let emu: OnvifEmulator;

before(async () => {
  ensureWebBuilt();
  server = await startTestServer();
  emu = await startOnvifEmulator({ username: DEV.user, password: DEV.password, mainUri: 'rtsp://127.0.0.1:8554/main', subUri: 'rtsp://127.0.0.1:8554/sub', clockOffsetMs: 30_000, serial: 'WEB-7' });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  await emu?.stop();
  await server?.close();
});

async function login(): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1400, height: 1000 }, locale: 'en-GB' })).newPage();
  page.setDefaultTimeout(30_000);
  page.on('pageerror', (err) => console.error('[browser error]', err.message));
  await page.goto(`${server.url}/`);
  await page.fill('input[name="username"]', server.admin.username);
  await page.fill('input[name="password"]', server.admin.password);
  await page.click('[data-testid="login-form"] button[type="submit"]');
  await page.waitForSelector('[data-testid="current-user"]');
  return page;
}

test('discover → probe → onboard an ONVIF device from the web app', async () => {
  const page = await login();
  await page.click('nav a[href="#/devices"]');
  await page.fill('[data-testid="devices-targets"]', `127.0.0.1:${emu.discoveryPort}`);
  await page.click('[data-testid="devices-discover"]');
  await page.waitForSelector('[data-testid="devices-use"]');
  assert.match(await page.textContent('[data-testid="devices-found"]') ?? '', /SmartView Emulator/);
  await page.click('[data-testid="devices-use"]');
  assert.equal(await page.inputValue('[data-testid="devices-xaddr"]'), emu.xaddr);
  await page.fill('[data-testid="devices-username"]', DEV.user);
  await page.fill('[data-testid="devices-password"]', 'wrong-password');
  await page.fill('[data-testid="devices-id"]', 'web-dome-1');
  await page.fill('[data-testid="devices-owner"]', 'police');
  await page.fill('[data-testid="devices-lat"]', '22.38');
  await page.fill('[data-testid="devices-lon"]', '114.27');
  await page.fill('[data-testid="devices-district"]', 'Sai Kung');
  await page.click('[data-testid="devices-onboard"]');
  assert.match(await (await page.waitForSelector('[data-testid="devices-error"]')).textContent() ?? '', /refused the credentials/);
  await assert.rejects(server.running.sv.cameras.get({ principal: null, ip: null }, 'web-dome-1'));

  await page.fill('[data-testid="devices-password"]', DEV.password);
  await page.click('[data-testid="devices-probe"]');
  await page.waitForSelector('[data-testid="devices-probe-result"]');
  assert.match(await page.textContent('[data-testid="devices-probe-result"]') ?? '', /Emulated PTZ Dome \(WEB-7\)/);
  assert.match(await page.textContent('[data-testid="devices-clock"]') ?? '', /off by (29|30|31)\.\d s \(set the device to NTP\)/);
  await page.click('[data-testid="devices-onboard"]');
  assert.match(await (await page.waitForSelector('[data-testid="devices-done"]')).textContent() ?? '', /Onboarded: web-dome-1/);
  const cam = await server.running.sv.cameras.get({ principal: null, ip: null }, 'web-dome-1');
  assert.equal(cam.source.url, 'rtsp://127.0.0.1:8554/main');
  assert.equal(cam.source.hasCredentials, true);
  assert.equal(cam.owner, 'police');
});
