import type { RgbImage } from '../../detect/types';

const PALETTE: Array<[string, number, number, number]> = [
  ['white', 235, 235, 235], ['silver', 175, 178, 182], ['grey', 110, 112, 115], ['black', 25, 25, 28], ['red', 180, 30, 35],
  ['blue', 30, 60, 160], ['green', 40, 120, 60], ['yellow', 220, 190, 40], ['orange', 220, 120, 30], ['brown', 110, 75, 45],
];

/**
 * A coarse body colour: the median of the crop's central band (the bonnet and doors, away from the
 * road and the windows), named by the nearest palette colour. Good enough to filter "white van";
 * not a classifier.
 */
export function colourName(img: RgbImage): string | null {
  const x0 = Math.floor(img.width * 0.2);
  const x1 = Math.ceil(img.width * 0.8);
  const y0 = Math.floor(img.height * 0.45);
  const y1 = Math.ceil(img.height * 0.75);
  const rs: number[] = [];
  const gs: number[] = [];
  const bs: number[] = [];
  const step = Math.max(1, Math.floor(Math.sqrt(((x1 - x0) * (y1 - y0)) / 2000)));
  for (let y = y0; y < y1; y += step) {
    for (let x = x0; x < x1; x += step) {
      const i = (y * img.width + x) * 3;
      rs.push(img.data[i]!);
      gs.push(img.data[i + 1]!);
      bs.push(img.data[i + 2]!);
    }
  }
  if (!rs.length) return null;
  const med = (v: number[]) => v.sort((a, b) => a - b)[v.length >> 1]!;
  const [r, g, b] = [med(rs), med(gs), med(bs)];
  let best = PALETTE[0]!;
  let bestD = Infinity;
  for (const p of PALETTE) {
    const d = (p[1] - r) ** 2 + (p[2] - g) ** 2 + (p[3] - b) ** 2;
    if (d < bestD) [best, bestD] = [p, d];
  }
  return best[0];
}
