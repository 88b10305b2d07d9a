import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { interval, manifestBytes, MANIFEST_FORMAT, METHOD_TEXT, type Artefact, type Manifest } from './manifest';
import { parsePublicKey, trustFrom } from './trust';
import { verifyBundle } from './verify';

/**
 * The manifest's shape for what comes later: a derived copy (masked, redacted) is its own
 * artefact, listed and signed like the original, naming the original it derives from.
 * Synthetic bundles (no ffmpeg) signed with a throw-away key.
 */
let dir: string;
let pem: string;
const keys = generateKeyPairSync('ed25519');
const key = parsePublicKey(keys.publicKey.export({ type: 'spki', format: 'pem' }), 'test key');

before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'sv-manifest-'));
  pem = path.join(dir, 'key.pem');
  writeFileSync(pem, keys.publicKey.export({ type: 'spki', format: 'pem' }));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function writeBundle(name: string, edit: (m: Manifest) => void = () => undefined): string {
  const root = path.join(dir, name);
  const original = randomBytes(4000);
  const masked = randomBytes(3000);
  const files: Record<string, Buffer> = { 'cameras/cam-1/original.mp4': original, 'cameras/cam-1/derived/masked.mp4': masked };
  for (const [rel, b] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), b);
  }
  const art = (p: string, b: Buffer, kind: Artefact['kind']): Artefact => ({
    path: p, kind, cameraId: 'cam-1', mediaType: 'video/mp4', sha256: sha(b), bytes: b.length,
    derivedFrom: kind === 'derived' ? { exportId: 'ex-1', path: 'cameras/cam-1/original.mp4', sha256: sha(original) } : null,
    transform: kind === 'derived' ? { type: 'mask', regions: [{ x: 0.1, y: 0.1, w: 0.2, h: 0.2 }], tool: 'test' } : null,
  });
  const m: Manifest = {
    format: MANIFEST_FORMAT, exportId: 'ex-1', site: { id: 'site-1', name: 'Test' }, createdAt: 0, createdAtIso: new Date(0).toISOString(),
    software: { name: 'SmartView', version: 'test', ffmpeg: 'none' }, exporter: { userId: 'u', username: 'u', displayName: 'U' },
    caseRef: 'HK-1', purpose: 'test', requested: interval(0, 1000), method: METHOD_TEXT,
    cameras: [{
      cameraId: 'cam-1', name: 'Cam', owner: 'police', district: 'Central', original: 'cameras/cam-1/original.mp4', requested: interval(0, 1000), actual: interval(0, 1000),
      clipDurationMs: 1000, cut: { start: 'keyframe', end: 'frame', reencoded: false, note: '' }, gaps: [], video: { codec: 'h264', width: 1, height: 1 }, sourceSegments: [], skippedSegments: [],
    }],
    artefacts: [art('cameras/cam-1/original.mp4', original, 'original'), art('cameras/cam-1/derived/masked.mp4', masked, 'derived')],
    files: Object.entries(files).map(([p, b]) => ({ path: p, sha256: sha(b), bytes: b.length })),
  };
  edit(m);
  const bytes = manifestBytes(m);
  writeFileSync(path.join(root, 'manifest.json'), bytes);
  writeFileSync(path.join(root, 'manifest.sig'), JSON.stringify({ algorithm: 'Ed25519', keyId: key.keyId, fingerprint: key.fingerprint, signedFile: 'manifest.json', signature: sign(null, bytes, keys.privateKey).toString('base64') }));
  return root;
}

test('a derived artefact naming its original verifies, and is covered by the signature', async () => {
  const r = await verifyBundle(writeBundle('derived'), trustFrom({ pubkeyFiles: [pem] }));
  assert.deepEqual(r.problems, []);
  assert.equal(r.filesChecked, 2);
});

test('a derived artefact whose derivedFrom does not match an original of the bundle is reported', async () => {
  const r = await verifyBundle(writeBundle('bad-derived', (m) => (m.artefacts[1]!.derivedFrom!.sha256 = '0'.repeat(64))), trustFrom({ pubkeyFiles: [pem] }));
  assert.deepEqual(r.problems.map((p) => p.kind), ['consistency']);
  assert.match(r.problems[0]!.message, /derivedFrom names cameras\/cam-1\/original.mp4/);
  const r2 = await verifyBundle(writeBundle('orphan', (m) => (m.artefacts[1]!.derivedFrom = null)), trustFrom({ pubkeyFiles: [pem] }));
  assert.match(r2.problems[0]!.message, /does not name the original it derives from/);
});

test('a path escaping the bundle is refused even when signed', async () => {
  const r = await verifyBundle(writeBundle('escape', (m) => m.files.push({ path: '../outside', sha256: '0'.repeat(64), bytes: 0 })), trustFrom({ pubkeyFiles: [pem] }));
  assert.deepEqual(r.problems.map((p) => `${p.kind} ${p.path}`), ['manifest ../outside']);
});

test('a large manifest (thousands of source segments) is read whole', async () => {
  const seg = { storage: 'local', path: 'cam-1/2026/03/02/01/1.ts', startMs: 0, endMs: 10_000, bytes: 1, sha256: '0'.repeat(64), usedStartMs: 0, usedEndMs: 10_000, clipOffsetMs: 0 };
  const root = writeBundle('large', (m) => (m.cameras[0]!.sourceSegments = Array.from({ length: 9000 }, () => seg)));
  const r = await verifyBundle(root, trustFrom({ pubkeyFiles: [pem] }));
  assert.deepEqual(r.problems, []);
});
