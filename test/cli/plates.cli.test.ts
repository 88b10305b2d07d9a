import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { DEFAULT_TOOLS } from '../../src/media/ffmpeg';
import { generateHkPlates, type SynthPlate } from '../../src/plates/synth/hk-plates';
import { prng } from '../support/prng';
import { SHARED_DIR, sharedSkip } from '../support/shared';
import { runCli } from '../support/cli';


const run = (args: string[]) => runCli(args);

interface Line {
  source: string;
  plates: { text: string; score: number; box: number[] }[];
}
const lines = (s: string): Line[] => s.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line);

let dir: string;
let plates: SynthPlate[];
before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'sv-plates-cli-'));
  plates = await generateHkPlates(DEFAULT_TOOLS, { dir: path.join(dir, 'set/sub'), n: 3, rand: prng(5) });
  const grey = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=gray:s=320x240', '-frames:v', '1', path.join(dir, 'set/empty.png')], { encoding: 'utf8' });
  assert.equal(grey.status, 0, grey.stderr);
  mkdirSync(path.join(dir, 'bad'));
  writeFileSync(path.join(dir, 'bad/broken.jpg'), 'this is not a JPEG');
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('plates read --json: one line per image, directories recursive, no plate = empty list', async () => {
  const set = path.join(dir, 'set');
  const r = await run(['plates', 'read', set, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = lines(r.stdout);
  // Natural order within each directory; source = the given path joined with the path below it.
  assert.deepEqual(
    out.map((o) => o.source),
    ['empty.png', ...plates.map((p) => `sub/${p.file}`)].map((f) => path.join(set, f)).sort(),
  );
  assert.deepEqual(out.find((o) => o.source.endsWith('empty.png'))!.plates, []);
  let ok = 0;
  for (const p of plates) {
    const line = out.find((o) => o.source.endsWith(p.file))!;
    for (const plate of line.plates) {
      assert.deepEqual(Object.keys(plate), ['text', 'score', 'box']);
      assert.equal(plate.box.length, 4);
      assert.ok(plate.score > 0 && plate.score <= 1);
      assert.match(plate.text, /^[0-9A-Z\u4e00-\u9fff]+$/, 'normalised: upper case, no separators');
    }
    const scores = line.plates.map((x) => x.score);
    assert.deepEqual(scores, [...scores].sort((a, b) => b - a), 'sorted by score');
    if (line.plates[0]?.text === p.text) ok++;
  }
  assert.ok(ok >= 2, `${ok}/3 synthetic plates read: ${r.stdout}`);
});

test('plates read: an unreadable file is named on stderr, the rest is read, exit 1', async () => {
  const good = path.join(dir, 'set/empty.png');
  const r = await run(['plates', 'read', path.join(dir, 'bad/broken.jpg'), good, path.join(dir, 'missing.jpg'), '--json']);
  assert.equal(r.code, 1, r.stderr);
  assert.deepEqual(lines(r.stdout), [{ source: good, plates: [] }]);
  assert.match(r.stderr, /broken\.jpg/);
  assert.match(r.stderr, /missing\.jpg/);
});

test('plates read on a video: one line per vehicle track with its voted read', { skip: sharedSkip('plates/ccpd-samples') }, async () => {
  // A CCPD car (plate 皖A5P237) pasted on a plain background, driving right for 3 s.
  const car = path.join(SHARED_DIR, 'plates/ccpd-samples/ccpd_base/0201101532567-91_84-128&481_405&570-420&572_124&569_112&477_408&480-0_0_29_13_26_27_31-144-81.jpg');
  const clip = path.join(dir, 'car.mp4');
  const mk = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=0x556655:s=1280x720:r=10:d=3', '-loop', '1', '-i', car,
    '-filter_complex', "[1]scale=432:696[car];[0][car]overlay=x='100+t*120':y=12:shortest=1,format=yuv420p", '-t', '3', '-c:v', 'libx264', clip], { encoding: 'utf8' });
  assert.equal(mk.status, 0, mk.stderr);
  const r = await run(['plates', 'read', clip, '--json', '--fps', '4']);
  assert.equal(r.code, 0, r.stderr);
  const out = r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { source: string; track: number; text: string; score: number; first_ms: number; last_ms: number; frame: number; box: number[] });
  assert.equal(out.length, 1, r.stdout);
  const t = out[0]!;
  assert.equal(t.source, clip);
  assert.equal(t.text, '皖A5P237');
  assert.ok(t.score > 0.5 && t.score <= 1);
  assert.ok(t.first_ms >= 0 && t.first_ms < 500 && t.last_ms >= 2000 && t.last_ms <= 3000, `${t.first_ms}–${t.last_ms}`);
  assert.ok(Number.isInteger(t.frame) && t.frame >= 1);
  // The plate sits in the lower middle of the car: x 100–660 over the clip, y about 300–350.
  assert.ok(t.box[1]! > 250 && t.box[1]! < 400, String(t.box));
});
