import { createHash } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { OperationalError } from '../core/errors';
import { sha256File, type BundleSigner } from '../evidence/bundle';
import { MANIFEST_FILE, PUBLIC_KEY_FILE, README_FILE, SIGNATURE_FILE, type Artefact, type FileEntry, type ManifestSignature } from '../evidence/manifest';

/**
 * A derived copy (masked or redacted) of one camera's original in an evidence export, as a bundle of its own,
 * signed with the same site key and the same signature format as the original's (src/evidence/manifest.ts).
 * Its manifest names the original bundle's manifest SHA-256 and the original artefact it was made from
 * (`derivedFrom`), so a recipient can tie the copy to the untouched original without holding it.
 */
export const DERIVED_FORMAT = 'smartview-derived/1';

export interface DerivedManifest {
  format: typeof DERIVED_FORMAT;
  releaseId: string;
  kind: 'masked' | 'redacted';
  site: { id: string; name: string };
  createdAt: number;
  createdAtIso: string;
  caseRef: string;
  requestRef: string | null;
  createdBy: string;
  /** The untouched original: its bundle's manifest hash and the artefact used. */
  original: { exportId: string; manifestSha256: string; path: string; sha256: string };
  encoder: { codec: 'libx264'; preset: string; crf: number };
  method: string;
  artefacts: Artefact[];
  files: FileEntry[];
}

export interface DerivedInput {
  dir: string;
  releaseId: string;
  kind: DerivedManifest['kind'];
  site: DerivedManifest['site'];
  createdAt: number;
  caseRef: string;
  requestRef: string | null;
  createdBy: string;
  cameraId: string;
  original: DerivedManifest['original'];
  encoder: DerivedManifest['encoder'];
  method: string;
  transform: Record<string, unknown>;
  /** Writes the media file at the given absolute path. */
  make(file: string): Promise<void>;
}

export async function buildDerivedBundle(signer: BundleSigner, input: DerivedInput): Promise<{ manifest: DerivedManifest; manifestSha256: string; keyId: string }> {
  const work = `${input.dir}.partial`;
  await rm(work, { recursive: true, force: true });
  try {
    const rel = `cameras/${input.cameraId}/${input.kind}.mp4`;
    await mkdir(path.join(work, path.dirname(rel)), { recursive: true });
    await input.make(path.join(work, rel));
    const media = await sha256File(path.join(work, rel));
    const key = signer.current();
    await writeFile(path.join(work, PUBLIC_KEY_FILE), key.publicKeyPem);
    await writeFile(path.join(work, README_FILE), readme(input, rel, key.fingerprint));
    const files: FileEntry[] = [{ path: rel, ...media }];
    for (const f of [PUBLIC_KEY_FILE, README_FILE]) files.push({ path: f, ...(await sha256File(path.join(work, f))) });
    files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const manifest: DerivedManifest = {
      format: DERIVED_FORMAT, releaseId: input.releaseId, kind: input.kind, site: input.site, createdAt: input.createdAt,
      createdAtIso: new Date(input.createdAt).toISOString(), caseRef: input.caseRef, requestRef: input.requestRef, createdBy: input.createdBy,
      original: input.original, encoder: input.encoder, method: input.method,
      artefacts: [{
        path: rel, kind: 'derived', cameraId: input.cameraId, mediaType: 'video/mp4', sha256: media.sha256, bytes: media.bytes,
        derivedFrom: { exportId: input.original.exportId, path: input.original.path, sha256: input.original.sha256 }, transform: input.transform,
      }],
      files,
    };
    const bytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8');
    const signed = signer.sign(bytes);
    if (signed.keyId !== key.keyId) throw new OperationalError('key_changed', 'The site key changed while the manifest was signed; make the copy again');
    const sig: ManifestSignature = { algorithm: 'Ed25519', keyId: signed.keyId, fingerprint: key.fingerprint, signedFile: MANIFEST_FILE, signature: signed.signature };
    await writeFile(path.join(work, MANIFEST_FILE), bytes);
    await writeFile(path.join(work, SIGNATURE_FILE), `${JSON.stringify(sig, null, 2)}\n`);
    await rm(input.dir, { recursive: true, force: true });
    await rename(work, input.dir);
    return { manifest, manifestSha256: createHash('sha256').update(bytes).digest('hex'), keyId: signed.keyId };
  } catch (err) {
    await rm(work, { recursive: true, force: true });
    throw err;
  }
}

function readme(i: DerivedInput, rel: string, fingerprint: string): string {
  return [
    `SmartView ${i.kind} copy ${i.releaseId}`,
    `Site: ${i.site.name} (${i.site.id})    Created: ${new Date(i.createdAt).toISOString()}`,
    `Case reference: ${i.caseRef}${i.requestRef ? `    Request: ${i.requestRef}` : ''}`,
    `Made from export ${i.original.exportId} (its manifest.json has SHA-256 ${i.original.manifestSha256}), file ${i.original.path} (SHA-256 ${i.original.sha256}).`,
    '',
    `  ${rel}  the ${i.kind} video (re-encoded: libx264 preset ${i.encoder.preset}, CRF ${i.encoder.crf})`,
    `  ${MANIFEST_FILE}  what this copy is, what it was made from and how; SHA-256 of every other file`,
    `  ${SIGNATURE_FILE}  Ed25519 signature of the exact bytes of ${MANIFEST_FILE} by the site key (fingerprint ${fingerprint})`,
    '',
    i.method,
    '',
  ].join('\n');
}
