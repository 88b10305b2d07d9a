import type { Polygon } from './privacy.model';

/** A rectangle in grid cells: columns [x, x+w), rows [y, y+h). */
export interface CellRect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * Conservative rasterisation of normalised polygons on a `cols × rows` grid: a cell is filled when any part
 * of it touches a polygon (its interior, or an edge passing through it), so the filled cells always cover the
 * polygon completely — masking errs towards hiding a little more, never less. Returns the filled cells merged
 * into few rectangles (runs per row, then identical runs of consecutive rows joined).
 */
export function rasterise(polygons: readonly Polygon[], cols: number, rows: number): CellRect[] {
  const grid = new Uint8Array(cols * rows);
  for (const p of polygons) fillPolygon(grid, cols, rows, p.points);
  return mergeCells(grid, cols, rows);
}

function fillPolygon(grid: Uint8Array, cols: number, rows: number, pts: ReadonlyArray<readonly [number, number]>): void {
  const P = pts.map(([x, y]) => [x * cols, y * rows] as const);
  // 1. Cells whose centre is inside (even-odd rule on the centre row).
  for (let r = 0; r < rows; r++) {
    const yc = r + 0.5;
    const xs: number[] = [];
    for (let i = 0; i < P.length; i++) {
      const a = P[i]!;
      const b = P[(i + 1) % P.length]!;
      if ((a[1] <= yc && b[1] > yc) || (b[1] <= yc && a[1] > yc)) xs.push(a[0] + ((yc - a[1]) / (b[1] - a[1])) * (b[0] - a[0]));
    }
    xs.sort((u, v) => u - v);
    for (let k = 0; k + 1 < xs.length; k += 2) {
      const c0 = Math.max(0, Math.floor(xs[k]!));
      const c1 = Math.min(cols - 1, Math.floor(xs[k + 1]!));
      for (let c = c0; c <= c1; c++) grid[r * cols + c] = 1;
    }
  }
  // 2. Every cell an edge passes through (exact: per row band, the x-extent of the edge inside it), which
  //    covers thin parts and everything between cell centres and the boundary.
  for (let i = 0; i < P.length; i++) {
    const a = P[i]!;
    const b = P[(i + 1) % P.length]!;
    const yTop = Math.min(a[1], b[1]);
    const yBot = Math.max(a[1], b[1]);
    const r0 = Math.max(0, Math.floor(yTop));
    const r1 = Math.min(rows - 1, Math.floor(yBot));
    for (let r = r0; r <= r1; r++) {
      let xa: number;
      let xb: number;
      if (b[1] === a[1]) {
        xa = a[0];
        xb = b[0];
      } else {
        const ya = Math.max(yTop, r);
        const yb = Math.min(yBot, r + 1);
        xa = a[0] + ((ya - a[1]) / (b[1] - a[1])) * (b[0] - a[0]);
        xb = a[0] + ((yb - a[1]) / (b[1] - a[1])) * (b[0] - a[0]);
      }
      const c0 = Math.max(0, Math.floor(Math.min(xa, xb) - 1e-9));
      const c1 = Math.min(cols - 1, Math.floor(Math.max(xa, xb) + 1e-9));
      for (let c = c0; c <= c1; c++) grid[r * cols + c] = 1;
      // An edge lying exactly on a row border touches the row above too.
      if (Number.isInteger(yTop) && r === r0 && r > 0 && yTop === r) for (let c = c0; c <= c1; c++) grid[(r - 1) * cols + c] = 1;
    }
  }
}

function mergeCells(grid: Uint8Array, cols: number, rows: number): CellRect[] {
  const done: CellRect[] = [];
  let open = new Map<string, CellRect>(); // runs of the previous row, by "x,w"
  for (let r = 0; r < rows; r++) {
    const next = new Map<string, CellRect>();
    let c = 0;
    while (c < cols) {
      if (!grid[r * cols + c]) {
        c++;
        continue;
      }
      const x = c;
      while (c < cols && grid[r * cols + c]) c++;
      const key = `${x},${c - x}`;
      const prev = open.get(key);
      if (prev) {
        prev.h++;
        open.delete(key);
        next.set(key, prev);
      } else {
        next.set(key, { x, y: r, w: c - x, h: 1 });
      }
    }
    for (const rect of open.values()) done.push(rect);
    open = next;
  }
  for (const rect of open.values()) done.push(rect);
  return done.sort((a, b) => a.y - b.y || a.x - b.x);
}

/** Is normalised point (x, y) inside any filled rectangle? (tests, and the web preview) */
export function covered(rects: readonly CellRect[], cols: number, rows: number, x: number, y: number): boolean {
  const cx = x * cols;
  const cy = y * rows;
  return rects.some((r) => cx >= r.x && cx <= r.x + r.w && cy >= r.y && cy <= r.y + r.h);
}
