import { z } from 'zod';

/**
 * The evidence bundle's manifest (manifest.json) and signature (manifest.sig). See
 * docs/design/evidence.md. The signature covers the EXACT bytes of manifest.json; the manifest
 * names every other file of the bundle with its SHA-256 and size, so one signature protects all.
 *
 * Artefacts: every media file is an artefact. `kind: 'original'` is the stream-copied recording;
 * a later derived copy (masked, redacted, transcoded) is a separate artefact with
 * `kind: 'derived'`, its `transform`, and `derivedFrom` naming the original it was made from
 * (export id, path and SHA-256 — so it can point into another, earlier bundle). It is listed in
 * the manifest of the bundle that carries it and therefore signed like the original.
 */
export const MANIFEST_FORMAT = 'smartview-evidence/1';
export const MANIFEST_FILE = 'manifest.json';
export const SIGNATURE_FILE = 'manifest.sig';
export const PUBLIC_KEY_FILE = 'site-public-key.pem';
export const README_FILE = 'README.txt';

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'SHA-256 as 64 lower-case hex digits');
const intervalSchema = z.object({ startMs: z.number().int(), endMs: z.number().int(), startIso: z.string(), endIso: z.string() });

export const sourceSegmentSchema = z.object({
  storage: z.string(),
  path: z.string().describe('Relative to the storage root, as indexed'),
  startMs: z.number().int(),
  endMs: z.number().int(),
  bytes: z.number().int(),
  sha256: sha256Hex,
  /** The part of this segment that is in the clip (wall clock) and where it starts in the clip. */
  usedStartMs: z.number().int(),
  usedEndMs: z.number().int(),
  clipOffsetMs: z.number().int(),
});

export const cameraEntrySchema = z.object({
  cameraId: z.string(),
  name: z.string(),
  owner: z.string(),
  district: z.string(),
  /** Path of this camera's original artefact in the bundle. */
  original: z.string(),
  requested: intervalSchema,
  /** Wall-clock time of the clip's first frame (a keyframe at or before the requested start) and of its end. */
  actual: intervalSchema,
  /** Duration of the clip as ffprobe reads it. */
  clipDurationMs: z.number().int(),
  cut: z.object({ start: z.literal('keyframe'), end: z.literal('frame'), reencoded: z.literal(false), note: z.string() }),
  /** Parts of [actual.start, actual.end) with no recording; the clip joins across them (its time runs on). */
  gaps: z.array(z.object({ startMs: z.number().int(), endMs: z.number().int() })),
  video: z.object({ codec: z.string(), width: z.number().int().nullable(), height: z.number().int().nullable() }),
  sourceSegments: z.array(sourceSegmentSchema),
  /** Indexed segments in the range that were NOT used, and why (corrupt, duplicate recording). */
  skippedSegments: z.array(z.object({ storage: z.string(), path: z.string(), startMs: z.number().int(), endMs: z.number().int(), reason: z.string() })),
});

export const derivedFromSchema = z.object({ exportId: z.string(), path: z.string(), sha256: sha256Hex });

export const artefactSchema = z.object({
  path: z.string(),
  kind: z.enum(['original', 'derived']),
  cameraId: z.string(),
  mediaType: z.string(),
  sha256: sha256Hex,
  bytes: z.number().int().nonnegative(),
  derivedFrom: derivedFromSchema.nullable(),
  /** For derived artefacts: what was done (e.g. {type: 'mask', regions: …}); null for originals. */
  transform: z.record(z.string(), z.unknown()).nullable(),
});

export const fileEntrySchema = z.object({ path: z.string(), sha256: sha256Hex, bytes: z.number().int().nonnegative() });

/**
 * A cross-camera journey exported as one bundle (src/search journeys): each step is an indexed track,
 * the clip of its camera over its time span (± pad) is `original`, and `via` is the investigator's
 * confirmed decision that led to it (null for the anchor track the journey starts from).
 */
export const journeyStepSchema = z.object({
  index: z.number().int().nonnegative(),
  trackId: z.string(),
  cameraId: z.string(),
  class: z.string(),
  track: intervalSchema,
  /** Path of the original clip (in `cameras`) that shows this step. */
  original: z.string(),
  via: z.object({
    fromTrackId: z.string(), similarity: z.number().nullable(), plausibility: z.number().nullable(), reachable: z.boolean(),
    decidedBy: z.string(), decidedAt: z.number().int(),
  }).nullable(),
});
export const journeySchema = z.object({
  caseRef: z.string(),
  anchorTrackId: z.string(),
  padMs: z.number().int().nonnegative(),
  steps: z.array(journeyStepSchema),
});
export type JourneyManifest = z.infer<typeof journeySchema>;

export const manifestSchema = z.object({
  format: z.literal(MANIFEST_FORMAT),
  exportId: z.string(),
  site: z.object({ id: z.string(), name: z.string() }),
  createdAt: z.number().int(),
  createdAtIso: z.string(),
  software: z.object({ name: z.string(), version: z.string(), ffmpeg: z.string() }),
  exporter: z.object({ userId: z.string(), username: z.string(), displayName: z.string() }),
  caseRef: z.string().min(1),
  purpose: z.string().min(1),
  requested: intervalSchema,
  method: z.string(),
  cameras: z.array(cameraEntrySchema),
  /** Present when the bundle is a journey: per-camera time ranges, one per step (a camera may appear more than once). */
  journey: journeySchema.optional(),
  artefacts: z.array(artefactSchema),
  /** Every file of the bundle except manifest.json and manifest.sig. */
  files: z.array(fileEntrySchema),
});

export const signatureSchema = z.object({
  algorithm: z.literal('Ed25519'),
  keyId: z.string(),
  fingerprint: z.string(),
  signedFile: z.literal(MANIFEST_FILE),
  /** Base64 Ed25519 signature of the exact bytes of manifest.json. */
  signature: z.string(),
});

export type Manifest = z.infer<typeof manifestSchema>;
export type CameraEntry = z.infer<typeof cameraEntrySchema>;
export type Artefact = z.infer<typeof artefactSchema>;
export type FileEntry = z.infer<typeof fileEntrySchema>;
export type SourceSegment = z.infer<typeof sourceSegmentSchema>;
export type ManifestSignature = z.infer<typeof signatureSchema>;

export function interval(startMs: number, endMs: number): z.infer<typeof intervalSchema> {
  return { startMs, endMs, startIso: new Date(startMs).toISOString(), endIso: new Date(endMs).toISOString() };
}

/** The manifest's exact bytes: 2-space JSON and a final newline (what is signed). */
export function manifestBytes(m: Manifest): Buffer {
  return Buffer.from(`${JSON.stringify(m, null, 2)}\n`, 'utf8');
}

/** A bundle-relative path that stays inside the bundle: posix, relative, no '..', no empty parts. */
export function isSafeBundlePath(p: string): boolean {
  return p.length > 0 && p.length <= 240 && !p.startsWith('/') && !p.includes('\\') && p.split('/').every((s) => s !== '' && s !== '.' && s !== '..') && !/[\0-\x1f]/.test(p);
}

export function originalPath(cameraId: string, n = 1): string {
  return n === 1 ? `cameras/${cameraId}/original.mp4` : `cameras/${cameraId}/original-${n}.mp4`;
}

export const METHOD_TEXT =
  'Original recording: the camera\'s stored MPEG-TS segments that overlap the requested range were joined with the ffmpeg concat demuxer ' +
  'and written to MP4 by stream copy (-c copy): no decoding, no re-encoding. Without re-encoding a clip can only start at a keyframe, so ' +
  'each clip starts at the last keyframe at or before the requested start (up to one GOP early) and ends at the requested end (to within ' +
  'one frame); "requested" and "actual" give both. Recording gaps are listed per camera; the clip joins across them.';
