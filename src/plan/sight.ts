/**
 * Line of sight: an obstacle polygon (a building footprint) blocks the segment camera → point when
 * the segment crosses its boundary or ends inside it, unless the camera stands in that polygon (it
 * is mounted on it). With both heights known, a camera sees over the obstacle when the sight line
 * (from the mounting height down to the ground at the point) is still above the obstacle's height
 * where it leaves the footprint.
 */
import { type LocalProjection, pointInRings, segmentCross } from './geo';
import { BoxGrid } from './grid';
import type { Obstacle } from './types';

interface Poly {
  rings: Float64Array[];
  box: [number, number, number, number];
  height: number | null;
}

export class SightLines {
  private readonly polys: Poly[];
  private readonly grid: BoxGrid | null;

  constructor(obstacles: Obstacle[], proj: LocalProjection, cellM: number) {
    this.polys = obstacles.map((o) => {
      let minX = Infinity;
      let minY = Infinity;
      let maxX = -Infinity;
      let maxY = -Infinity;
      const rings = o.rings.map((ring) => {
        const flat = new Float64Array(ring.length * 2);
        ring.forEach(([lon, lat], i) => {
          const x = proj.x(lon);
          const y = proj.y(lat);
          flat[2 * i] = x;
          flat[2 * i + 1] = y;
          minX = Math.min(minX, x);
          minY = Math.min(minY, y);
          maxX = Math.max(maxX, x);
          maxY = Math.max(maxY, y);
        });
        return flat;
      });
      return { rings, box: [minX, minY, maxX, maxY] as [number, number, number, number], height: o.height };
    });
    this.grid = this.polys.length ? new BoxGrid(this.polys.map((p) => p.box), cellM) : null;
  }

  get empty(): boolean {
    return this.grid === null;
  }

  /** The obstacles a camera at (x, y) stands in: they never block its own view. */
  containing(x: number, y: number): Set<number> {
    const out = new Set<number>();
    this.grid?.query(x, y, x, y, (i) => {
      const p = this.polys[i]!;
      if (x >= p.box[0] && x <= p.box[2] && y >= p.box[1] && y <= p.box[3] && pointInRings(x, y, p.rings)) out.add(i);
    });
    return out;
  }

  blocked(cx: number, cy: number, camHeight: number | null, own: Set<number>, tx: number, ty: number): boolean {
    if (!this.grid) return false;
    const minX = Math.min(cx, tx);
    const maxX = Math.max(cx, tx);
    const minY = Math.min(cy, ty);
    const maxY = Math.max(cy, ty);
    let hit = false;
    this.grid.query(minX, minY, maxX, maxY, (i) => {
      if (hit || own.has(i)) return;
      const p = this.polys[i]!;
      if (p.box[0] > maxX || p.box[2] < minX || p.box[1] > maxY || p.box[3] < minY) return;
      let tExit = -1;
      if (tx >= p.box[0] && tx <= p.box[2] && ty >= p.box[1] && ty <= p.box[3] && pointInRings(tx, ty, p.rings)) tExit = 1;
      else {
        for (const r of p.rings) {
          const n = r.length / 2;
          for (let a = 0, b = n - 1; a < n; b = a++) {
            const t = segmentCross(cx, cy, tx, ty, r[2 * b]!, r[2 * b + 1]!, r[2 * a]!, r[2 * a + 1]!);
            if (t > tExit) tExit = t;
          }
        }
      }
      if (tExit < 0) return;
      // The sight line falls linearly from camHeight at the camera to 0 at the point.
      if (p.height === null || camHeight === null || p.height >= camHeight * (1 - tExit)) hit = true;
    });
    return hit;
  }
}
