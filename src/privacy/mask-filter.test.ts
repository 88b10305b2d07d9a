import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { DEFAULT_TOOLS, runFfmpeg } from '../media/ffmpeg';
import { maskFilter } from '../media/privacy-filters';
import type { Polygon } from './privacy.model';
import { covered, rasterise } from './raster';

const polys: Polygon[] = [
  { label: 'window', points: [[0.1, 0.1], [0.45, 0.15], [0.3, 0.55]] }, // a slanted triangle
  { label: 'balcony', points: [[0.6, 0.6], [0.9, 0.6], [0.9, 0.8], [0.75, 0.95], [0.6, 0.8]] },
];

function inside(pts: Polygon['points'], x: number, y: number): boolean {
  let c = false;
  for (let i = 0, j = pts.length - 1; i < pts.length; j = i++) {
    const [xi, yi] = pts[i]!;
    const [xj, yj] = pts[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) c = !c;
  }
  return c;
}

test('rasterise covers every point of every polygon (conservative) with few rectangles', () => {
  const rects = rasterise(polys, 64, 36);
  assert.ok(rects.length > 0 && rects.length < 200, `${rects.length} rectangles`);
  for (let i = 0; i <= 400; i++) {
    for (let j = 0; j <= 400; j++) {
      const x = i / 400;
      const y = j / 400;
      if (polys.some((p) => inside(p.points, x, y))) assert.ok(covered(rects, 64, 36, x, y), `(${x}, ${y}) inside a polygon is not covered`);
    }
  }
  // …and it does not spill far: a point a whole cell away from both polygons stays clear.
  assert.equal(covered(rects, 64, 36, 0.02, 0.9), false);
  assert.deepEqual(rasterise([], 64, 36), []);
  // An axis-aligned rectangle on cell borders becomes ONE box (no needless fragmentation).
  assert.equal(rasterise([{ label: '', points: [[0.25, 0.25], [0.5, 0.25], [0.5, 0.5], [0.25, 0.5]] }], 64, 36).length, 1);
});

test('the drawbox chain fills every pixel inside the polygons and leaves the rest of the picture alone', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sv-mask-'));
  try {
    const [W, H] = [640, 360];
    const src = ['-f', 'lavfi', '-i', `testsrc2=size=${W}x${H}:rate=25:duration=1`, '-frames:v', '1'];
    const grey = ['-pix_fmt', 'gray', '-f', 'rawvideo', 'pipe:1'];
    const rects = rasterise(polys, 192, 108);
    const filter = maskFilter(rects, 192, 108, '000000');
    // Pixels within 3 px of a filled grid rectangle may be filled too (rounding outwards, chroma alignment).
    const cov = new Uint8Array(W * H);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if (covered(rects, 192, 108, (x + 0.5) / W, (y + 0.5) / H)) cov[y * W + x] = 1;
    const near = (x: number, y: number) => {
      for (let dy = -3; dy <= 3; dy++) for (let dx = -3; dx <= 3; dx++) if (cov[Math.min(H - 1, Math.max(0, y + dy)) * W + Math.min(W - 1, Math.max(0, x + dx))]) return true;
      return false;
    };
    const orig = (await runFfmpeg(DEFAULT_TOOLS, [...src, '-vf', 'format=yuv420p', ...grey])).stdout;
    const masked = (await runFfmpeg(DEFAULT_TOOLS, [...src, '-vf', `format=yuv420p,${filter}`, ...grey])).stdout;
    assert.equal(masked.length, W * H);
    let inPx = 0;
    let outSame = 0;
    let outPx = 0;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        // Every pixel that touches a polygon (any of its corners inside) must be the fill.
        const touches = [[0, 0], [1, 0], [0, 1], [1, 1], [0.5, 0.5]].some(([dx, dy]) => polys.some((p) => inside(p.points, (x + dx!) / W, (y + dy!) / H)));
        const v = masked[y * W + x]!;
        if (touches) {
          inPx++;
          assert.ok(v <= 2, `pixel (${x}, ${y}) inside a mask is ${v}, not the fill`);
        } else if (!near(x, y)) {
          outPx++;
          if (v === orig[y * W + x]) outSame++;
        }
      }
    }
    assert.ok(inPx > 20_000, `${inPx} pixels inside`);
    assert.ok(outPx > 150_000, `${outPx} pixels outside`);
    assert.equal(outSame, outPx, 'pixels away from the masks are untouched');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
