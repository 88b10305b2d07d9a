import { checkImage } from '../detect/preprocess';
import type { RgbImage } from '../detect/types';
import { rgbToHsv } from './hsv';
import type { Embedder } from './types';
import { l2normalise } from './vector';

const HUE_BINS = 16;
const SAT_BINS = 4;
const GREY_BINS = 8;
/** Chromatic pixels by hue × saturation, achromatic ones (low saturation or dark) by brightness. */
const PART_DIM = HUE_BINS * SAT_BINS + GREY_BINS;
/** Upper body (torso) and lower body (legs): the two parts a description names. */
export const PARTS = [
  { name: 'upper', from: 0.12, to: 0.5 },
  { name: 'lower', from: 0.5, to: 0.9 },
] as const;
export const DESCRIPTOR_DIM = PART_DIM * PARTS.length;
export const DESCRIPTOR_ID = 'hsv-parts-v1';
/** Columns trimmed on each side: a person box's edges are mostly background. */
const SIDE_MARGIN = 0.15;

function addPart(img: RgbImage, y0: number, y1: number, out: Float32Array, base: number): void {
  const x0 = Math.floor(img.width * SIDE_MARGIN);
  const x1 = Math.max(x0 + 1, Math.ceil(img.width * (1 - SIDE_MARGIN)));
  let n = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const p = (y * img.width + x) * 3;
      const [h, s, v] = rgbToHsv(img.data[p]!, img.data[p + 1]!, img.data[p + 2]!);
      if (s < 0.2 || v < 0.15) out[base + HUE_BINS * SAT_BINS + Math.min(GREY_BINS - 1, Math.floor(v * GREY_BINS))]! += 1;
      else out[base + Math.min(HUE_BINS - 1, Math.floor(h / (360 / HUE_BINS))) * SAT_BINS + Math.min(SAT_BINS - 1, Math.floor(((s - 0.2) / 0.8) * SAT_BINS))]! += 1;
      n++;
    }
  }
  // Each part is a distribution (sums to 1), square-rooted (Hellinger), so a few saturated pixels do not dominate.
  for (let i = 0; i < PART_DIM; i++) out[base + i] = n ? Math.sqrt(out[base + i]! / n) : 0;
}

/**
 * The model-free appearance descriptor: HSV histograms of the upper and lower body, concatenated and
 * L2-normalised (144 values). Needs no model file, so search works out of the box; far weaker than a
 * re-identification network on look-alikes, but it separates clothing colours well.
 */
export function hsvDescriptor(img: RgbImage): Float32Array {
  checkImage(img);
  const out = new Float32Array(DESCRIPTOR_DIM);
  PARTS.forEach((part, i) => {
    const y0 = Math.floor(img.height * part.from);
    const y1 = Math.max(y0 + 1, Math.min(img.height, Math.ceil(img.height * part.to)));
    addPart(img, y0, y1, out, i * PART_DIM);
  });
  return l2normalise(out);
}

export const descriptorEmbedder: Embedder = {
  modelId: DESCRIPTOR_ID,
  dim: DESCRIPTOR_DIM,
  embed: async (crop) => hsvDescriptor(crop),
  close: async () => undefined,
};
