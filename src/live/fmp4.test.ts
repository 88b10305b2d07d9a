import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_TOOLS, runFfmpeg, runFfprobe } from '../media/ffmpeg';
import { makeTestClip } from '../../test/support/media';
import { BoxFormatError, BoxSplitter, boxesIn, findBox } from './box';
import { Fmp4Parser, mimeFor, parseInit, type Fragment, type InitInfo } from './fmp4';

function box(type: string, payload: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt32BE(8 + payload.length);
  h.write(type, 4, 'latin1');
  return Buffer.concat([h, payload]);
}

function bigBox(type: string, payload: Buffer): Buffer {
  const h = Buffer.alloc(16);
  h.writeUInt32BE(1);
  h.write(type, 4, 'latin1');
  h.writeBigUInt64BE(BigInt(16 + payload.length), 8);
  return Buffer.concat([h, payload]);
}

/** Feeds `data` in chunks of the given sizes (cycled) and collects what comes out. */
function split(data: Buffer, sizes: number[]): Array<{ type: string; data: Buffer }> {
  const s = new BoxSplitter(1024);
  const out = [];
  for (let at = 0, i = 0; at < data.length; i++) {
    const n = sizes[i % sizes.length]!;
    out.push(...s.push(data.subarray(at, at + n)));
    at += n;
  }
  assert.equal(s.pending, 0, 'nothing left over');
  return out;
}

describe('box splitter', () => {
  const stream = Buffer.concat([box('ftyp', Buffer.from('isom')), bigBox('moov', Buffer.alloc(40, 7)), box('moof', Buffer.alloc(0)), box('mdat', Buffer.alloc(300, 1))]);

  test('yields whole boxes whatever the chunking (1 byte, odd sizes, all at once)', () => {
    for (const sizes of [[1], [3, 7, 11], [5000], [9, 1, 16, 2]]) {
      const got = split(stream, sizes);
      assert.deepEqual(got.map((b) => b.type), ['ftyp', 'moov', 'moof', 'mdat'], `chunks ${sizes}`);
      assert.deepEqual(Buffer.concat(got.map((b) => b.data)), stream);
    }
  });

  test('refuses a box larger than its limit and a box of unknown length', () => {
    assert.throws(() => new BoxSplitter(100).push(box('mdat', Buffer.alloc(200))), BoxFormatError);
    const zero = Buffer.alloc(8);
    zero.write('mdat', 4, 'latin1');
    assert.throws(() => new BoxSplitter().push(zero), /unknown length/);
    const tiny = Buffer.alloc(8);
    tiny.writeUInt32BE(3);
    tiny.write('free', 4, 'latin1');
    assert.throws(() => new BoxSplitter().push(tiny), /impossible size/);
  });

  test('walks nested boxes and refuses a child that overruns its parent', () => {
    const moov = box('moov', Buffer.concat([box('mvhd', Buffer.alloc(4)), box('trak', box('tkhd', Buffer.alloc(2)))]));
    assert.equal(findBox(moov, ['moov', 'trak', 'tkhd'])?.end, moov.length);
    assert.equal(findBox(moov, ['moov', 'mdia']), undefined);
    const broken = Buffer.from(moov);
    broken.writeUInt32BE(500, 8 + 12); // trak claims more than moov holds
    assert.throws(() => [...boxesIn(broken, 8, broken.length)], /overruns/);
  });
});

const PROFILE_IDC: Record<string, string> = { Baseline: '42', 'Constrained Baseline': '42', Main: '4d', High: '64' };

describe('fMP4 from ffmpeg', () => {
  let dir: string;
  let avc: Buffer;
  let hevc: Buffer;
  let profile: string;
  let level: number;

  const fragmented = async (input: string, out: string, extra: string[] = []) => {
    await runFfmpeg(DEFAULT_TOOLS, ['-y', '-i', input, ...extra, '-an', '-f', 'mp4', '-movflags', 'frag_keyframe+empty_moov+default_base_moof', '-frag_duration', '500000', out], { timeoutMs: 30_000 });
    return readFileSync(out);
  };

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'sv-fmp4-'));
    const clip = makeTestClip(path.join(dir, 'clip.mp4'), { seconds: 4, gopSeconds: 1, fps: 25, width: 320, height: 180 });
    const avcFile = path.join(dir, 'avc.mp4');
    avc = await fragmented(clip, avcFile, ['-c:v', 'copy']);
    const probe = JSON.parse((await runFfprobe(DEFAULT_TOOLS, ['-of', 'json', '-show_streams', avcFile])).stdout.toString()) as { streams: Array<{ profile: string; level: number }> };
    profile = probe.streams[0]!.profile;
    level = probe.streams[0]!.level;
    hevc = await fragmented(clip, path.join(dir, 'hevc.mp4'), ['-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=error:keyint=25', '-tag:v', 'hvc1']);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const parse = (data: Buffer, chunk: number) => {
    const inits: Array<{ data: Buffer; info: InitInfo }> = [];
    const frags: Fragment[] = [];
    const p = new Fmp4Parser({ init: (d, info) => inits.push({ data: d, info }), fragment: (f) => frags.push(f) });
    for (let at = 0; at < data.length; at += chunk) p.push(data.subarray(at, at + chunk));
    return { inits, frags };
  };

  test('H.264: one init with the avcC codec string, then moof+mdat fragments; keyframes start each GOP', () => {
    for (const chunk of [65_536, 1_000, 4_097]) {
      const { inits, frags } = parse(avc, chunk);
      assert.equal(inits.length, 1);
      const info = inits[0]!.info;
      assert.equal(info.kind, 'avc');
      assert.match(info.codec, /^avc1\.[0-9a-f]{6}$/);
      assert.equal(info.codec.slice(-2), level.toString(16).padStart(2, '0'), `level ${level} as ffprobe reads it`);
      assert.equal(info.codec.slice(5, 7), PROFILE_IDC[profile], `profile ${profile}`);
      assert.equal(mimeFor(info), `video/mp4; codecs="${info.codec}"`);
      assert.deepEqual([info.width, info.height], [320, 180]);
      assert.ok(info.timescale && info.timescale > 0);
      assert.ok(frags.length >= 6, `~2 fragments per second, got ${frags.length}`);
      assert.equal(frags[0]!.keyframe, true, 'the stream starts with a keyframe');
      for (const f of frags) {
        assert.equal(f.data.toString('latin1', 4, 8), 'moof');
        const seconds: number = f.decodeTime! / info.timescale!;
        assert.equal(f.keyframe, Math.abs(seconds - Math.round(seconds)) < 0.01, `keyframe flag at ${seconds}s`);
      }
      assert.equal(frags.filter((f) => f.keyframe).length, 4, 'one keyframe per second of a 4 s clip');
      assert.equal(frags.reduce((n, f) => n + f.samples, 0), 100, '4 s at 25 fps');
    }
  });

  test('H.265: recognised as HEVC with an RFC 6381 hvc1 string', () => {
    const { inits, frags } = parse(hevc, 8192);
    assert.equal(inits[0]!.info.kind, 'hevc');
    assert.match(inits[0]!.info.codec, /^hvc1\.1\.6\.L\d+\.[0-9A-F]+/);
    assert.equal(frags[0]!.keyframe, true);
  });

  test('parseInit refuses data without a moov', () => {
    assert.throws(() => parseInit(box('ftyp', Buffer.from('isom'))), /no moov/);
  });
});
