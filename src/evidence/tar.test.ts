import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { after, before, test } from 'node:test';
import { readTar, readTarNumber, tarHeader, tarSize, tarStream, type TarInputFile } from './tar';

let dir: string;
const LONG = `ex-20260302-abcdef0123/cameras/${'c'.repeat(64)}/original.mp4`; // > 100 bytes: needs the ustar prefix
before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'sv-tar-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, bytes: Buffer): TarInputFile {
  const f = path.join(dir, 'src', name.replace(/\//g, '_'));
  mkdirSync(path.dirname(f), { recursive: true });
  writeFileSync(f, bytes);
  return { name, file: f, size: bytes.length, mtimeMs: Date.UTC(2026, 2, 2) };
}

test('what tarStream writes, GNU tar extracts byte for byte and readTar hashes correctly', async () => {
  const contents = [Buffer.from('{"a":1}\n'), randomBytes(512), randomBytes(70_001), Buffer.alloc(0)];
  const files = [file('ex-1/manifest.json', contents[0]!), file('ex-1/exact.bin', contents[1]!), file(LONG, contents[2]!), file('ex-1/empty', contents[3]!)];
  const tar = path.join(dir, 'a.tar');
  await pipeline(tarStream(files), createWriteStream(tar));
  assert.equal(statSync(tar).size, tarSize(files));
  const out = path.join(dir, 'x');
  mkdirSync(out);
  execFileSync('tar', ['-xf', tar, '-C', out]);
  files.forEach((f, i) => assert.deepEqual(readFileSync(path.join(out, f.name)), contents[i]));
  const entries = await readTar(tar, (name) => name.endsWith('.json'));
  assert.deepEqual(entries.map((e) => e.name), files.map((f) => f.name));
  entries.forEach((e, i) => assert.equal(e.sha256, createHash('sha256').update(contents[i]!).digest('hex')));
  assert.deepEqual(entries[0]!.content, contents[0]);
  assert.equal(entries[2]!.content, undefined, 'only what was asked for is kept in memory');
});

test('readTar reads archives made by GNU tar, long names included', async () => {
  const root = path.join(dir, 'gnu');
  const deep = path.join(root, 'b'.repeat(90), 'c'.repeat(90));
  mkdirSync(deep, { recursive: true });
  writeFileSync(path.join(deep, 'clip.mp4'), 'video');
  for (const format of ['gnu', 'pax']) {
    const tar = path.join(dir, `${format}.tar`);
    execFileSync('tar', [`--format=${format}`, '-cf', tar, '-C', root, '.']);
    const entries = await readTar(tar, () => true);
    const clip = entries.find((e) => e.name.endsWith('clip.mp4'));
    assert.equal(clip?.name, `${'b'.repeat(90)}/${'c'.repeat(90)}/clip.mp4`, format);
    assert.equal(clip?.content?.toString(), 'video');
  }
});

test('sizes past 8 GiB are written in base-256 and read back', () => {
  const size = 9 * 1024 ** 3 + 7;
  const h = tarHeader('big.bin', size, 0);
  assert.equal(h[124]! & 0x80, 0x80);
  assert.equal(readTarNumber(h, 124, 12), size);
  assert.equal(readTarNumber(tarHeader('small', 1234, 0), 124, 12), 1234);
});

test('a damaged or truncated archive is an error, not a short list', async () => {
  const files = [file('ex-2/a.bin', randomBytes(5000))];
  const tar = path.join(dir, 'b.tar');
  await pipeline(tarStream(files), createWriteStream(tar));
  const buf = readFileSync(tar);
  writeFileSync(tar, buf.subarray(0, 3000));
  await assert.rejects(readTar(tar), /truncated/);
  const bad = Buffer.from(buf);
  bad[10]! ^= 0xff;
  writeFileSync(tar, bad);
  await assert.rejects(readTar(tar), /bad header checksum/);
});
