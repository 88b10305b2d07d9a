/**
 * Tamper analysis of one small greyscale frame (e.g. 64×36 bytes, one byte per pixel, row-major).
 * Pure functions only: no I/O, no clock, no state — the sampler decodes frames, `tamper-state.ts`
 * turns observations into flags with hysteresis.
 *
 *   brightness     mean luma 0–255
 *   contrast       standard deviation of luma
 *   sharpness      variance of the 4-neighbour Laplacian (high-frequency energy)
 *   detail         sharpness / contrast² — the Laplacian energy relative to the image's own contrast,
 *                  so a global lighting or exposure change does not look like defocus
 *   edgeDensity    share of pixels whose gradient (|dx| + |dy|) exceeds `edgeThreshold`
 *   similarity     zero-mean normalised cross-correlation with the reference, both lightly
 *                  blurred (3×3) so a vibration of a pixel or two is tolerated, computed per block
 *                  of an 8×6 grid and reduced to the median; −1…1
 */

export interface GreyFrame {
  width: number;
  height: number;
  /** width × height luma bytes, row-major. */
  data: Uint8Array;
}

export interface FrameStats {
  brightness: number;
  contrast: number;
  sharpness: number;
  detail: number;
  edgeDensity: number;
}

/** Gradient magnitude (|dx| + |dy|, 0–510) above which a pixel counts as an edge. */
export const EDGE_THRESHOLD = 40;

export function assertFrame(f: GreyFrame): void {
  if (!Number.isInteger(f.width) || !Number.isInteger(f.height) || f.width < 3 || f.height < 3) {
    throw new RangeError(`a tamper frame needs at least 3×3 pixels, got ${f.width}×${f.height}`);
  }
  if (f.data.length !== f.width * f.height) {
    throw new RangeError(`a ${f.width}×${f.height} frame needs ${f.width * f.height} bytes, got ${f.data.length}`);
  }
}

export function frameStats(f: GreyFrame, edgeThreshold = EDGE_THRESHOLD): FrameStats {
  assertFrame(f);
  const { width: w, height: h, data: d } = f;
  const n = w * h;
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < n; i++) {
    const v = d[i]!;
    sum += v;
    sumSq += v * v;
  }
  const mean = sum / n;
  const variance = Math.max(0, sumSq / n - mean * mean);

  let lapSum = 0;
  let lapSq = 0;
  let edges = 0;
  for (let y = 1; y < h - 1; y++) {
    const row = y * w;
    for (let x = 1; x < w - 1; x++) {
      const i = row + x;
      const c = d[i]!;
      const l = d[i - 1]!;
      const r = d[i + 1]!;
      const u = d[i - w]!;
      const b = d[i + w]!;
      const lap = l + r + u + b - 4 * c;
      lapSum += lap;
      lapSq += lap * lap;
      if (Math.abs(r - l) + Math.abs(b - u) > edgeThreshold) edges++;
    }
  }
  const inner = (w - 2) * (h - 2);
  const lapMean = lapSum / inner;
  const sharpness = Math.max(0, lapSq / inner - lapMean * lapMean);
  return {
    brightness: mean,
    contrast: Math.sqrt(variance),
    sharpness,
    // +25 (σ = 5) keeps a nearly uniform frame from dividing noise by almost nothing.
    detail: sharpness / (variance + 25),
    edgeDensity: edges / inner,
  };
}

/** 3×3 box blur to floats (edges clamp). */
export function blur3(f: GreyFrame): Float32Array {
  assertFrame(f);
  const { width: w, height: h, data: d } = f;
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const y0 = Math.max(0, y - 1) * w;
    const y1 = y * w;
    const y2 = Math.min(h - 1, y + 1) * w;
    for (let x = 0; x < w; x++) {
      const x0 = Math.max(0, x - 1);
      const x2 = Math.min(w - 1, x + 1);
      out[y1 + x] =
        (d[y0 + x0]! + d[y0 + x]! + d[y0 + x2]! + d[y1 + x0]! + d[y1 + x]! + d[y1 + x2]! + d[y2 + x0]! + d[y2 + x]! + d[y2 + x2]!) / 9;
    }
  }
  return out;
}

/** Zero-mean normalised cross-correlation of two equally long signals; 0 when either is flat. */
export function ncc(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length || a.length === 0) throw new RangeError(`cannot correlate ${a.length} with ${b.length} samples`);
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i]! - ma;
    const db = b[i]! - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  // Flat (σ under half a grey level) has no structure to compare.
  if (saa < 0.25 * n || sbb < 0.25 * n) return 0;
  return sab / Math.sqrt(saa * sbb);
}

/** A camera's reference view: what its frames are compared with. */
export interface Reference {
  width: number;
  height: number;
  /** The 3×3-blurred reference frame. */
  blurred: Float32Array;
  /** `detail` of the reference frame (defocus compares against it). */
  detail: number;
  capturedAt: number;
}

export function makeReference(f: GreyFrame, at: number): Reference {
  return { width: f.width, height: f.height, blurred: blur3(f), detail: frameStats(f).detail, capturedAt: at };
}

/**
 * Follows slow changes of the scene (light through the day, parked cars) by blending a frame into
 * the reference: ref ← (1 − rate)·ref + rate·frame. Only call it with frames that raised nothing
 * and still resemble the reference, so a turn of the camera is never learned.
 */
export function adaptReference(ref: Reference, f: GreyFrame, rate: number): Reference {
  if (f.width !== ref.width || f.height !== ref.height) return ref;
  const b = blur3(f);
  const out = new Float32Array(b.length);
  for (let i = 0; i < b.length; i++) out[i] = ref.blurred[i]! * (1 - rate) + b[i]! * rate;
  // `detail` stays as captured: a lens that slowly fogs up must not become the new normal.
  return { ...ref, blurred: out };
}

/** The reference is compared block by block on this grid; the median block decides. */
export const SIMILARITY_GRID = { x: 8, y: 6 } as const;
/** A reference block flatter than this (σ in grey levels) carries no structure and is skipped. */
const MIN_BLOCK_STD = 2;
/** With fewer structured blocks than this, the whole frame is correlated instead. */
const MIN_BLOCKS = 6;

/**
 * Similarity of a frame with the reference (−1…1), or null when their sizes differ: the median of
 * the per-block correlations over the blocks where the reference has structure. A car or a person
 * passing changes a few blocks and leaves the median high; a camera turned away changes them all.
 */
export function similarityTo(ref: Reference, f: GreyFrame): number | null {
  if (f.width !== ref.width || f.height !== ref.height) return null;
  const cur = blur3(f);
  const w = f.width;
  const bw = Math.floor(w / SIMILARITY_GRID.x);
  const bh = Math.floor(f.height / SIMILARITY_GRID.y);
  if (bw < 2 || bh < 2) return ncc(ref.blurred, cur);
  const a = new Float32Array(bw * bh);
  const b = new Float32Array(bw * bh);
  const sims: number[] = [];
  for (let by = 0; by < SIMILARITY_GRID.y; by++) {
    for (let bx = 0; bx < SIMILARITY_GRID.x; bx++) {
      let k = 0;
      for (let y = by * bh; y < (by + 1) * bh; y++) {
        for (let x = bx * bw; x < (bx + 1) * bw; x++) {
          a[k] = ref.blurred[y * w + x]!;
          b[k++] = cur[y * w + x]!;
        }
      }
      if (std(a) < MIN_BLOCK_STD) continue;
      sims.push(std(b) < 0.5 ? 0 : ncc(a, b));
    }
  }
  if (sims.length < MIN_BLOCKS) return ncc(ref.blurred, cur);
  sims.sort((x, y) => x - y);
  const mid = sims.length >> 1;
  return sims.length % 2 ? sims[mid]! : (sims[mid - 1]! + sims[mid]!) / 2;
}

function std(v: Float32Array): number {
  let s = 0;
  let ss = 0;
  for (let i = 0; i < v.length; i++) {
    s += v[i]!;
    ss += v[i]! * v[i]!;
  }
  const m = s / v.length;
  return Math.sqrt(Math.max(0, ss / v.length - m * m));
}

/** A reference as stored (base64 of the blurred frame rounded to bytes). */
export interface StoredReference {
  width: number;
  height: number;
  frame: string;
  detail: number;
  capturedAt: number;
}

export function encodeReference(r: Reference): StoredReference {
  const bytes = Uint8Array.from(r.blurred, (v) => Math.max(0, Math.min(255, Math.round(v))));
  return { width: r.width, height: r.height, frame: Buffer.from(bytes).toString('base64'), detail: r.detail, capturedAt: r.capturedAt };
}

export function decodeReference(s: StoredReference): Reference {
  const bytes = Buffer.from(s.frame, 'base64');
  if (bytes.length !== s.width * s.height) throw new RangeError(`stored reference holds ${bytes.length} bytes, expected ${s.width}×${s.height}`);
  return { width: s.width, height: s.height, blurred: Float32Array.from(bytes), detail: s.detail, capturedAt: s.capturedAt };
}
