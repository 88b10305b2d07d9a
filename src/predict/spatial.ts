import type { MovementModel } from './model';

/**
 * Nearest cameras by a uniform grid over lat/lon (cells of about 500 m), built on first use and
 * rebuilt when cameras were added or moved. Used by the distance fallback and the nearest-camera baseline.
 */
export class CameraGrid {
  private cells = new Map<number, number[]>();
  private built = -1;
  private cellLat = 0.0045;
  private cellLon = 0.0045;
  /** Answers per (camera, k): camera positions rarely change, predictions ask the same ones often. */
  private readonly cache = new Map<number, Array<{ camera: number; d: number }>>();

  constructor(private readonly m: MovementModel) {}

  /** Up to `k` cameras nearest to camera `c` (itself excluded), with distances in metres, nearest first. */
  nearest(c: number, k: number): Array<{ camera: number; d: number }> {
    this.build();
    const n = this.m.cameraIds.length;
    if (n <= 1) return [];
    const ck = c * 64 + Math.min(k, 63);
    const hit = this.cache.get(ck);
    if (hit) return hit;
    const lat = this.m.lat.a[c]!;
    const lon = this.m.lon.a[c]!;
    const ci = Math.floor(lat / this.cellLat);
    const cj = Math.floor(lon / this.cellLon);
    const found: Array<{ camera: number; d: number }> = [];
    // Ring r covers cells at Chebyshev distance r; once k are found, one more ring settles the order.
    let stopAt = Infinity;
    for (let r = 0; r <= stopAt && r < 400; r++) {
      for (let i = ci - r; i <= ci + r; i++) {
        for (let j = cj - r; j <= cj + r; j++) {
          if (Math.max(Math.abs(i - ci), Math.abs(j - cj)) !== r) continue;
          for (const o of this.cells.get(key(i, j)) ?? []) if (o !== c) found.push({ camera: o, d: this.m.distanceM(c, o) });
        }
      }
      if (found.length >= Math.min(k, n - 1) && stopAt === Infinity) stopAt = r + 1;
    }
    found.sort((x, y) => x.d - y.d || x.camera - y.camera);
    const out = found.slice(0, k);
    if (k < 64) this.cache.set(ck, out);
    return out;
  }

  private build(): void {
    const n = this.m.cameraIds.length;
    if (this.built === this.m.cameraVersion) return;
    this.cells.clear();
    this.cache.clear();
    const midLat = n ? this.m.lat.a[0]! : 0;
    this.cellLon = 0.0045 / Math.max(0.2, Math.cos((midLat * Math.PI) / 180));
    for (let c = 0; c < n; c++) {
      const k = key(Math.floor(this.m.lat.a[c]! / this.cellLat), Math.floor(this.m.lon.a[c]! / this.cellLon));
      const cell = this.cells.get(k);
      if (cell) cell.push(c);
      else this.cells.set(k, [c]);
    }
    this.built = this.m.cameraVersion;
  }
}

const key = (i: number, j: number) => (i + 50_000) * 200_000 + (j + 100_000);
