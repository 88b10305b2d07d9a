import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { OperationalError } from '../core/errors';
import type { MediaTools } from '../media/ffmpeg';
import { planClip, probeClip, writeClip, type ClipPlan, type SourceFile } from './clip';
import {
  interval, manifestBytes, MANIFEST_FILE, MANIFEST_FORMAT, METHOD_TEXT, originalPath, PUBLIC_KEY_FILE, README_FILE, SIGNATURE_FILE,
  type Artefact, type CameraEntry, type FileEntry, type JourneyManifest, type Manifest, type ManifestSignature,
} from './manifest';

/** What the bundle builder needs of the site keyring. */
export interface BundleSigner {
  current(): { keyId: string; fingerprint: string; publicKeyPem: string };
  sign(data: Buffer): { keyId: string; signature: string };
}

export interface BundleCamera {
  camera: { id: string; name: string; owner: string; district: string };
  sources: SourceFile[];
  /** This clip's own range (a journey step); without it the bundle's fromMs/toMs. */
  fromMs?: number;
  toMs?: number;
  /** Path of the clip in the bundle; without it originalPath(camera.id). */
  original?: string;
}

export interface BundleInput {
  exportId: string;
  /** Final directory of the bundle; it is built in `<dir>.partial` and renamed when complete. */
  dir: string;
  site: { id: string; name: string };
  createdAt: number;
  software: { name: string; version: string };
  /** `ffmpeg -version`'s first line; a promise so that it is found while the clips are made. */
  ffmpegVersion: Promise<string>;
  exporter: Manifest['exporter'];
  caseRef: string;
  purpose: string;
  fromMs: number;
  toMs: number;
  cameras: BundleCamera[];
  /** A cross-camera journey: listed in the manifest (and so signed). */
  journey?: JourneyManifest;
}

export interface BuiltBundle {
  manifest: Manifest;
  manifestSha256: string;
  keyId: string;
  bytes: number;
}

export async function sha256File(file: string, onBytes?: (n: number) => void): Promise<{ sha256: string; bytes: number }> {
  const h = createHash('sha256');
  let bytes = 0;
  for await (const c of createReadStream(file, { highWaterMark: 4 << 20 })) {
    h.update(c as Buffer);
    bytes += (c as Buffer).length;
    onBytes?.((c as Buffer).length);
  }
  return { sha256: h.digest('hex'), bytes };
}

/** Hashes every source and compares with the SHA-256 the recorder indexed: footage altered since recording stops the export. */
async function checkSources(plan: ClipPlan, onBytes: (n: number) => void): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for (const p of plan.pieces) {
    let h: { sha256: string; bytes: number };
    try {
      h = await sha256File(p.file, onBytes);
    } catch (err) {
      throw new OperationalError('segment_missing', `Source segment ${p.segment.path} of camera ${p.segment.cameraId} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); was it deleted by retention, or is it on another node?`);
    }
    if (p.segment.sha256 && h.sha256 !== p.segment.sha256) {
      throw new OperationalError('segment_altered', `Source segment ${p.segment.path} of camera ${p.segment.cameraId} no longer matches the SHA-256 recorded when it was indexed (index ${p.segment.sha256}, file now ${h.sha256}): it was altered or damaged after recording, so it is not exported as original evidence`);
    }
    out.set(p.segment.id, h.sha256);
  }
  return out;
}

function readme(m: Manifest, keyFingerprint: string): string {
  return [
    `SmartView evidence bundle ${m.exportId}`,
    `Site: ${m.site.name} (${m.site.id})    Created: ${m.createdAtIso}`,
    `Case reference: ${m.caseRef}`,
    `Purpose: ${m.purpose}`,
    `Exported by: ${m.exporter.username}`,
    `Requested: ${m.requested.startIso} to ${m.requested.endIso} (UTC)`,
    '',
    'Contents',
    `  ${MANIFEST_FILE}  what was exported, how, from which recorded segments, and the SHA-256 and size of every other file`,
    `  ${SIGNATURE_FILE}  Ed25519 signature (base64) of the exact bytes of ${MANIFEST_FILE} by the site key`,
    `  ${PUBLIC_KEY_FILE}  a convenience copy of that public key (fingerprint ${keyFingerprint}); do not trust it by itself`,
    ...m.cameras.map((c) => `  ${c.original}  camera ${c.cameraId}, ${c.actual.startIso} to ${c.actual.endIso}`),
    ...(m.journey ? ['', `Journey in case ${m.journey.caseRef} from track ${m.journey.anchorTrackId} (each clip: the track's time span ± ${m.journey.padMs / 1000} s)`,
      ...m.journey.steps.map((s) => `  ${s.index + 1}. camera ${s.cameraId}, ${s.track.startIso} to ${s.track.endIso}, ${s.original}${s.via ? `, confirmed by ${s.via.decidedBy}${s.via.reachable ? '' : ' (FLAGGED: not reachable in the time)'}` : ' (start)'}`)] : []),
    '',
    m.method,
    '',
    'Verify',
    '  smartview export verify <this directory or its .tar> --pubkey <the site public key obtained from the site>',
    '  (or --fingerprint <the fingerprint obtained from the site>). Without SmartView:',
    '    sha256sum each file and compare with manifest.json, then',
    `    grep -o '"signature": *"[^"]*"' ${SIGNATURE_FILE} | cut -d'"' -f4 | base64 -d > sig.bin`,
    `    openssl pkeyutl -verify -pubin -inkey SITE_KEY.pem -rawin -in ${MANIFEST_FILE} -sigfile sig.bin`,
    '',
  ].join('\n');
}

/**
 * Builds the bundle: per camera the original clip (stream copy), then the key copy and README,
 * then manifest.json listing every file's SHA-256, then manifest.sig. `onProgress` gets 0–1.
 */
export async function buildBundle(tools: MediaTools, signer: BundleSigner, input: BundleInput, onProgress: (p: number) => void): Promise<BuiltBundle> {
  const work = `${input.dir}.partial`;
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  try {
    return await build(tools, signer, input, work, onProgress);
  } catch (err) {
    await rm(work, { recursive: true, force: true }); // a failed export leaves no half bundle behind
    throw err;
  }
}

async function build(tools: MediaTools, signer: BundleSigner, input: BundleInput, work: string, onProgress: (p: number) => void): Promise<BuiltBundle> {
  const cameras: CameraEntry[] = [];
  const artefacts: Artefact[] = [];
  const files: FileEntry[] = [];
  const totalBytes = input.cameras.reduce((n, c) => n + c.sources.reduce((m, s) => m + s.segment.bytes, 0), 0) || 1;
  let doneBytes = 0;
  const advance = (n: number) => {
    doneBytes += n;
    onProgress(Math.min(0.95, (0.95 * doneBytes) / (3 * totalBytes)));
  };

  for (const [n, { camera, sources, ...own }] of input.cameras.entries()) {
    const fromMs = own.fromMs ?? input.fromMs;
    const toMs = own.toMs ?? input.toMs;
    const plan = await planClip(tools, sources, fromMs, toMs);
    const rel = own.original ?? originalPath(camera.id);
    const out = path.join(work, rel);
    await mkdir(path.dirname(out), { recursive: true });
    const list = path.join(work, `.concat-${n}.txt`);
    const codec = plan.pieces[0]!.segment.codec;
    // ffmpeg copies while the sources are hashed: both read the same files, mostly from the page cache.
    const [hashed, written] = await Promise.allSettled([checkSources(plan, advance), writeClip(tools, plan, list, out, codec)]);
    if (hashed.status === 'rejected') throw hashed.reason;
    if (written.status === 'rejected') throw written.reason;
    const hashes = hashed.value;
    await rm(list);
    advance(plan.pieces.reduce((n, p) => n + p.segment.bytes, 0));
    const info = await probeClip(tools, out);
    const h = await sha256File(out, advance);
    files.push({ path: rel, ...h });
    artefacts.push({ path: rel, kind: 'original', cameraId: camera.id, mediaType: 'video/mp4', sha256: h.sha256, bytes: h.bytes, derivedFrom: null, transform: null });
    cameras.push({
      cameraId: camera.id, name: camera.name, owner: camera.owner, district: camera.district,
      original: rel,
      requested: interval(fromMs, toMs),
      actual: interval(plan.actualStartMs, plan.actualEndMs),
      clipDurationMs: info.durationMs,
      cut: { start: 'keyframe', end: 'frame', reencoded: false, note: 'stream copy: starts at the last keyframe at or before the requested start' },
      gaps: plan.gaps,
      video: { codec: info.codec, width: info.width, height: info.height },
      sourceSegments: plan.pieces.map((p) => ({
        storage: p.segment.storage, path: p.segment.path, startMs: p.segment.startMs, endMs: p.segment.endMs, bytes: p.segment.bytes,
        sha256: hashes.get(p.segment.id)!, usedStartMs: p.usedStartMs, usedEndMs: p.usedEndMs, clipOffsetMs: p.clipOffsetMs,
      })),
      skippedSegments: plan.skipped.map((s) => ({ storage: s.segment.storage, path: s.segment.path, startMs: s.segment.startMs, endMs: s.segment.endMs, reason: s.reason })),
    });
  }

  const key = signer.current();
  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    exportId: input.exportId,
    site: input.site,
    createdAt: input.createdAt,
    createdAtIso: new Date(input.createdAt).toISOString(),
    software: { ...input.software, ffmpeg: await input.ffmpegVersion },
    exporter: input.exporter,
    caseRef: input.caseRef,
    purpose: input.purpose,
    requested: interval(input.fromMs, input.toMs),
    method: METHOD_TEXT,
    cameras,
    ...(input.journey ? { journey: input.journey } : {}),
    artefacts,
    files,
  };
  await writeFile(path.join(work, PUBLIC_KEY_FILE), key.publicKeyPem);
  await writeFile(path.join(work, README_FILE), readme(manifest, key.fingerprint));
  for (const f of [PUBLIC_KEY_FILE, README_FILE]) files.push({ path: f, ...(await sha256File(path.join(work, f))) });
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  const bytes = manifestBytes(manifest);
  const signed = signer.sign(bytes);
  if (signed.keyId !== key.keyId) throw new OperationalError('key_changed', 'The site key changed while the manifest was signed; run the export again');
  const sig: ManifestSignature = { algorithm: 'Ed25519', keyId: signed.keyId, fingerprint: key.fingerprint, signedFile: MANIFEST_FILE, signature: signed.signature };
  await writeFile(path.join(work, MANIFEST_FILE), bytes);
  await writeFile(path.join(work, SIGNATURE_FILE), `${JSON.stringify(sig, null, 2)}\n`);
  await rm(input.dir, { recursive: true, force: true });
  await rename(work, input.dir);
  onProgress(1);
  let total = 0;
  for (const f of [...files.map((x) => x.path), MANIFEST_FILE, SIGNATURE_FILE]) total += (await stat(path.join(input.dir, f))).size;
  return { manifest, manifestSha256: createHash('sha256').update(bytes).digest('hex'), keyId: signed.keyId, bytes: total };
}
