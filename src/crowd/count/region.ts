/**
 * The count calibration file of `smartview crowd count --calibration FILE`: a ground-plane calibration (the
 * same image↔ground pairs as a camera's analytics calibration, src/rules/calibration.ts) and the region of the
 * image where density is measured. Density = persons whose feet (or density cells) lie in the region ÷ the
 * region's area on the ground, in persons per m².
 *
 *   {
 *     "pairs": [ { "image": [x, y], "ground": [lat, lon] }, … ],   // ≥ 4, on the ground plane
 *     "imageSize": [width, height],                              // optional: image coordinates are pixels
 *     "region": [[x, y], …]                                      // optional image polygon (≥ 3 points);
 *   }                                                              // default: the hull of the pairs' image points
 *
 * Image coordinates are normalised 0..1 (x right, y down) unless `imageSize` is given. The region must lie
 * below the horizon (every corner maps onto the ground).
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { UserError, ValidationError } from '../../core/errors';
import { GroundCalibration } from '../../rules/calibration';
import { pointInPolygon, polygonArea, selfIntersects, type Pt } from '../../rules/geometry';
import type { CountResult } from './index';

const pt = z.tuple([z.number().finite(), z.number().finite()]);
const fileSchema = z.strictObject({
  pairs: z.array(z.strictObject({ image: pt, ground: pt })).min(4, 'at least 4 image↔ground pairs are needed'),
  imageSize: z.tuple([z.number().positive(), z.number().positive()]).optional(),
  region: z.array(pt).min(3, 'the region needs at least 3 points').optional(),
});

export interface CountCalibration {
  calibration: GroundCalibration;
  /** Normalised image polygon where density is measured. */
  region: Pt[];
  /** Its area on the ground, m². */
  areaM2: number;
}

/** Convex hull (monotone chain), counter-clockwise. */
function hull(points: readonly Pt[]): Pt[] {
  const p = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const cross = (o: Pt, a: Pt, b: Pt) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower: Pt[] = [];
  for (const q of p) {
    while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, q) <= 0) lower.pop();
    lower.push(q);
  }
  const upper: Pt[] = [];
  for (const q of [...p].reverse()) {
    while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, q) <= 0) upper.pop();
    upper.push(q);
  }
  return [...lower.slice(0, -1), ...upper.slice(0, -1)];
}

export function parseCountCalibration(raw: unknown, where = 'calibration'): CountCalibration {
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`);
    throw new ValidationError(`${where}: ${issues.join('; ')} (expected {"pairs":[{"image":[x,y],"ground":[lat,lon]},…], "imageSize"?: [w,h], "region"?: [[x,y],…]})`, { issues });
  }
  const f = parsed.data;
  const [sw, sh] = f.imageSize ?? [1, 1];
  const norm = (p: readonly [number, number]): Pt => [p[0] / sw, p[1] / sh];
  const pairs = f.pairs.map((p) => ({ image: norm(p.image), ground: p.ground }));
  const outside = pairs.findIndex((p) => p.image.some((v) => v < -0.01 || v > 1.01));
  if (outside >= 0) throw new ValidationError(`${where}: pair ${outside + 1}'s image point ${JSON.stringify(f.pairs[outside]!.image)} lies outside the image; image points are normalised 0..1${f.imageSize ? '' : ' (or give "imageSize" for pixels)'}`);
  const calibration = GroundCalibration.fit(pairs);
  const region = f.region ? f.region.map(norm) : hull(pairs.map((p) => p.image));
  if (region.length < 3 || polygonArea(region) < 1e-6) throw new ValidationError(`${where}: the region has no area; give at least 3 image points around the place to measure`);
  if (selfIntersects(region)) throw new ValidationError(`${where}: the region's edges cross; list its corners in order around it`);
  const ground = region.map((p) => calibration.toMetres(p));
  const above = ground.findIndex((g) => g === null);
  if (above >= 0) throw new ValidationError(`${where}: region corner ${above + 1} ${JSON.stringify(region[above])} is on or above the horizon; keep the region on the ground`);
  const areaM2 = polygonArea(ground as Pt[]);
  if (!(areaM2 > 0.01)) throw new ValidationError(`${where}: the region covers ${areaM2} m² on the ground; it must cover some ground`);
  return { calibration, region, areaM2 };
}

export async function loadCountCalibration(file: string): Promise<CountCalibration> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new UserError('calibration_unreadable', `cannot read the calibration file ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)}): give a JSON file`, { file }, 404);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ValidationError(`${file} is not JSON (${(err as Error).message})`, { file });
  }
  return parseCountCalibration(raw, file);
}

/** Persons in the region and their density per m². */
export function densityOf(r: CountResult, cal: CountCalibration): { inRegion: number; densityPerM2: number } {
  let inRegion = 0;
  r.points.forEach((p, i) => {
    if (pointInPolygon([p.x, p.y], cal.region)) inRegion += r.weights?.[i] ?? 1;
  });
  return { inRegion, densityPerM2: inRegion / cal.areaM2 };
}
