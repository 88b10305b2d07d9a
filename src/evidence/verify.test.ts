import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { cpSync, createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { after, before, test } from 'node:test';
import { keysDir } from '../app/app';
import type { ActionContext } from '../core/context';
import { openEvidenceSite, principal, seedFootage, T0, type EvidenceSite } from './evidence.fixtures';
import { MANIFEST_FILE, SIGNATURE_FILE } from './manifest';
import { trustFrom } from './trust';
import { verifyBundle, type VerifyReport } from './verify';

/** One real bundle, then copies of it tampered in every way that matters. */
let site: EvidenceSite;
let tmp: string;
let bundle: string;
let siteKeys: string;
const inv = principal('inv', [{ role: 'investigator', organisations: null, districts: null }]);
const ctx: ActionContext = { principal: inv, ip: null, caseRef: 'HK-2026-7' };

async function exportRange(cameraId: string, fromMs: number, toMs: number): Promise<string> {
  const ex = await site.sv.evidence.create(ctx, { cameraIds: [cameraId], fromMs, toMs, purpose: 'verify tests' });
  await site.sv.evidence.idle();
  const v = await site.sv.evidence.get(ctx, ex.id);
  assert.equal(v.status, 'done', v.error ?? '');
  return path.join(site.dataDir, 'exports', ex.id);
}

function copy(name: string): string {
  const d = path.join(tmp, name);
  cpSync(bundle, d, { recursive: true });
  return d;
}

const siteTrust = () => trustFrom({ siteKeysDir: siteKeys });
const kinds = (r: VerifyReport) => r.problems.map((p) => p.kind);

before(async () => {
  site = await openEvidenceSite('sqlite');
  tmp = mkdtempSync(path.join(os.tmpdir(), 'sv-verify-'));
  siteKeys = keysDir(site.sv.config);
  await seedFootage(site.sv.store.db, site.storageRoot, 'cam-1', T0, { count: 4, skip: [2] });
  // A real, open case naming the exporter (the access policy's 'exports' row checks it).
  await site.sv.forensic.cases.create(ctx, { ref: 'HK-2026-7', purpose: 'verify tests', authorisedUsers: [], expiresAt: Date.now() + 86_400_000 });
  bundle = await exportRange('cam-1', T0 + 3_500, T0 + 17_300);
});
after(async () => {
  await site.cleanup();
  rmSync(tmp, { recursive: true, force: true });
});

test('the clip plays, starts at the keyframe before the requested start and lasts the range within a GOP', async () => {
  const m = JSON.parse(readFileSync(path.join(bundle, MANIFEST_FILE), 'utf8'));
  const cam = m.cameras[0];
  assert.equal(cam.actual.startMs, T0 + 3_000, 'the keyframe at or before 3.5 s');
  assert.equal(cam.actual.endMs, T0 + 17_300);
  assert.deepEqual(cam.sourceSegments.map((s: { startMs: number }) => s.startMs), [T0, T0 + 10_000]);
  assert.equal(cam.sourceSegments[1].clipOffsetMs, 7_000);
  const clip = path.join(bundle, cam.original);
  const probed = Number(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', clip], { encoding: 'utf8' }));
  const requested = (17_300 - 3_500) / 1000;
  assert.ok(probed >= requested && probed <= requested + 1, `duration ${probed} s vs requested ${requested} s (GOP 1 s)`);
  assert.equal(cam.clipDurationMs, Math.round(probed * 1000));
  const decode = spawnSync('ffmpeg', ['-v', 'error', '-i', clip, '-f', 'null', '-'], { encoding: 'utf8' });
  assert.equal(decode.status, 0);
  assert.equal(decode.stderr.trim(), '', 'decodes without a single error');
});

test('a range across a recording gap lists the gap; the clip joins across it', async () => {
  const dir = await exportRange('cam-1', T0 + 15_000, T0 + 35_000);
  const cam = JSON.parse(readFileSync(path.join(dir, MANIFEST_FILE), 'utf8')).cameras[0];
  assert.deepEqual(cam.gaps, [{ startMs: T0 + 20_000, endMs: T0 + 30_000 }]);
  assert.equal(cam.actual.startMs, T0 + 15_000);
  assert.ok(Math.abs(cam.clipDurationMs - 10_000) <= 100, `clip ${cam.clipDurationMs} ms = 5 s + 5 s of footage`);
  assert.equal((await verifyBundle(dir, siteTrust())).ok, true);
});

test('an untouched bundle verifies with the site keys, a --pubkey file, or a --fingerprint', async () => {
  const r = await verifyBundle(bundle, siteTrust());
  assert.deepEqual(r.problems, []);
  assert.equal(r.signature.valid, true);
  assert.equal(r.filesChecked, 3);
  const pem = path.join(tmp, 'site.pem');
  writeFileSync(pem, site.sv.keyring.current().publicKeyPem);
  assert.equal((await verifyBundle(bundle, trustFrom({ pubkeyFiles: [pem] }))).ok, true);
  const fp = site.sv.keyring.current().fingerprint.replace(/:/g, '').toUpperCase();
  const byFp = await verifyBundle(bundle, trustFrom({ fingerprints: [fp] }));
  assert.equal(byFp.ok, true);
  assert.match(byFp.signature.trustedBy ?? '', /fingerprint .* given by you/);
});

test('one changed byte of the clip fails verification, naming the file', async () => {
  const d = copy('byte');
  const clip = path.join(d, 'cameras/cam-1/original.mp4');
  const buf = readFileSync(clip);
  buf[buf.length >> 1]! ^= 0x01;
  writeFileSync(clip, buf);
  const r = await verifyBundle(d, siteTrust());
  assert.equal(r.ok, false);
  assert.equal(r.signature.valid, true, 'the manifest itself is intact');
  assert.deepEqual(kinds(r), ['file']);
  assert.equal(r.problems[0]!.path, 'cameras/cam-1/original.mp4');
  assert.match(r.problems[0]!.message, /SHA-256 differs: manifest [0-9a-f]{64}, file [0-9a-f]{64} — the file was changed after export/);
});

test('an edited manifest fails the signature', async () => {
  const d = copy('manifest');
  const f = path.join(d, MANIFEST_FILE);
  writeFileSync(f, readFileSync(f, 'utf8').replace('"caseRef": "HK-2026-7"', '"caseRef": "HK-2026-8"'));
  const r = await verifyBundle(d, siteTrust());
  assert.deepEqual(kinds(r), ['signature']);
  assert.match(r.problems[0]!.message, /^bad signature: manifest.json does not verify with trusted key [0-9a-f]{16}/);
});

test('a signature swapped in from another bundle of the same site fails', async () => {
  const other = await exportRange('cam-1', T0, T0 + 5_000);
  const d = copy('swap');
  cpSync(path.join(other, SIGNATURE_FILE), path.join(d, SIGNATURE_FILE));
  const r = await verifyBundle(d, siteTrust());
  assert.deepEqual(kinds(r), ['signature']);
});

test('a manifest re-signed with an unknown key fails even though the bundle carries that key', async () => {
  const d = copy('forged');
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const f = path.join(d, MANIFEST_FILE);
  const forged = Buffer.from(readFileSync(f, 'utf8').replace('verify tests', 'forged'));
  writeFileSync(f, forged);
  const { parsePublicKey } = await import('./trust');
  const k = parsePublicKey(publicKey.export({ type: 'spki', format: 'pem' }), 'attacker');
  writeFileSync(path.join(d, SIGNATURE_FILE), JSON.stringify({ algorithm: 'Ed25519', keyId: k.keyId, fingerprint: k.fingerprint, signedFile: 'manifest.json', signature: sign(null, forged, privateKey).toString('base64') }));
  writeFileSync(path.join(d, 'site-public-key.pem'), publicKey.export({ type: 'spki', format: 'pem' }));
  const r = await verifyBundle(d, siteTrust());
  assert.equal(r.ok, false);
  assert.ok(kinds(r).includes('key'));
  assert.match(r.problems.find((p) => p.kind === 'key')!.message, new RegExp(`^unknown key: the manifest is signed with key ${k.keyId}`));
  const other = path.join(tmp, 'other.pem');
  writeFileSync(other, generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }));
  const r2 = await verifyBundle(bundle, trustFrom({ pubkeyFiles: [other] }));
  assert.deepEqual(kinds(r2), ['key'], 'the genuine bundle against a key that did not sign it');
});

test('an extra file and a missing file are both reported', async () => {
  const d = copy('extra');
  writeFileSync(path.join(d, 'cameras/cam-1/notes.txt'), 'added later');
  rmSync(path.join(d, 'README.txt'));
  const r = await verifyBundle(d, siteTrust());
  assert.deepEqual(r.problems.map((p) => `${p.kind} ${p.path}`).sort(), ['extra cameras/cam-1/notes.txt', 'missing README.txt']);
});

test('the downloaded tar verifies as it is; a changed byte inside it does not', async () => {
  const id = path.basename(bundle);
  const d = await site.sv.evidence.download(ctx, id);
  const tar = path.join(tmp, `${id}.tar`);
  await pipeline(d.stream, createWriteStream(tar));
  assert.deepEqual((await verifyBundle(tar, siteTrust())).problems, []);
  const listed = execFileSync('tar', ['-tf', tar], { encoding: 'utf8' }).trim().split('\n');
  assert.deepEqual(listed.slice(0, 2), [`${id}/manifest.json`, `${id}/manifest.sig`], 'GNU tar reads it; manifest first');
  const buf = readFileSync(tar);
  buf[buf.length >> 1]! ^= 0xff; // inside the clip, the bulk of the archive
  const bad = path.join(tmp, 'bad.tar');
  writeFileSync(bad, buf);
  const r = await verifyBundle(bad, siteTrust());
  assert.deepEqual(r.problems.map((p) => `${p.kind} ${p.path}`), ['file cameras/cam-1/original.mp4']);
  writeFileSync(bad, buf.subarray(0, buf.length - 2048));
  assert.match((await verifyBundle(bad, siteTrust())).problems[0]!.message, /truncated|end-of-archive/);
  writeFileSync(path.join(tmp, 'junk.tar'), 'not a tar at all'.repeat(64));
  const junk = await verifyBundle(path.join(tmp, 'junk.tar'), siteTrust());
  assert.deepEqual(kinds(junk), ['bundle']);
});

test('openssl verifies the signature as the README says (no SmartView needed)', { skip: spawnSync('openssl', ['version']).status !== 0 && 'openssl is not installed' }, () => {
  const pem = path.join(tmp, 'key.pem');
  writeFileSync(pem, site.sv.keyring.current().publicKeyPem);
  const sig = path.join(tmp, 'sig.bin');
  const readme = readFileSync(path.join(bundle, 'README.txt'), 'utf8');
  const extract = readme.split('\n').find((l) => l.includes('base64 -d > sig.bin'))!.trim();
  const sh = spawnSync('sh', ['-c', extract], { cwd: bundle, encoding: 'utf8' });
  assert.equal(sh.status, 0, sh.stderr);
  cpSync(path.join(bundle, 'sig.bin'), sig);
  rmSync(path.join(bundle, 'sig.bin'));
  const r = spawnSync('openssl', ['pkeyutl', '-verify', '-pubin', '-inkey', pem, '-rawin', '-in', path.join(bundle, MANIFEST_FILE), '-sigfile', sig], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Signature Verified Successfully/);
});

test('after a key rotation old bundles still verify with the site keys; the new key signs new ones', async () => {
  const oldKey = site.sv.keyring.current();
  const oldPem = path.join(tmp, 'old.pem');
  writeFileSync(oldPem, oldKey.publicKeyPem);
  const fresh = site.sv.keyring.rotate();
  assert.notEqual(fresh.keyId, oldKey.keyId);
  assert.equal((await verifyBundle(bundle, siteTrust())).ok, true);
  const newer = await exportRange('cam-1', T0, T0 + 3_000);
  const r = await verifyBundle(newer, siteTrust());
  assert.equal(r.ok, true);
  assert.equal(r.signature.keyId, fresh.keyId);
  assert.deepEqual(kinds(await verifyBundle(newer, trustFrom({ pubkeyFiles: [oldPem] }))), ['key']);
});
