/**
 * Tamper detection on real decoded frames: ffmpeg lavfi clips with ffmpeg filters simulating each
 * kind of tampering, and — when ../shared is present — real CCTV-like footage, which must raise no
 * flag untouched and the right flag when blurred, darkened, covered or turned.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_TOOLS } from '../media/ffmpeg';
import { makeTestClip } from '../../test/support/media';
import { SHARED_DIR, sharedSkip } from '../../test/support/shared';
import { decodeFrames } from './frames';
import type { GreyFrame } from './tamper';
import { TamperDetector, type TamperFlag } from './tamper-state';

const SIZE = { width: 64, height: 36 };

/** Simulated tampering, as ffmpeg filters on the camera's picture. */
const TAMPER: Array<{ name: string; flag: TamperFlag; prefilter: string; not?: TamperFlag[] }> = [
  { name: 'defocus (boxblur)', flag: 'defocused', prefilter: 'boxblur=8:2', not: ['moved', 'dark', 'covered'] },
  { name: 'dark (eq brightness −0.9)', flag: 'dark', prefilter: 'eq=brightness=-0.9' },
  { name: 'dim (colorlevels to 10 %)', flag: 'dark', prefilter: 'colorlevels=romax=0.1:gomax=0.1:bomax=0.1' },
  { name: 'covered (grey box over the frame)', flag: 'covered', prefilter: 'drawbox=x=0:y=0:w=iw:h=ih:color=gray:t=fill', not: ['dark', 'moved', 'defocused'] },
  { name: 'turned (hflip)', flag: 'moved', prefilter: 'hflip', not: ['defocused'] },
  { name: 'turned (rotate 20°)', flag: 'moved', prefilter: 'rotate=0.35' },
];

/** Clean frames first (the reference is taken from them), then the tampered ones; flags after each. */
function feed(clean: GreyFrame[], tampered: GreyFrame[]): { flags: TamperFlag[][]; ever: Set<TamperFlag> } {
  const d = new TamperDetector();
  const flags: TamperFlag[][] = [];
  const ever = new Set<TamperFlag>();
  [...clean, ...tampered].forEach((f, i) => {
    const r = d.analyse(f, i * 1000, true);
    flags.push(r.flags);
    r.flags.forEach((x) => ever.add(x));
  });
  return { flags, ever };
}

function assertRaised(name: string, r: { flags: TamperFlag[][] }, flag: TamperFlag, not: TamperFlag[] = []): void {
  const last = r.flags.at(-1)!;
  assert.ok(last.includes(flag), `${name}: expected '${flag}' raised at the end, got [${last.join(', ')}]`);
  for (const n of not) assert.ok(!last.includes(n), `${name}: '${n}' should not be raised, got [${last.join(', ')}]`);
}

describe('tamper on ffmpeg test clips (testsrc2, 64×36 at 2 frames/s)', () => {
  let dir: string;
  let clip: string;
  let clean: GreyFrame[];

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'sv-tamper-'));
    clip = makeTestClip(path.join(dir, 'clip.mp4'), { seconds: 6, width: 320, height: 180, fps: 10, gopSeconds: 1 });
    clean = await decodeFrames(DEFAULT_TOOLS, clip, { ...SIZE, fps: '2' });
    assert.ok(clean.length >= 11, `decoded ${clean.length} frames`);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('the untouched clip raises nothing', () => {
    assert.deepEqual([...feed(clean.slice(0, 1), clean).ever], []);
  });

  for (const t of TAMPER) {
    test(`${t.name} raises ${t.flag}`, async () => {
      const frames = await decodeFrames(DEFAULT_TOOLS, clip, { ...SIZE, fps: '2', prefilter: t.prefilter });
      assertRaised(t.name, feed(clean.slice(0, 3), frames), t.flag, t.not);
    });
  }

  test('another view (testsrc instead of testsrc2, and a crop of the scene) raises moved', async () => {
    const other = await decodeFrames(DEFAULT_TOOLS, 'testsrc=size=320x180:rate=10:duration=6', { ...SIZE, fps: '2', inputArgs: ['-f', 'lavfi'] });
    assertRaised('testsrc', feed(clean.slice(0, 3), other), 'moved');
    const crop = await decodeFrames(DEFAULT_TOOLS, clip, { ...SIZE, fps: '2', prefilter: 'crop=iw/2:ih/2:iw/2:0,scale=320:180' });
    assertRaised('crop', feed(clean.slice(0, 3), crop), 'moved', ['defocused']);
  });
});

const FOOTAGE = path.join(SHARED_DIR, 'media/intel-sample-videos');
const files = sharedSkip('media/intel-sample-videos') ? [] : readdirSync(FOOTAGE).filter((f) => f.endsWith('.mp4')).sort();

describe('tamper on real footage (../shared/media/intel-sample-videos, 64×36 at 1 frame/s)', { skip: sharedSkip('media/intel-sample-videos') }, () => {
  for (const file of files) {
    const input = path.join(FOOTAGE, file);
    test(`${file}: untouched footage raises no flag over its whole length`, async () => {
      const frames = await decodeFrames(DEFAULT_TOOLS, input, { ...SIZE, fps: '1' });
      assert.ok(frames.length >= 25, `${file}: ${frames.length} frames`);
      const r = feed([], frames);
      assert.deepEqual([...r.ever], [], `${file}: flags seen ${[...r.ever].join(', ')}`);
    });

    test(`${file}: blurred, darkened, covered and turned versions raise the right flag`, async () => {
      const clean = await decodeFrames(DEFAULT_TOOLS, input, { ...SIZE, fps: '1', maxFrames: 3 });
      for (const t of TAMPER) {
        const frames = await decodeFrames(DEFAULT_TOOLS, input, { ...SIZE, fps: '1', prefilter: t.prefilter, inputArgs: ['-t', '12'] });
        assertRaised(`${file} ${t.name}`, feed(clean, frames), t.flag, t.not);
      }
    });
  }
});
