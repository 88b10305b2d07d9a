/**
 * Live view latency in a real browser (headless Chromium, the built web app, a real server).
 *
 *   npx tsx bench/live-latency.ts [--smoke] [--seconds 30] [--joins 5] [--gop 1] [--size 640x360]
 *
 * The "camera" is an ffmpeg on loopback that generates video in real time and serves it as
 * MPEG-TS over HTTP (a supported camera source). Into every frame it burns the wall-clock time
 * at which the frame was generated: as text for people (drawtext) and as a 24-bit barcode of the
 * millisecond clock (mod 2^24) in the top-left 384×16 pixels (16×16 blocks, white = 1) for the
 * machine: `setpts=RTCTIME` stamps the frame with the real-time clock, `geq` draws the bits.
 * In the page, requestVideoFrameCallback fires for every frame composited; the frame is drawn to
 * a canvas, the barcode read back, and
 *     glass-to-glass = (performance.timeOrigin + expectedDisplayTime) − barcode time
 * i.e. generation → encode → HTTP → SmartView's ffmpeg remux → fMP4 parse → WebSocket → MSE →
 * decode → display (camera and browser share this machine's clock, so no clock offset).
 * Time to first frame: from the page opening (and from the live WebSocket's creation) to the
 * first frame callback, for the first viewer (cold: SmartView starts ffmpeg and connects to the
 * camera) and for viewers joining a running stream (warm: init + GOP cache).
 * Prints one JSON line on stdout; progress on stderr.
 */
import net from 'node:net';
import { chromium, type Page } from 'playwright-core';
import { DEFAULT_TOOLS, spawnFfmpeg } from '../src/media/ffmpeg';
import { ensureWebBuilt } from '../test/e2e/build-web';
import { startTestServer } from '../test/support/server';
import { args, finish, intArg, log, machine } from './lib/common';
import { latencyStats, round } from './lib/stats';

const a = args({ smoke: 'boolean', seconds: 'string', joins: 'string', gop: 'string', size: 'string' });
const SMOKE = a.smoke === true;
const SECONDS = intArg(a.seconds, SMOKE ? 4 : 30);
const JOINS = intArg(a.joins, SMOKE ? 2 : 5);
const GOP = Number(typeof a.gop === 'string' ? a.gop : 1);
const SIZE = typeof a.size === 'string' ? a.size : '640x360';
const FPS = 25;
if (!(GOP > 0) || !/^\d+x\d+$/.test(SIZE)) throw new Error('--gop must be > 0 seconds and --size WxH');

const BAR = "color=c=black:s=384x16:r=25,format=yuv420p,settb=AVTB,setpts=RTCTIME,geq=lum='if(mod(floor(floor(T*1000)/pow(2\\,floor(X/16)))\\,2)\\,235\\,16)':cb=128:cr=128,setpts=N/25/TB";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** Runs in the page before its scripts: records when the live socket is made and every frame's glass-to-glass delay. */
const INSTRUMENT = `
(() => {
  const W = window; W.__bench = { wsAt: null, firstFrameAt: null, lat: [], arrive: [], show: [], bad: 0 };
  const appends = [];
  const origAppend = SourceBuffer.prototype.appendBuffer;
  SourceBuffer.prototype.appendBuffer = function (data) {
    if (!this.__benched) { this.__benched = true; this.addEventListener('updateend', () => { const b = this.buffered; if (b.length) { appends.push([performance.timeOrigin + performance.now(), b.end(b.length - 1)]); if (appends.length > 4000) appends.splice(0, 2000); } }); }
    return origAppend.call(this, data);
  };
  const Orig = W.WebSocket;
  W.WebSocket = class extends Orig { constructor(u, p) { super(u, p); if (String(u).includes('/live/ws') && W.__bench.wsAt === null) W.__bench.wsAt = performance.timeOrigin + performance.now(); } };
  const canvas = document.createElement('canvas'); canvas.width = 384; canvas.height = 16;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  const watch = (v) => {
    const onFrame = (_now, meta) => {
      const shown = performance.timeOrigin + meta.expectedDisplayTime;
      if (W.__bench.firstFrameAt === null) W.__bench.firstFrameAt = shown;
      ctx.drawImage(v, 0, 0, 384, 16, 0, 0, 384, 16);
      const px = ctx.getImageData(0, 0, 384, 16).data;
      let code = 0, ok = true;
      for (let i = 0; i < 24; i++) {
        const y = px[(8 * 384 + i * 16 + 8) * 4];
        if (y > 96 && y < 160) ok = false;
        if (y >= 128) code += 2 ** i;
      }
      if (ok) {
        const mod = (x) => ((x % 16777216) + 16777216) % 16777216;
        W.__bench.lat.push(mod(Math.round(shown) - code));
        const a = appends.find((x) => x[1] > meta.mediaTime + 0.001);
        if (a) { W.__bench.arrive.push(mod(Math.round(a[0]) - code)); W.__bench.show.push(shown - a[0]); }
      } else W.__bench.bad++;
      v.requestVideoFrameCallback(onFrame);
    };
    v.requestVideoFrameCallback(onFrame);
  };
  const poll = setInterval(() => { const v = document.querySelector('[data-testid="live-video"]'); if (v) { clearInterval(poll); watch(v); } }, 5);
})();`;

interface Bench { wsAt: number | null; firstFrameAt: number | null; lat: number[]; arrive: number[]; show: number[]; bad: number }
const bench = (p: Page) => p.evaluate('window.__bench') as Promise<Bench>;

async function openViewer(page: Page, url: string): Promise<{ fromOpen: number; fromSocket: number }> {
  const opened = Date.now();
  await page.goto(url);
  await page.waitForFunction('window.__bench && window.__bench.firstFrameAt !== null', undefined, { timeout: 30_000 });
  const b = await bench(page);
  return { fromOpen: b.firstFrameAt! - opened, fromSocket: b.firstFrameAt! - b.wsAt! };
}

async function main(): Promise<void> {
  ensureWebBuilt();
  const srv = await startTestServer();
  const port = await freePort();
  const [w, h] = SIZE.split('x');
  const cameraArgs = [
    // ONE lavfi input holding the whole source graph: with two inputs, ffmpeg 5.1 reads each on a
    // thread that runs up to 8 frames ahead of -re, stamping frames ~0.3 s before they leave.
    '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', `testsrc2=size=${w}x${h}:rate=${FPS}[src];${BAR}[bar];[src][bar]overlay=0:0,drawtext=text='%{localtime\\:%T}':x=10:y=24:fontsize=24:fontcolor=white:box=1:boxcolor=black[out0]`,
    '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p',
    '-g', String(Math.round(GOP * FPS)), '-keyint_min', String(Math.round(GOP * FPS)), '-sc_threshold', '0', '-bf', '0',
    '-flush_packets', '1', '-muxdelay', '0', '-f', 'mpegts', '-listen', '1', `http://127.0.0.1:${port}/camera.ts`,
  ];
  const camera = spawnFfmpeg(DEFAULT_TOOLS, cameraArgs, { log: undefined });
  let cameraErr = '';
  camera.stderr?.on('data', (d: string) => (cameraErr += d));
  const browser = await chromium.launch({ executablePath: process.env.SMARTVIEW_CHROMIUM ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--autoplay-policy=no-user-gesture-required', '--disable-background-timer-throttling'] });
  try {
    await new Promise((r) => setTimeout(r, 1000)); // the camera's HTTP server opens
    if (camera.exitCode !== null) throw new Error(`camera ffmpeg exited: ${cameraErr}`);
    const token = await srv.token('admin');
    const res = await fetch(`${srv.url}/api/cameras`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'bench-cam', name: 'Bench camera', owner: 'police', location: { lat: 22.3, lon: 114.17, district: 'Yau Tsim Mong' }, source: { url: `http://127.0.0.1:${port}/camera.ts` } }),
    });
    if (res.status !== 201) throw new Error(`creating the camera: ${res.status} ${await res.text()}`);
    const context = await browser.newContext({ viewport: { width: 1000, height: 800 } });
    await context.addInitScript({ content: INSTRUMENT });
    const login = await context.newPage();
    await login.goto(`${srv.url}/`);
    await login.fill('input[name="username"]', srv.admin.username);
    await login.fill('input[name="password"]', srv.admin.password);
    await login.click('[data-testid="login-form"] button[type="submit"]');
    await login.waitForSelector('[data-testid="current-user"]');
    await login.close();
    const liveUrl = `${srv.url}/#/live?cams=bench-cam&layout=1`;

    log(`camera ${SIZE} @ ${FPS} fps, GOP ${GOP} s; first viewer (cold start)`);
    const main = await context.newPage();
    const cold = await openViewer(main, liveUrl);
    log(`cold: first frame ${round(cold.fromOpen)} ms after opening the page, ${round(cold.fromSocket)} ms after the socket`);

    const warm: Array<{ fromOpen: number; fromSocket: number }> = [];
    for (let i = 0; i < JOINS; i++) {
      await new Promise((r) => setTimeout(r, 300 + Math.random() * GOP * 1000)); // join at a random point of the GOP
      const p = await context.newPage();
      warm.push(await openViewer(p, liveUrl));
      await p.close();
      log(`warm join ${i + 1}: ${round(warm[i]!.fromOpen)} ms / ${round(warm[i]!.fromSocket)} ms`);
    }

    const b0 = await bench(main);
    const [before, beforeArrive] = [b0.lat.length, b0.arrive.length];
    log(`glass-to-glass for ${SECONDS} s …`);
    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    const b = await bench(main);
    const lat = b.lat.slice(before);
    if (lat.length < SECONDS * 5) throw new Error(`too few readable frames (${lat.length}, unreadable ${b.bad}): is the barcode intact?`);
    const g2g = latencyStats(lat);
    const result = {
      bench: 'live-latency',
      smoke: SMOKE,
      camera: { size: SIZE, fps: FPS, gopSeconds: GOP, codec: 'h264 ultrafast zerolatency', transport: 'MPEG-TS over HTTP (loopback)' },
      ttffColdMs: { fromOpen: round(cold.fromOpen), fromSocket: round(cold.fromSocket) },
      ttffWarmMs: { fromOpen: latencyStats(warm.map((x) => x.fromOpen)), fromSocket: latencyStats(warm.map((x) => x.fromSocket)) },
      targetTtffMs: GOP * 1000 + 500,
      glassToGlassMs: g2g,
      /** generation → appended to the SourceBuffer (camera encode, HTTP, SmartView remux + fragmenting, WebSocket) */
      arrivalMs: latencyStats(b.arrive.slice(beforeArrive)),
      /** appended → shown (the player's latency margin + decode + compositing) */
      playerMs: latencyStats(b.show.slice(beforeArrive)),
      targetGlassToGlassMs: 1500,
      framesMeasured: lat.length,
      framesUnreadable: b.bad,
      liveStreams: srv.running.sv.liveHub.stats(),
      machine: machine(),
    };
    log(`glass-to-glass p50 ${g2g.p50} ms, p95 ${g2g.p95} ms over ${lat.length} frames (arrival p50 ${result.arrivalMs.p50} ms + player p50 ${result.playerMs.p50} ms)`);
    finish(result);
  } finally {
    await browser.close();
    camera.kill('SIGKILL');
    await srv.close();
  }
}

await main();
