/**
 * Count ground truth for the crowd-counting benchmarks and tests (never copied from ../shared: read there).
 *
 * - MOT17 frames: pedestrians counted exactly as ../shared/checks/motscore.py counts them (consider = 1,
 *   class 1, visibility ≥ 0.25), only frames that have an image.
 * - Dense mosaics (test/fixtures/crowd/mosaics.json): k×k MOT17 frames scaled into one 1920×1080 frame, so
 *   people are k times smaller and k² frames' worth of them share the picture; truth = the sum of the cells'
 *   MOT17 counts (the fixture stores it, and tests recompute it from gt.txt).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { RgbImage } from '../src/detect/types';
import { DEFAULT_TOOLS } from '../src/media/ffmpeg';
import { decodeImageFile } from '../src/media/images';
import { SHARED_DIR } from '../test/support/shared';

export const MOT_DIR = path.join(SHARED_DIR, 'mot');
export const MOSAICS_FILE = path.resolve(import.meta.dirname, '../test/fixtures/crowd/mosaics.json');

export interface TruthFrame {
  name: string;
  /** Image path (MOT17) or null (mosaic, built with buildMosaic). */
  path: string | null;
  truth: number;
}

/** Pedestrian count per frame number of one MOT17 sequence directory, motscore.py's rule. */
export function motCounts(seqDir: string): Map<number, number> {
  const counts = new Map<number, number>();
  for (const line of readFileSync(path.join(seqDir, 'gt/gt.txt'), 'utf8').split('\n')) {
    const f = line.trim().split(',');
    if (f.length < 9) continue;
    if (Number(f[6]) === 1 && Number(f[7]) === 1 && Number(f[8]) >= 0.25) counts.set(Number(f[0]), (counts.get(Number(f[0])) ?? 0) + 1);
  }
  return counts;
}

/** Every MOT17 frame with an image under ../shared/mot, with its pedestrian count (0 when gt lists none). */
export function motFrames(): TruthFrame[] {
  if (!existsSync(MOT_DIR)) return [];
  const out: TruthFrame[] = [];
  for (const seq of readdirSync(MOT_DIR).sort()) {
    const dir = path.join(MOT_DIR, seq);
    if (!existsSync(path.join(dir, 'gt/gt.txt'))) continue;
    const counts = motCounts(dir);
    for (const img of readdirSync(path.join(dir, 'img1')).filter((n) => n.endsWith('.jpg')).sort()) {
      out.push({ name: `${seq}/${img}`, path: path.join(dir, 'img1', img), truth: counts.get(Number.parseInt(img, 10)) ?? 0 });
    }
  }
  return out;
}

export interface MosaicSpec {
  name: string;
  width: number;
  height: number;
  grid: number;
  /** Row-major cells: MOT17 sequence and frame number. */
  cells: Array<{ seq: string; frame: number }>;
  truth: number;
}

export function loadMosaicSpecs(): MosaicSpec[] {
  return (JSON.parse(readFileSync(MOSAICS_FILE, 'utf8')) as { mosaics: MosaicSpec[] }).mosaics;
}

/** The truth of a mosaic recomputed from ../shared gt.txt. */
export function mosaicTruth(m: MosaicSpec): number {
  return m.cells.reduce((s, c) => s + (motCounts(path.join(MOT_DIR, c.seq)).get(c.frame) ?? 0), 0);
}

/** Bilinear resize of `src` into the rectangle (x, y, w, h) of `dst`. */
export function drawScaled(dst: RgbImage, src: RgbImage, x: number, y: number, w: number, h: number): void {
  const sx = src.width / w;
  const sy = src.height / h;
  for (let j = 0; j < h; j++) {
    const fy = Math.min(Math.max((j + 0.5) * sy - 0.5, 0), src.height - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, src.height - 1);
    const wy = fy - y0;
    for (let i = 0; i < w; i++) {
      const fx = Math.min(Math.max((i + 0.5) * sx - 0.5, 0), src.width - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, src.width - 1);
      const wx = fx - x0;
      const o = ((y + j) * dst.width + x + i) * 3;
      for (let c = 0; c < 3; c++) {
        const a = src.data[(y0 * src.width + x0) * 3 + c]! * (1 - wx) + src.data[(y0 * src.width + x1) * 3 + c]! * wx;
        const b = src.data[(y1 * src.width + x0) * 3 + c]! * (1 - wx) + src.data[(y1 * src.width + x1) * 3 + c]! * wx;
        dst.data[o + c] = Math.round(a * (1 - wy) + b * wy);
      }
    }
  }
}

/** Builds a mosaic: each cell's frame scaled to fit its cell (aspect kept, centred on grey). */
export async function buildMosaic(m: MosaicSpec): Promise<RgbImage> {
  const img: RgbImage = { width: m.width, height: m.height, data: new Uint8Array(m.width * m.height * 3).fill(114) };
  const cw = Math.floor(m.width / m.grid);
  const ch = Math.floor(m.height / m.grid);
  for (let i = 0; i < m.cells.length; i++) {
    const c = m.cells[i]!;
    const src = await decodeImageFile(DEFAULT_TOOLS, path.join(MOT_DIR, c.seq, 'img1', `${String(c.frame).padStart(6, '0')}.jpg`));
    const s = Math.min(cw / src.width, ch / src.height);
    const w = Math.round(src.width * s);
    const h = Math.round(src.height * s);
    drawScaled(img, src, (i % m.grid) * cw + Math.floor((cw - w) / 2), Math.floor(i / m.grid) * ch + Math.floor((ch - h) / 2), w, h);
  }
  return img;
}

/** Scales a frame to `width` (aspect kept). */
export function scaleTo(src: RgbImage, width: number): RgbImage {
  const height = Math.round((src.height * width) / src.width);
  const dst: RgbImage = { width, height, data: new Uint8Array(width * height * 3) };
  drawScaled(dst, src, 0, 0, width, height);
  return dst;
}
