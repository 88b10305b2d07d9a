/** Raw model outputs as read back from TF.js, and the candidates the decoders make of them. */
export interface RawOutput {
  shape: readonly number[];
  data: Float32Array;
}

/** A scored box in model-input pixels (x1, y1, x2, y2), before NMS. */
export interface Candidate {
  classId: number;
  score: number;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export interface DecodeOptions {
  threshold: number;
  /** classId → keep? (null: every class). Filtering before NMS keeps NMS cheap. */
  classMask: Uint8Array | null;
  /** At most this many candidates go on to NMS (the best ones). */
  maxCandidates: number;
}

/** Keeps the best `max` candidates (a cheap guard: a low threshold on a busy scene can yield thousands). */
export function topCandidates(c: Candidate[], max: number): Candidate[] {
  if (c.length <= max) return c;
  return c.sort((a, b) => b.score - a.score).slice(0, max);
}
