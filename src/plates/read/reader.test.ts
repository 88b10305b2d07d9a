import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { DEFAULT_TOOLS } from '../../media/ffmpeg';
import { decodeImageFile } from '../../media/images';
import { SHARED_DIR, sharedSkip } from '../../../test/support/shared';
import { prng } from '../../../test/support/prng';
import { generateHkPlates } from '../synth/hk-plates';
import { PlateReader } from './reader';

const PLATES = path.join(SHARED_DIR, 'plates');
let reader: PlateReader;
let dir: string;
before(async () => {
  reader = await PlateReader.load({ threads: 1 });
  dir = mkdtempSync(path.join(os.tmpdir(), 'sv-plates-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('reads synthetic Hong Kong plates (crops and scenes, day and night)', async () => {
  const plates = await generateHkPlates(DEFAULT_TOOLS, { dir, n: 16, rand: prng(20261124) });
  let ok = 0;
  const misses: string[] = [];
  for (const p of plates) {
    const reads = await reader.readImage(await decodeImageFile(DEFAULT_TOOLS, path.join(dir, p.file)));
    if (reads[0]?.text === p.text) ok++;
    else misses.push(`${p.file} ${p.text} → ${reads[0]?.text ?? '(none)'}`);
    for (const r of reads) assert.ok(r.score > 0 && r.score <= 1 && r.box.length === 4);
  }
  assert.ok(ok >= 14, `${ok}/16 exact; misses: ${misses.join(', ')}`);
});

test('reads two-row plates (letters above the number) as one mark', async () => {
  const plates = await generateHkPlates(DEFAULT_TOOLS, { dir: path.join(dir, 'two'), n: 6, rand: prng(77), twoRowShare: 1 });
  const two = plates.filter((p) => p.twoRows);
  assert.ok(two.length >= 4, 'the generator made two-row plates');
  let ok = 0;
  for (const p of two) if ((await reader.readImage(await decodeImageFile(DEFAULT_TOOLS, path.join(dir, 'two', p.file))))[0]?.text === p.text) ok++;
  assert.ok(ok >= two.length - 1, `${ok}/${two.length} two-row plates read exactly`);
});

test('an image without a plate gives no reads', async () => {
  const grey = { width: 320, height: 240, data: new Uint8Array(320 * 240 * 3).fill(128) };
  assert.deepEqual(await reader.readImage(grey), []);
});

test('reads the CCPD full images (localise + read)', { skip: sharedSkip('plates/ccpd-samples') }, async () => {
  const gt = readFileSync(path.join(PLATES, 'ccpd-samples/GT_decoded_from_filenames.tsv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split('\t'));
  let ok = 0;
  for (const row of gt) {
    const img = await decodeImageFile(DEFAULT_TOOLS, path.join(PLATES, 'ccpd-samples/ccpd_base', row[0]!));
    const reads = await reader.readImage(img);
    if (reads[0]?.text !== row[6]) continue;
    ok++;
    // The box is where the plate is: it overlaps the ground-truth box.
    const [x1, y1, x2, y2] = row.slice(1, 5).map(Number) as [number, number, number, number];
    const b = reads[0]!.box;
    assert.ok(b[0] < x2 && b[0] + b[2] > x1 && b[1] < y2 && b[1] + b[3] > y1, `${row[0]}: box ${b} vs ${[x1, y1, x2, y2]}`);
  }
  assert.ok(ok >= 14, `${ok}/${gt.length} CCPD images read exactly`);
});

test('reads the Chinese plate crops', { skip: sharedSkip('plates/cn-plate-crops') }, async () => {
  // Every 10th crop: 100 images keeps the test short; the benchmark reads all 1,000.
  const files = readdirSync(path.join(PLATES, 'cn-plate-crops'))
    .filter((f) => f.endsWith('.jpg'))
    .sort()
    .filter((_, i) => i % 10 === 0);
  let ok = 0;
  for (const f of files) {
    const reads = await reader.readImage(await decodeImageFile(DEFAULT_TOOLS, path.join(PLATES, 'cn-plate-crops', f)));
    if (reads[0]?.text === f.slice(0, -4)) ok++;
  }
  assert.ok(ok >= 90, `${ok}/${files.length} crops read exactly`);
});
