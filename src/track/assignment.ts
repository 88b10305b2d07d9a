/**
 * Minimum-cost linear assignment with a gate, as ByteTrack calls lap.lapjv(extend_cost=True, cost_limit):
 * rows and columns may stay unmatched, and a pair is only ever chosen when its cost is below `limit`.
 *
 * The n×m matrix is extended to (n+m)×(n+m): every row may take a dummy column and every column a dummy row
 * at limit/2 each, so leaving a pair unmatched costs `limit` — a real pair is worth taking only when cheaper.
 * The square problem is solved with the shortest-augmenting-path Hungarian method (the Jonker–Volgenant
 * family), O(k³) with k = n+m, per connected component of the feasible pairs.
 */

export interface Assignment {
  /** [row, col] pairs with cost < limit */
  matches: [number, number][];
  unmatchedRows: number[];
  unmatchedCols: number[];
}

/** Cost of a forbidden pair (other class, no overlap): never chosen because the dummies are cheaper. */
export const FORBIDDEN = 1e6;

/**
 * `cost` is row-major n×m. Entries ≥ limit (including FORBIDDEN, Infinity or NaN) are never matched.
 */
export function assign(cost: Float64Array | number[], n: number, m: number, limit: number): Assignment {
  const matches: [number, number][] = [];
  const rowMatched = new Uint8Array(n);
  const colMatched = new Uint8Array(m);
  // The extended problem separates over the connected components of the feasible pairs (the dummies cost the
  // same everywhere), and tracked objects mostly overlap only their own detection: solve each component alone,
  // so the cubic solver only ever sees the few boxes that actually compete.
  for (const { rows, cols } of components(cost, n, m, limit)) {
    if (rows.length === 1 && cols.length === 1) {
      matches.push([rows[0]!, cols[0]!]);
    } else {
      for (const [a, b] of solveExtended(cost, m, rows, cols, limit)) matches.push([rows[a]!, cols[b]!]);
    }
  }
  for (const [i, j] of matches) {
    rowMatched[i] = 1;
    colMatched[j] = 1;
  }
  matches.sort((a, b) => a[0] - b[0]);
  return {
    matches,
    unmatchedRows: range(n).filter((i) => !rowMatched[i]),
    unmatchedCols: range(m).filter((j) => !colMatched[j]),
  };
}

const feasible = (x: number, limit: number): boolean => Number.isFinite(x) && x < limit;

/** Connected components (≥ 1 feasible pair each) of the bipartite graph rows–cols with an edge per feasible pair. */
function components(cost: Float64Array | number[], n: number, m: number, limit: number): { rows: number[]; cols: number[] }[] {
  const parent = Int32Array.from({ length: n + m }, (_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!;
      x = parent[x]!;
    }
    return x;
  };
  const hasEdge = new Uint8Array(n + m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      if (!feasible(cost[i * m + j]!, limit)) continue;
      hasEdge[i] = 1;
      hasEdge[n + j] = 1;
      const a = find(i);
      const b = find(n + j);
      if (a !== b) parent[a] = b;
    }
  }
  const byRoot = new Map<number, { rows: number[]; cols: number[] }>();
  for (let x = 0; x < n + m; x++) {
    if (!hasEdge[x]) continue;
    const r = find(x);
    let c = byRoot.get(r);
    if (!c) byRoot.set(r, (c = { rows: [], cols: [] }));
    if (x < n) c.rows.push(x);
    else c.cols.push(x - n);
  }
  return [...byRoot.values()];
}

/** The (r+c)² extended matrix of one component, solved; pairs are indices into `rows` and `cols`. */
function solveExtended(cost: Float64Array | number[], m: number, rows: number[], cols: number[], limit: number): [number, number][] {
  const n = rows.length;
  const mc = cols.length;
  const k = n + mc;
  const half = limit / 2;
  const big = Math.max(limit, 1) * 4 + 1;
  const c = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      let v: number;
      if (i < n && j < mc) {
        const x = cost[rows[i]! * m + cols[j]!]!;
        v = feasible(x, limit) ? x : big;
      } else if (i < n || j < mc) {
        v = half;
      } else {
        v = 0;
      }
      c[i * k + j] = v;
    }
  }
  const colOfRow = hungarian(c, k);
  const out: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    const j = colOfRow[i]!;
    if (j < mc && c[i * k + j]! < limit) out.push([i, j]);
  }
  return out;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** Square k×k minimum-cost perfect matching; returns the column of each row. */
function hungarian(c: Float64Array, k: number): Int32Array {
  // 1-based potentials u (rows), v (cols); p[j] = row matched to column j; way[j] = previous column on the path.
  const u = new Float64Array(k + 1);
  const v = new Float64Array(k + 1);
  const p = new Int32Array(k + 1);
  const way = new Int32Array(k + 1);
  const minv = new Float64Array(k + 1);
  const used = new Uint8Array(k + 1);
  for (let i = 1; i <= k; i++) {
    p[0] = i;
    let j0 = 0;
    minv.fill(Infinity);
    used.fill(0);
    do {
      used[j0] = 1;
      const i0 = p[j0]!;
      const row = (i0 - 1) * k;
      let delta = Infinity;
      let j1 = 0;
      const ui0 = u[i0]!;
      for (let j = 1; j <= k; j++) {
        if (used[j]) continue;
        const cur = c[row + j - 1]! - ui0 - v[j]!;
        if (cur < minv[j]!) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j]! < delta) {
          delta = minv[j]!;
          j1 = j;
        }
      }
      for (let j = 0; j <= k; j++) {
        if (used[j]) {
          u[p[j]!] = u[p[j]!]! + delta;
          v[j] = v[j]! - delta;
        } else {
          minv[j] = minv[j]! - delta;
        }
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0]!;
      p[j0] = p[j1]!;
      j0 = j1;
    } while (j0 !== 0);
  }
  const colOfRow = new Int32Array(k);
  for (let j = 1; j <= k; j++) if (p[j]! > 0) colOfRow[p[j]! - 1] = j - 1;
  return colOfRow;
}

/** Intersection over union of two [x, y, w, h] boxes. */
export function iou(a: readonly number[], b: readonly number[]): number {
  const ax2 = a[0]! + a[2]!;
  const ay2 = a[1]! + a[3]!;
  const bx2 = b[0]! + b[2]!;
  const by2 = b[1]! + b[3]!;
  const iw = Math.min(ax2, bx2) - Math.max(a[0]!, b[0]!);
  if (iw <= 0) return 0;
  const ih = Math.min(ay2, by2) - Math.max(a[1]!, b[1]!);
  if (ih <= 0) return 0;
  const inter = iw * ih;
  const union = a[2]! * a[3]! + b[2]! * b[3]! - inter;
  return union > 0 ? inter / union : 0;
}
