import { createHash, verify as edVerify } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import { isSafeBundlePath, manifestSchema, MANIFEST_FILE, PUBLIC_KEY_FILE, signatureSchema, SIGNATURE_FILE, type Manifest, type ManifestSignature } from './manifest';
import { readTar } from './tar';
import { parsePublicKey, type TrustedKey, type TrustSet } from './trust';

/**
 * Offline verification of an evidence bundle (a directory or its .tar): the signature of
 * manifest.json against a TRUSTED key, then every file's size and SHA-256 against the manifest,
 * no file missing and none extra, and the manifest's own cross-references. Every problem is
 * reported, not just the first.
 */
export type ProblemKind = 'bundle' | 'manifest' | 'signature' | 'key' | 'file' | 'missing' | 'extra' | 'consistency';

export interface VerifyProblem {
  kind: ProblemKind;
  path?: string;
  message: string;
}

export interface VerifyReport {
  ok: boolean;
  bundle: string;
  exportId: string | null;
  siteId: string | null;
  caseRef: string | null;
  createdAt: string | null;
  signature: { keyId: string | null; fingerprint: string | null; trustedBy: string | null; valid: boolean };
  filesChecked: number;
  problems: VerifyProblem[];
}

interface Entry {
  path: string;
  type: 'file' | 'directory' | 'other';
  size: number;
  sha256: string;
  content?: Buffer;
}

/** The small files verify reads whole: the manifest (which may list thousands of segments), the signature and the key copy. */
const KEPT = new Set([MANIFEST_FILE, SIGNATURE_FILE, PUBLIC_KEY_FILE]);
const MAX_KEPT = 64 << 20;
const keepAtTop = (rel: string, size: number) => KEPT.has(rel) && size <= MAX_KEPT;

async function hashFile(file: string, keep: boolean): Promise<{ sha256: string; content?: Buffer }> {
  const h = createHash('sha256');
  const parts: Buffer[] = [];
  for await (const c of createReadStream(file, { highWaterMark: 4 << 20 })) {
    h.update(c as Buffer);
    if (keep) parts.push(c as Buffer);
  }
  return { sha256: h.digest('hex'), content: keep ? Buffer.concat(parts) : undefined };
}

async function dirEntries(root: string, rel = ''): Promise<Entry[]> {
  const out: Entry[] = [];
  for (const name of (await readdir(path.join(root, rel))).sort()) {
    const r = rel ? `${rel}/${name}` : name;
    const st = await lstat(path.join(root, r));
    if (st.isDirectory()) out.push({ path: r, type: 'directory', size: 0, sha256: '' }, ...(await dirEntries(root, r)));
    else if (st.isFile()) out.push({ path: r, type: 'file', size: st.size, ...(await hashFile(path.join(root, r), keepAtTop(r, st.size))) });
    else out.push({ path: r, type: 'other', size: st.size, sha256: '' });
  }
  return out;
}

/** Tar entries, without the one top-level directory a bundle archive has. */
async function tarEntries(file: string): Promise<Entry[]> {
  const raw = await readTar(file, (name, size) => {
    const parts = name.replace(/^\.\//, '').split('/');
    return parts.length <= 2 && keepAtTop(parts[parts.length - 1]!, size); // at the top, or under the one top directory
  });
  const tops = new Set(raw.map((e) => e.name.split('/')[0]));
  const top = tops.size === 1 && raw.some((e) => e.name.includes('/')) ? `${[...tops][0]}/` : '';
  return raw
    .filter((e) => !(top && e.name === top.slice(0, -1) && e.type === 'directory'))
    .map((e) => ({ path: top ? e.name.slice(top.length) : e.name, type: e.type, size: e.size, sha256: e.sha256, content: e.content }));
}

function findKey(sig: ManifestSignature, trust: TrustSet, bundleKeyPem: Buffer | undefined, problems: VerifyProblem[]): TrustedKey | null {
  const direct = trust.keys.find((k) => k.keyId === sig.keyId);
  if (direct) return direct;
  if (bundleKeyPem && trust.fingerprints.length) {
    try {
      const k = parsePublicKey(bundleKeyPem, `${PUBLIC_KEY_FILE} in the bundle`);
      if (k.keyId === sig.keyId && trust.fingerprints.includes(k.fingerprint)) return { ...k, source: `fingerprint ${k.fingerprint} given by you (key carried in the bundle)` };
    } catch (err) {
      problems.push({ kind: 'key', path: PUBLIC_KEY_FILE, message: (err as Error).message });
    }
  }
  problems.push({
    kind: 'key',
    path: SIGNATURE_FILE,
    message: `unknown key: the manifest is signed with key ${sig.keyId} (fingerprint ${sig.fingerprint}), which is not a trusted key (${trust.description}). ` +
      `The key carried in the bundle is not trusted by itself: pass --pubkey FILE or --fingerprint of the site's key.`,
  });
  return null;
}

function checkConsistency(m: Manifest, problems: VerifyProblem[]): void {
  const files = new Map(m.files.map((f) => [f.path, f]));
  const artefacts = new Map(m.artefacts.map((a) => [a.path, a]));
  for (const a of m.artefacts) {
    const f = files.get(a.path);
    if (!f) problems.push({ kind: 'consistency', path: a.path, message: 'artefact is not listed among the files' });
    else if (f.sha256 !== a.sha256 || f.bytes !== a.bytes) problems.push({ kind: 'consistency', path: a.path, message: 'artefact hash or size differs from its file entry' });
    if (a.kind === 'derived' && !a.derivedFrom) problems.push({ kind: 'consistency', path: a.path, message: 'derived artefact does not name the original it derives from' });
    if (a.kind === 'original' && a.derivedFrom) problems.push({ kind: 'consistency', path: a.path, message: 'an original artefact cannot derive from another' });
    if (a.derivedFrom && a.derivedFrom.exportId === m.exportId) {
      const o = artefacts.get(a.derivedFrom.path);
      if (!o || o.kind !== 'original' || o.sha256 !== a.derivedFrom.sha256) problems.push({ kind: 'consistency', path: a.path, message: `derivedFrom names ${a.derivedFrom.path}, which is not an original of this bundle with that SHA-256` });
    }
  }
  for (const s of m.journey?.steps ?? []) {
    if (!m.cameras.some((c) => c.original === s.original && c.cameraId === s.cameraId)) problems.push({ kind: 'consistency', path: s.original, message: `journey step ${s.index + 1} (track ${s.trackId}) names a clip that is not an original of camera ${s.cameraId} in this bundle` });
  }
  for (const c of m.cameras) {
    const o = artefacts.get(c.original);
    if (!o || o.kind !== 'original' || o.cameraId !== c.cameraId) problems.push({ kind: 'consistency', path: c.original, message: `camera ${c.cameraId}: its original is not an original artefact of this camera` });
  }
}

export async function verifyBundle(bundle: string, trust: TrustSet): Promise<VerifyReport> {
  const report: VerifyReport = { ok: false, bundle, exportId: null, siteId: null, caseRef: null, createdAt: null, signature: { keyId: null, fingerprint: null, trustedBy: null, valid: false }, filesChecked: 0, problems: [] };
  const problems = report.problems;
  let entries: Entry[];
  try {
    const st = await lstat(bundle);
    entries = st.isDirectory() ? await dirEntries(bundle) : await tarEntries(bundle);
  } catch (err) {
    problems.push({ kind: 'bundle', message: `cannot read the bundle ${bundle}: ${(err as Error).message}` });
    return report;
  }
  const byPath = new Map(entries.filter((e) => e.type !== 'directory').map((e) => [e.path, e]));
  const manifestEntry = byPath.get(MANIFEST_FILE);
  const sigEntry = byPath.get(SIGNATURE_FILE);
  if (!manifestEntry?.content) problems.push({ kind: 'missing', path: MANIFEST_FILE, message: 'the bundle has no manifest.json' });
  if (!sigEntry?.content) problems.push({ kind: 'missing', path: SIGNATURE_FILE, message: 'the bundle has no manifest.sig' });
  if (!manifestEntry?.content || !sigEntry?.content) return report;

  let manifest: Manifest;
  let sig: ManifestSignature;
  try {
    const parsed = manifestSchema.safeParse(JSON.parse(manifestEntry.content.toString('utf8')));
    if (!parsed.success) throw new Error(parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '));
    manifest = parsed.data;
  } catch (err) {
    problems.push({ kind: 'manifest', path: MANIFEST_FILE, message: `manifest.json is not a valid SmartView evidence manifest: ${(err as Error).message}` });
    return report;
  }
  Object.assign(report, { exportId: manifest.exportId, siteId: manifest.site.id, caseRef: manifest.caseRef, createdAt: manifest.createdAtIso });
  try {
    sig = signatureSchema.parse(JSON.parse(sigEntry.content.toString('utf8')));
  } catch (err) {
    problems.push({ kind: 'signature', path: SIGNATURE_FILE, message: `manifest.sig is not a valid signature file: ${(err as Error).message.slice(0, 300)}` });
    return report;
  }
  report.signature.keyId = sig.keyId;
  report.signature.fingerprint = sig.fingerprint;

  const key = findKey(sig, trust, byPath.get(PUBLIC_KEY_FILE)?.content, problems);
  if (key) {
    report.signature.trustedBy = key.source;
    if (key.fingerprint !== sig.fingerprint) problems.push({ kind: 'signature', path: SIGNATURE_FILE, message: `manifest.sig states fingerprint ${sig.fingerprint} but key ${key.keyId} has fingerprint ${key.fingerprint}` });
    report.signature.valid = edVerify(null, manifestEntry.content, key.key, Buffer.from(sig.signature, 'base64'));
    if (!report.signature.valid) {
      problems.push({ kind: 'signature', path: SIGNATURE_FILE, message: `bad signature: manifest.json does not verify with trusted key ${key.keyId} — the manifest was changed after signing, or the signature belongs to another manifest` });
    }
  }

  const listed = new Set<string>();
  for (const f of manifest.files) {
    if (!isSafeBundlePath(f.path) || f.path === MANIFEST_FILE || f.path === SIGNATURE_FILE) {
      problems.push({ kind: 'manifest', path: f.path, message: 'the manifest lists a path that is not allowed in a bundle' });
      continue;
    }
    if (listed.has(f.path)) problems.push({ kind: 'manifest', path: f.path, message: 'listed twice in the manifest' });
    listed.add(f.path);
    const e = byPath.get(f.path);
    if (!e) {
      problems.push({ kind: 'missing', path: f.path, message: 'listed in the manifest but missing from the bundle' });
      continue;
    }
    if (e.type !== 'file') problems.push({ kind: 'file', path: f.path, message: 'not a regular file' });
    else if (e.size !== f.bytes) problems.push({ kind: 'file', path: f.path, message: `size differs: manifest ${f.bytes} bytes, file ${e.size} bytes — the file was changed after export` });
    else if (e.sha256 !== f.sha256) problems.push({ kind: 'file', path: f.path, message: `SHA-256 differs: manifest ${f.sha256}, file ${e.sha256} — the file was changed after export` });
    report.filesChecked++;
  }
  for (const e of byPath.values()) {
    if (e.path === MANIFEST_FILE || e.path === SIGNATURE_FILE || listed.has(e.path)) continue;
    problems.push({ kind: 'extra', path: e.path, message: `not listed in the manifest (an extra ${e.type === 'file' ? 'file' : 'entry'} was added to the bundle)` });
  }
  checkConsistency(manifest, problems);
  report.ok = problems.length === 0;
  return report;
}
