/**
 * The tamper state of a camera as stored in `camera_health.tamper` (JSON text). `flags` is always
 * the first key and sorted, so "is any flag raised" is the SQL prefix test `tamper LIKE '{"flags":["%'`
 * on both engines (see TAMPERED_PREFIX) without JSON functions.
 */
import { z } from 'zod';
import { decodeReference, encodeReference, type StoredReference } from './tamper';
import { TAMPER_FLAGS, type DetectorState, type TamperFlag } from './tamper-state';

export const TAMPERED_PREFIX = '{"flags":["';

export interface TamperMetrics {
  brightness: number;
  contrast: number;
  sharpness: number;
  edgeDensity: number;
  similarity: number | null;
  detailRatio: number | null;
}

export interface TamperRecord {
  flags: TamperFlag[];
  since: Partial<Record<TamperFlag, number>>;
  lastSampleAt: number | null;
  metrics: TamperMetrics | null;
  reference: StoredReference | null;
  /** Set when an operator resets the reference; a sampler that captured before it must start over. */
  referenceResetAt: number | null;
}

export const EMPTY_TAMPER: TamperRecord = { flags: [], since: {}, lastSampleAt: null, metrics: null, reference: null, referenceResetAt: null };

const flag = z.enum(TAMPER_FLAGS);
const num = z.number();
const stored = z.object({
  flags: z.array(flag).default([]),
  since: z.partialRecord(flag, num).default({}),
  lastSampleAt: num.nullable().default(null),
  metrics: z
    .object({ brightness: num, contrast: num, sharpness: num, edgeDensity: num, similarity: num.nullable(), detailRatio: num.nullable() })
    .nullable()
    .default(null),
  reference: z.object({ width: z.number().int(), height: z.number().int(), frame: z.string(), detail: num, capturedAt: num }).nullable().default(null),
  referenceResetAt: num.nullable().default(null),
});

export class CorruptTamperRecord extends Error {
  constructor(cameraId: string, why: string) {
    super(`camera_health.tamper of camera '${cameraId}' cannot be read: ${why}`);
    this.name = 'CorruptTamperRecord';
  }
}

/** Reads the column; '' and '{}' (a row the recorder created) are the empty record. Throws CorruptTamperRecord. */
export function parseTamper(cameraId: string, text: string | null | undefined): TamperRecord {
  if (!text || text === '{}') return { ...EMPTY_TAMPER };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new CorruptTamperRecord(cameraId, err instanceof Error ? err.message : String(err));
  }
  const r = stored.safeParse(raw);
  if (!r.success) throw new CorruptTamperRecord(cameraId, r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  return { ...r.data, flags: TAMPER_FLAGS.filter((f) => r.data.flags.includes(f)) };
}

export function serializeTamper(r: TamperRecord): string {
  const flags = TAMPER_FLAGS.filter((f) => r.flags.includes(f));
  const since: Partial<Record<TamperFlag, number>> = {};
  for (const f of flags) since[f] = r.since[f] ?? r.lastSampleAt ?? 0;
  // Key order matters: `flags` first (TAMPERED_PREFIX).
  return JSON.stringify({ flags, since, lastSampleAt: r.lastSampleAt, metrics: r.metrics, reference: r.reference, referenceResetAt: r.referenceResetAt });
}

/** The detector state a sampler resumes from. */
export function detectorStateOf(r: TamperRecord): DetectorState {
  const raised: Partial<Record<TamperFlag, number>> = {};
  for (const f of r.flags) raised[f] = r.since[f] ?? 0;
  return { reference: r.reference ? decodeReference(r.reference) : null, raised };
}

/** The record of a detector's state after a sample. */
export function recordOf(state: DetectorState, at: number, metrics: TamperMetrics, referenceResetAt: number | null): TamperRecord {
  const flags = TAMPER_FLAGS.filter((f) => state.raised[f] !== undefined);
  return {
    flags,
    since: state.raised,
    lastSampleAt: at,
    metrics,
    reference: state.reference ? encodeReference(state.reference) : null,
    referenceResetAt,
  };
}

/** Flags in `next` but not in `prev`, and the other way round. */
export function flagDiff(prev: readonly TamperFlag[], next: readonly TamperFlag[]): { raised: TamperFlag[]; cleared: TamperFlag[] } {
  return { raised: next.filter((f) => !prev.includes(f)), cleared: prev.filter((f) => !next.includes(f)) };
}
