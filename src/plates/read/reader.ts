/**
 * PlateReader: plate reads from a scene, a vehicle crop or an image that is already a plate. Text lines are
 * localised with PP-OCRv4 det, rectified, recognised with PP-OCRv4 rec and decoded against the plate grammars;
 * lines no grammar accepts (signs, logos, absurd strings) are dropped.
 */
import type { Box, RgbImage } from '../../detect/types';
import { DEFAULT_GRAMMARS, type GrammarName, type PlateGrammar } from '../grammar/index';
import type { TextBox } from './db-postprocess';
import { TextDetector } from './detector';
import { quadBox, scaleQuad, warpQuad } from './image';
import { defaultModelPaths } from './models';
import { PlateDecoder } from './plate-decoder';
import { REC_HEIGHT, TextRecogniser } from './recogniser';

export interface PlateRead {
  text: string;
  score: number;
  box: Box;
  grammar: GrammarName;
}

export interface PlateReaderOptions {
  detModel?: string;
  recModel?: string;
  dict?: string;
  /** ONNX Runtime intra-op threads per model (default: ONNX Runtime's choice). */
  threads?: number;
  grammars?: readonly PlateGrammar[];
  /** Widest recogniser input (default 160: plates are short, and 48×160 costs half of 48×320). */
  maxRecWidth?: number;
  /** Longer side of the text-detection input (default 640). */
  detLimitSide?: number;
  /** Reads scoring below this are dropped (default 0.5). */
  minScore?: number;
  /** Text lines recognised per image at most, biggest first (default 8). */
  maxLines?: number;
}

/** An image this shape is taken for a plate crop and read whole before anything is localised in it. */
export function looksLikePlateCrop(img: RgbImage): boolean {
  const aspect = img.width / img.height;
  // From 2.2: a two-row plate (about 2:1) is read row by row, not whole.
  return aspect >= 2.2 && aspect <= 7 && img.height <= 200;
}

export class PlateReader {
  private constructor(
    private readonly det: TextDetector,
    private readonly rec: TextRecogniser,
    private readonly decoder: PlateDecoder,
    private readonly o: PlateReaderOptions,
  ) {}

  static async load(o: PlateReaderOptions = {}): Promise<PlateReader> {
    const d = defaultModelPaths();
    const [det, rec] = await Promise.all([
      TextDetector.load({ detModel: o.detModel ?? d.detModel, threads: o.threads, limitSide: o.detLimitSide }),
      TextRecogniser.load({ recModel: o.recModel ?? d.recModel, dict: o.dict ?? d.dict, threads: o.threads, maxWidth: o.maxRecWidth ?? 160 }),
    ]);
    return new PlateReader(det, rec, new PlateDecoder(rec.dict, o.grammars ?? DEFAULT_GRAMMARS), o);
  }

  get recogniser(): TextRecogniser {
    return this.rec;
  }

  /** Recogniser output (frames × classes) for one rectified line. */
  private async lineProbs(img: RgbImage): Promise<LineProbs> {
    return this.rec.run(this.rec.tensor(img, this.rec.inputWidth(img)));
  }

  private decode(p: LineProbs, box: Box, minScore: number): PlateRead | null {
    const r = this.decoder.decode(p.probs, p.frames, p.classes);
    if (!r || r.score < minScore) return null;
    return { text: r.text, score: r.score, box: box.map((v) => Math.round(v * 10) / 10) as Box, grammar: r.grammar };
  }

  /** Reads the whole image as one plate; null when no grammar accepts what it says. */
  async readCrop(img: RgbImage, minScore = this.o.minScore ?? 0.5): Promise<PlateRead | null> {
    return this.decode(await this.lineProbs(img), [0, 0, img.width, img.height], minScore);
  }

  /** Every plate found in a scene, vehicle crop or plate crop, best first. */
  async readImage(img: RgbImage): Promise<PlateRead[]> {
    const minScore = this.o.minScore ?? 0.5;
    let weak: PlateRead | null = null;
    if (looksLikePlateCrop(img)) {
      // Kept far below the usual bar: on an image that is a plate, a hesitant read beats none, unless a text line
      // found inside it reads well.
      const whole = await this.readCrop(img, 0.1);
      if (whole && whole.score >= minScore) return [whole];
      weak = whole;
    }
    const found = await this.det.detect(img);
    const lines = found
      .filter((b) => b.height >= 6 && b.width / b.height >= 1.2 && b.width / b.height <= 15)
      .sort((a, b) => b.width * b.height - a.width * a.height)
      .slice(0, this.o.maxLines ?? 8);
    const reads: PlateRead[] = [];
    const probs = new Map<TextBox, LineProbs>();
    const lineReads = new Map<TextBox, PlateRead>();
    for (const line of lines) {
      const p = await this.lineProbs(this.rectify(img, line));
      probs.set(line, p);
      const read = this.decode(p, quadBox(line.quad, img.width, img.height), minScore);
      if (read) {
        reads.push(read);
        lineReads.set(line, read);
      }
    }
    // Two-row plates (Hong Kong rear plates, some mainland ones): the rows are separate text lines, read as one
    // plate by joining their recogniser outputs top row first, so the grammars see the whole mark.
    for (const [top, bottom] of stackedPairs(found.filter((b) => b.height >= 6 && b.width / b.height >= 0.5))) {
      const pt = probs.get(top) ?? (await this.lineProbs(this.rectify(img, top)));
      const pb = probs.get(bottom) ?? (await this.lineProbs(this.rectify(img, bottom)));
      const joined = joinLines(pt, pb);
      const a = quadBox(top.quad, img.width, img.height);
      const b = quadBox(bottom.quad, img.width, img.height);
      const x0 = Math.min(a[0], b[0]);
      const y0 = Math.min(a[1], b[1]);
      const read = this.decode(joined, [x0, y0, Math.max(a[0] + a[2], b[0] + b[2]) - x0, Math.max(a[1] + a[3], b[1] + b[3]) - y0], minScore);
      if (!read) continue;
      // The rows read alone are pieces of this plate ("1234" is a valid mark by itself): the whole one replaces them.
      for (const part of [lineReads.get(top), lineReads.get(bottom)]) if (part) reads.splice(reads.indexOf(part), 1);
      reads.push(read);
    }
    if (weak) {
      // On a plate-shaped image, a line much narrower than the image is part of the plate (a split at the
      // separator, the province character alone): it does not beat the whole-plate read.
      const whole = reads.filter((r) => r.box[2] >= img.width * 0.6);
      return whole.length ? dedupe(whole) : [weak];
    }
    return dedupe(reads);
  }

  /**
   * Rectifies a text line straight to the recogniser's height (bigger would only be scaled down again). DB's
   * unclip leaves generous margins above and below; 10 % less height gives the glyphs more of the recogniser's 48
   * rows (CCPD: 16/16 against 15/16 with the full box).
   */
  private rectify(img: RgbImage, line: TextBox): RgbImage {
    const h = line.height * 0.9;
    const outH = Math.min(REC_HEIGHT, Math.max(8, Math.round(h)));
    const outW = Math.max(8, Math.round((line.width * outH) / h));
    return warpQuad(img, scaleQuad(line.quad, 1, 0.9), outW, outH);
  }
}

type LineProbs = { probs: Float32Array; frames: number; classes: number };

/** Frames of `a` then a blank frame then frames of `b` (the blank keeps "1" | "1" from collapsing into one "1"). */
function joinLines(a: LineProbs, b: LineProbs): LineProbs {
  const probs = new Float32Array((a.frames + 1 + b.frames) * a.classes);
  probs.set(a.probs.subarray(0, a.frames * a.classes), 0);
  probs[a.frames * a.classes] = 1;
  probs.set(b.probs.subarray(0, b.frames * b.classes), (a.frames + 1) * a.classes);
  return { probs, frames: a.frames + 1 + b.frames, classes: a.classes };
}

/**
 * Lines that look like the two rows of one plate: one right above the other (gap under the taller row's height),
 * overlapping horizontally over most of the narrower row, of similar height, both roughly level.
 */
export function stackedPairs(lines: readonly TextBox[]): [TextBox, TextBox][] {
  const out: [TextBox, TextBox][] = [];
  const box = (l: TextBox): { x0: number; x1: number; y0: number; y1: number; h: number } => {
    const xs = l.quad.map((p) => p[0]);
    const ys = l.quad.map((p) => p[1]);
    return { x0: Math.min(...xs), x1: Math.max(...xs), y0: Math.min(...ys), y1: Math.max(...ys), h: l.height };
  };
  for (const top of lines) {
    const t = box(top);
    for (const bottom of lines) {
      if (bottom === top) continue;
      const b = box(bottom);
      const gap = b.y0 - t.y1;
      const overlap = Math.min(t.x1, b.x1) - Math.max(t.x0, b.x0);
      if (b.y0 <= t.y0 || gap > Math.max(t.h, b.h) * 0.8 || gap < -Math.min(t.h, b.h) * 0.4) continue;
      if (overlap < 0.6 * Math.min(t.x1 - t.x0, b.x1 - b.x0)) continue;
      if (Math.max(t.h, b.h) > 2.2 * Math.min(t.h, b.h)) continue;
      out.push([top, bottom]);
    }
  }
  return out;
}

/** One read per text (the best); overlapping boxes keep the better read. */
function dedupe(reads: PlateRead[]): PlateRead[] {
  const sorted = [...reads].sort((a, b) => b.score - a.score);
  const kept: PlateRead[] = [];
  for (const r of sorted) {
    if (kept.some((k) => k.text === r.text || iou(k.box, r.box) > 0.5)) continue;
    kept.push(r);
  }
  return kept;
}

function iou(a: Box, b: Box): number {
  const x0 = Math.max(a[0], b[0]);
  const y0 = Math.max(a[1], b[1]);
  const x1 = Math.min(a[0] + a[2], b[0] + b[2]);
  const y1 = Math.min(a[1] + a[3], b[1] + b[3]);
  const inter = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  const union = a[2] * a[3] + b[2] * b[3] - inter;
  return union > 0 ? inter / union : 0;
}
