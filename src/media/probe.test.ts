import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { makeTestClip } from '../../test/support/media';
import { rtspUnavailable, startRtspServer, type RtspServer } from '../../test/support/rtsp';
import { OperationalError, UserError } from '../core/errors';
import { DEFAULT_TOOLS } from './ffmpeg';
import { probeSource } from './probe';

const dir = mkdtempSync(path.join(os.tmpdir(), 'sv-probe-'));
const PASSWORD = 'Tsim-Sha-Tsui-Pass-9';
const O = { defaultTransport: 'tcp' as const, timeoutMs: 10_000, analyzeSeconds: 3 };
let clip: string;
let srv: RtspServer | undefined;
const rtspSkip = rtspUnavailable() ?? false;

function ffmpeg(args: string[]): void {
  const r = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
}

before(async () => {
  clip = makeTestClip(path.join(dir, 'clip.mp4'), { seconds: 6, width: 320, height: 180, fps: 25, gopSeconds: 1 });
  if (!rtspSkip) srv = await startRtspServer({ mounts: [{ path: '/cam', file: clip }], auth: { user: 'viewer', password: PASSWORD } });
});
after(async () => {
  await srv?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const file = (p: string) => ({ url: `file://${p}`, transport: 'auto' as const });

test('a file: codec, profile, size, fps, keyframe spacing, audio and duration', async () => {
  const r = await probeSource(DEFAULT_TOOLS, file(clip), O);
  assert.equal(r.codec, 'h264');
  assert.ok(r.profile);
  assert.deepEqual([r.width, r.height, r.fps, r.gopSeconds, r.gopFrames, r.audio], [320, 180, 25, 1, 25, false]);
  assert.ok(r.keyframesSeen >= 3);
  assert.equal(r.durationSec, 6);
  const withAudio = path.join(dir, 'audio.mp4');
  ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=160x96:rate=10:duration=2', '-f', 'lavfi', '-i', 'sine=duration=2', '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', withAudio]);
  const a = await probeSource(DEFAULT_TOOLS, file(withAudio), O);
  assert.deepEqual([a.audio, a.audioCodec], [true, 'aac']);
});

test('unsupported codec and garbage are user errors that say what to do', async () => {
  const mjpeg = path.join(dir, 'mjpeg.mkv');
  ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=160x96:rate=10:duration=1', '-c:v', 'mjpeg', mjpeg]);
  await assert.rejects(probeSource(DEFAULT_TOOLS, file(mjpeg), O), (err: unknown) => err instanceof UserError && err.code === 'source_codec_unsupported' && err.status === 422 && /mjpeg.*H\.264/.test(err.message));
  const junk = path.join(dir, 'junk.ts');
  writeFileSync(junk, 'hello, this is not video\n'.repeat(100));
  await assert.rejects(probeSource(DEFAULT_TOOLS, file(junk), O), (err: unknown) => err instanceof UserError && err.code === 'source_invalid');
});

test('RTSP: the stream with its credentials; wrong credentials, a wrong path, a closed port, a silent host', { skip: rtspSkip, timeout: 40_000 }, async () => {
  const url = srv!.url('/cam');
  const r = await probeSource(DEFAULT_TOOLS, { url, transport: 'tcp', username: 'viewer', password: PASSWORD }, O);
  assert.deepEqual([r.codec, r.width, r.height, r.durationSec], ['h264', 320, 180, null]);
  assert.ok(r.gopSeconds !== null && Math.abs(r.gopSeconds - 1) < 0.1, `gop ${r.gopSeconds}`);

  const wrong = await probeSource(DEFAULT_TOOLS, { url, transport: 'tcp', username: 'viewer', password: 'not-' + PASSWORD }, O).then(() => null, (e: unknown) => e);
  assert.ok(wrong instanceof UserError && wrong.code === 'source_auth_failed', String(wrong));
  assert.match(wrong.message, /username and password/);
  assert.ok(!JSON.stringify({ m: wrong.message, d: wrong.details }).includes(PASSWORD), 'the password is never in the error');

  const missing = await probeSource(DEFAULT_TOOLS, { url: srv!.url('/nope'), transport: 'tcp', username: 'viewer', password: PASSWORD }, O).then(() => null, (e: unknown) => e);
  assert.ok(missing instanceof UserError && missing.code === 'source_not_found', String(missing));

  const closed = await probeSource(DEFAULT_TOOLS, { url: 'rtsp://127.0.0.1:9/x', transport: 'tcp' }, O).then(() => null, (e: unknown) => e);
  assert.ok(closed instanceof OperationalError && closed.code === 'source_unreachable', String(closed));

  const silent = net.createServer(() => undefined); // accepts, never answers
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const port = (silent.address() as net.AddressInfo).port;
  const t = Date.now();
  const hung = await probeSource(DEFAULT_TOOLS, { url: `rtsp://127.0.0.1:${port}/x`, transport: 'tcp' }, { ...O, timeoutMs: 1500 }).then(() => null, (e: unknown) => e);
  silent.close();
  assert.ok(hung instanceof OperationalError && hung.code === 'source_unreachable', String(hung));
  assert.ok(Date.now() - t < 6000, 'the timeout holds');
});
