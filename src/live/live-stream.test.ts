import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { silentLogger } from '../core/logger';
import { ffmpegInputArgs } from '../ingest/source';
import { DEFAULT_TOOLS, spawnFfmpeg } from '../media/ffmpeg';
import { makeTestClip } from '../../test/support/media';
import { liveOutputArgs, probeArgs } from './camera-source';
import { startsWithKeyframe } from './fmp4';
import { LiveHub } from './live-hub';
import type { LiveStreamSpec, LiveViewer } from './live-stream';

class FakeViewer implements LiveViewer {
  messages: Array<string | Buffer> = [];
  backlog = 0;
  closed: { code: number; reason: string } | null = null;
  send(d: string | Buffer) {
    this.messages.push(d);
  }
  buffered() {
    return this.backlog;
  }
  close(code: number, reason: string) {
    this.closed = { code, reason };
  }
  get texts() {
    return this.messages.filter((m): m is string => typeof m === 'string').map((m) => JSON.parse(m) as { type: string; [k: string]: unknown });
  }
  /** Binary messages after the init segment: fragments. */
  get fragments() {
    return this.messages.filter((m): m is Buffer => Buffer.isBuffer(m) && m.toString('latin1', 4, 8) === 'moof');
  }
}

async function until(cond: () => boolean, ms = 10_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('live stream (real ffmpeg, looped file source)', () => {
  let dir: string;
  let clip: string;
  let hub: LiveHub;
  const spec = (key: string, url = `file://${clip}`): LiveStreamSpec => ({
    key,
    cameraId: key,
    stream: 'main',
    transcoded: false,
    args: async () => [...ffmpegInputArgs({ url, transport: 'auto' }, { defaultTransport: 'tcp' }), ...liveOutputArgs({ fragmentMs: 500, transcode: false })],
  });

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'sv-live-'));
    clip = makeTestClip(path.join(dir, 'clip.mp4'), { seconds: 3, gopSeconds: 1, width: 320, height: 180 });
    hub = new LiveHub({ tools: DEFAULT_TOOLS, log: silentLogger(), lingerMs: 300, restartInitialDelayMs: 100, restartMaxDelayMs: 200 });
  });
  after(() => {
    hub.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('viewers share one ffmpeg; a late viewer starts at once from the GOP cache; a slow one resyncs at a keyframe; the stream stops after the last leaves', async () => {
    const a = new FakeViewer();
    const leaveA = hub.attach(spec('cam-a'), a);
    assert.equal(a.texts[0]!.type, 'status', 'told the stream is starting');
    await until(() => a.fragments.length >= 3, 10_000, 'three fragments');
    const init = a.texts.find((t) => t.type === 'init')!;
    assert.match(String(init.codec), /^avc1\.[0-9a-f]{6}$/);
    assert.equal(init.mime, `video/mp4; codecs="${String(init.codec)}"`);
    const firstBinary = a.messages.find((m) => Buffer.isBuffer(m)) as Buffer;
    assert.equal(firstBinary.toString('latin1', 4, 8), 'ftyp', 'init segment before any fragment');
    assert.ok(startsWithKeyframe(a.fragments[0]!), 'the first fragment starts with a keyframe');

    await sleep(700); // mid-GOP
    const b = new FakeViewer();
    const leaveB = hub.attach(spec('cam-a'), b);
    // Synchronously: init message, init segment and the cached GOP — no wait for the next keyframe.
    assert.equal(b.texts[0]!.type, 'init');
    assert.ok(b.fragments.length >= 1, 'GOP cache delivered on attach');
    assert.ok(startsWithKeyframe(b.fragments[0]!));
    assert.deepEqual(hub.stats().map((s) => [s.key, s.viewers]), [['cam-a', 2]], 'one stream, two viewers');

    a.backlog = 64 * 1024 * 1024; // the network cannot keep up
    const before = a.fragments.length;
    await sleep(1200);
    assert.equal(a.fragments.length, before, 'a congested viewer receives nothing more (nothing queued)');
    a.backlog = 0;
    await until(() => a.fragments.length > before, 5_000, 'resume');
    assert.ok(startsWithKeyframe(a.fragments[before]!), 'resumes at a keyframe');
    assert.ok(b.fragments.length > 4, 'the other viewer kept receiving');

    leaveA();
    leaveB();
    assert.equal(hub.stats().length, 1, 'lingers a moment');
    await until(() => hub.stats().length === 0, 3_000, 'stop after linger');
  });

  test('a viewer returning within the linger time reuses the running ffmpeg', async () => {
    const a = new FakeViewer();
    hub.attach(spec('cam-b'), a)();
    await sleep(100);
    const b = new FakeViewer();
    const leave = hub.attach(spec('cam-b'), b);
    await until(() => b.fragments.length >= 1, 10_000, 'fragments');
    assert.equal(hub.stats().length, 1);
    leave();
  });

  test('a stream joined mid-GOP whose parameters come only with a late keyframe starts after one patient probe', async () => {
    // A "camera" serving one continuous MPEG-TS (4 s GOP) over HTTP; clients join wherever it is.
    const ts = makeTestClip(path.join(dir, 'longgop.ts'), { seconds: 8, gopSeconds: 4, format: 'ts', width: 320, height: 180 });
    const producer = spawnFfmpeg(DEFAULT_TOOLS, ['-re', '-stream_loop', '-1', '-i', ts, '-c', 'copy', '-f', 'mpegts', 'pipe:1'], { stdout: 'pipe' });
    const clients = new Set<http.ServerResponse>();
    producer.stdout!.on('data', (d: Buffer) => clients.forEach((c) => c.write(d)));
    const server = http.createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'video/mp2t' });
      clients.add(res);
      req.on('close', () => clients.delete(res));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/cam.ts`;
    try {
      await sleep(1500); // mid-GOP: the next keyframe is 2.5 s away, beyond the short probe
      const probes: boolean[] = [];
      const v = new FakeViewer();
      const leave = hub.attach({ ...spec('cam-http'), args: async (patient) => (probes.push(patient), [...probeArgs(patient), ...ffmpegInputArgs({ url, transport: 'auto' }, { defaultTransport: 'tcp' }), ...liveOutputArgs({ fragmentMs: 250, transcode: false })]) }, v);
      await until(() => v.fragments.length >= 1, 20_000, 'fragments after a patient probe');
      assert.deepEqual(probes, [false, true], 'short probe failed (no dimensions), the retry probed longer');
      assert.ok(startsWithKeyframe(v.fragments[0]!));
      leave();
    } finally {
      producer.kill('SIGKILL');
      server.closeAllConnections();
      server.close();
    }
  });

  test('a source that fails is retried with back-off and the viewer is told; args that cannot be built close the viewer', async () => {
    const v = new FakeViewer();
    const leave = hub.attach(spec('cam-missing', `file://${dir}/missing.mp4`), v);
    await until(() => v.texts.some((t) => t.type === 'status' && t.state === 'reconnecting'), 5_000, 'reconnecting status');
    leave();
    const w = new FakeViewer();
    hub.attach({ ...spec('cam-bad'), args: async () => { throw new Error('no such camera'); } }, w);
    await until(() => w.closed !== null, 2_000, 'close');
    assert.equal(w.closed!.code, 4500);
    assert.match(String(w.texts.find((t) => t.type === 'error')?.message), /no such camera/);
  });
});
