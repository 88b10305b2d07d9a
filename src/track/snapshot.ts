import type { Box, RgbImage } from '../detect/types';

/** Within this many pixels of the frame edge a box counts as cut off by the border. */
const BORDER_PX = 2;

/**
 * How good a detection is as the track's picture: its score × its linear size (√area, so a large box does not
 * outweigh every score), halved when the box touches the frame border (the object is probably cut off).
 */
export function snapshotQuality(box: Box, score: number, frame?: { width: number; height: number }): number {
  const size = Math.sqrt(Math.max(box[2], 0) * Math.max(box[3], 0));
  return score * size * (frame && isCut(box, frame) ? 0.5 : 1);
}

export function isCut(box: Box, frame: { width: number; height: number }): boolean {
  return box[0] <= BORDER_PX || box[1] <= BORDER_PX || box[0] + box[2] >= frame.width - BORDER_PX || box[1] + box[3] >= frame.height - BORDER_PX;
}

/**
 * Copies the box's pixels out of the frame (never keeps a reference to the frame, which the sampler reuses),
 * subsampled by nearest neighbour so the longer side is at most `maxSide`. Undefined when the box lies outside.
 */
export function cropBox(image: RgbImage, box: Box, maxSide: number): RgbImage | undefined {
  const x0 = Math.max(0, Math.floor(box[0]));
  const y0 = Math.max(0, Math.floor(box[1]));
  const x1 = Math.min(image.width, Math.ceil(box[0] + box[2]));
  const y1 = Math.min(image.height, Math.ceil(box[1] + box[3]));
  const w = x1 - x0;
  const h = y1 - y0;
  if (w <= 0 || h <= 0) return undefined;
  const scale = Math.min(1, maxSide / Math.max(w, h));
  const ow = Math.max(1, Math.round(w * scale));
  const oh = Math.max(1, Math.round(h * scale));
  const data = new Uint8Array(ow * oh * 3);
  const src = image.data;
  for (let y = 0; y < oh; y++) {
    const sy = y0 + Math.min(h - 1, Math.floor(y / scale));
    const rowIn = sy * image.width;
    const rowOut = y * ow * 3;
    if (scale === 1) {
      data.set(src.subarray((rowIn + x0) * 3, (rowIn + x1) * 3), rowOut);
      continue;
    }
    for (let x = 0; x < ow; x++) {
      const si = (rowIn + x0 + Math.min(w - 1, Math.floor(x / scale))) * 3;
      const di = rowOut + x * 3;
      data[di] = src[si]!;
      data[di + 1] = src[si + 1]!;
      data[di + 2] = src[si + 2]!;
    }
  }
  return { width: ow, height: oh, data };
}
