/**
 * The exact solver: the maximal covering location problem as a MILP solved by HiGHS (WebAssembly).
 *
 *   max  Σ_g w_g (y_g + β z_g) + offset
 *   s.t. y_g + z_g ≤ Σ_{j covers g} x_j      (z_g only when β > 0; y_g alone when an existing camera covers g once)
 *        Σ_j x_j ≤ K   or   Σ_j c_j x_j ≤ B
 *        Σ_{j of site s} x_j ≤ 1             (one bearing per site; = 1 for a pinned site)
 *        x binary, y, z ∈ [0, 1]
 *
 * The model is reduced first: points already covered (fully) by existing cameras and points no
 * candidate covers become the constant `offset`, and points with the same covering set and
 * existing count merge into one group with their weights summed — on clustered demand this
 * shrinks the rows many times over. The greedy solution is the warm start.
 */
import loadHighs, { type Highs } from 'highs';
import type { CoverageModel } from './coverage';
import type { GreedyResult, SolveSpec } from './greedy';
import { CoverState } from './objective';

let highsLoading: Promise<Highs> | null = null;
function highs(): Promise<Highs> {
  highsLoading ??= loadHighs();
  return highsLoading;
}

export interface ExactResult {
  options: number[];
  objective: number;
  bound: number;
  gap: number;
  status: string;
  columns: number;
  rows: number;
  groups: number;
  elapsedMs: number;
}

const STATUS: Record<number, string> = {
  7: 'optimal', 8: 'infeasible', 11: 'objective_bound', 12: 'objective_target', 13: 'time_limit', 14: 'iteration_limit', 16: 'solution_limit', 17: 'interrupted',
};

interface Built {
  colOption: number[];
  numCols: number;
  colCost: number[];
  colLower: number[];
  colUpper: number[];
  integrality: Int32Array;
  rowLower: number[];
  rowUpper: number[];
  starts: number[];
  indices: number[];
  values: number[];
  offset: number;
  groups: Array<{ opts: number[]; existing: number; y: number; z: number }>;
}

/** `merge: false` keeps one row per point (the benchmark's baseline for the reduction). */
export function buildModel(cov: CoverageModel, spec: SolveSpec, inf: number, merge = true): Built {
  const beta = spec.beta;
  const pinned = new Set(spec.pinnedSites);
  const keep = new Int32Array(cov.options.length).fill(-1);
  const colOption: number[] = [];
  cov.options.forEach((o, j) => {
    if (spec.forbiddenSites.has(o.site)) return;
    if (cov.optStart[j + 1]! === cov.optStart[j]! && !pinned.has(o.site)) return; // covers nothing
    keep[j] = colOption.length;
    colOption.push(j);
  });
  // Which kept columns cover each point (CSR transpose, ascending).
  const n = cov.weights.length;
  const deg = new Int32Array(n + 1);
  for (const j of colOption) for (let k = cov.optStart[j]!; k < cov.optStart[j + 1]!; k++) deg[cov.optItems[k]! + 1]!++;
  for (let i = 0; i < n; i++) deg[i + 1]! += deg[i]!;
  const pointCols = new Int32Array(deg[n]!);
  const fill = deg.slice(0, n);
  for (const j of colOption) for (let k = cov.optStart[j]!; k < cov.optStart[j + 1]!; k++) pointCols[fill[cov.optItems[k]!]!++] = keep[j]!;

  let offset = 0;
  const byKey = new Map<string, number>();
  const groups: Built['groups'] = [];
  const gw: number[] = [];
  for (let i = 0; i < n; i++) {
    const w = cov.weights[i]!;
    const e = cov.existing[i]!;
    offset += w * (e === 0 ? 0 : e === 1 ? 1 : 1 + beta);
    const open = e === 0 || (e === 1 && beta > 0);
    if (!open || deg[i + 1] === deg[i] || w === 0) continue;
    const cols = Array.from(pointCols.subarray(deg[i]!, deg[i + 1]!));
    const key = merge ? `${e}|${cols.join(',')}` : `#${i}`;
    const g = byKey.get(key);
    if (g !== undefined) gw[g]! += w;
    else {
      byKey.set(key, groups.length);
      groups.push({ opts: cols, existing: e, y: -1, z: -1 });
      gw.push(w);
    }
  }

  const nX = colOption.length;
  const colCost: number[] = new Array(nX).fill(0);
  const colLower: number[] = colOption.map((j) => (pinned.has(cov.options[j]!.site) && cov.siteOptions[cov.options[j]!.site]!.length === 1 ? 1 : 0));
  const colUpper: number[] = new Array(nX).fill(1);
  const integ: number[] = new Array(nX).fill(1);
  const rowLower: number[] = [];
  const rowUpper: number[] = [];
  const starts: number[] = [0];
  const indices: number[] = [];
  const values: number[] = [];
  const addRow = (lo: number, hi: number, idx: number[], val: number[]) => {
    rowLower.push(lo);
    rowUpper.push(hi);
    indices.push(...idx);
    values.push(...val);
    starts.push(indices.length);
  };
  groups.forEach((g, k) => {
    const idx: number[] = [];
    const val: number[] = [];
    if (g.existing === 0) {
      g.y = colCost.length;
      colCost.push(gw[k]!);
      idx.push(g.y);
      val.push(1);
    }
    if (beta > 0) {
      g.z = colCost.length;
      colCost.push(gw[k]! * beta);
      idx.push(g.z);
      val.push(1);
    }
    for (const _ of idx) {
      colLower.push(0);
      colUpper.push(1);
      integ.push(0);
    }
    for (const c of g.opts) {
      idx.push(c);
      val.push(-1);
    }
    addRow(-inf, 0, idx, val);
  });
  const xs = Array.from({ length: nX }, (_, c) => c);
  if (spec.count !== null) addRow(-inf, spec.count, xs, xs.map(() => 1));
  else addRow(-inf, spec.budget ?? 0, xs, colOption.map((j) => spec.siteCost[cov.options[j]!.site]!));
  const bySite = new Map<number, number[]>();
  colOption.forEach((j, c) => {
    const s = cov.options[j]!.site;
    bySite.set(s, [...(bySite.get(s) ?? []), c]);
  });
  for (const [site, cols] of bySite) {
    if (cols.length > 1) addRow(pinned.has(site) ? 1 : -inf, 1, cols, cols.map(() => 1));
  }
  return { colOption, numCols: colCost.length, colCost, colLower, colUpper, integrality: Int32Array.from(integ), rowLower, rowUpper, starts, indices, values, offset, groups };
}

export async function solveExact(cov: CoverageModel, spec: SolveSpec, warm: GreedyResult, opts: { timeLimitS: number; merge?: boolean }): Promise<ExactResult> {
  const t0 = performance.now();
  const h = await highs();
  const m = buildModel(cov, spec, h.infinity, opts.merge ?? true);
  const numRows = m.rowLower.length;
  // Warm start: the greedy's sites, and the coverage they give each group.
  const x = new Float64Array(m.numCols);
  const colOf = new Map(m.colOption.map((j, c) => [j, c]));
  for (const j of warm.options) {
    const c = colOf.get(j);
    if (c !== undefined) x[c] = 1;
  }
  for (const g of m.groups) {
    const hits = g.opts.reduce((a, c) => a + x[c]!, 0);
    if (g.y >= 0) x[g.y] = Math.min(1, hits);
    if (g.z >= 0) x[g.z] = Math.min(1, Math.max(0, hits - (g.y >= 0 ? 1 : 0)));
  }
  const model = h.createModel({
    numCols: m.numCols,
    numRows,
    sense: h.constants.objectiveSense.maximize,
    offset: m.offset,
    colCost: m.colCost,
    colLower: m.colLower,
    colUpper: m.colUpper,
    rowLower: m.rowLower,
    rowUpper: m.rowUpper,
    matrix: { format: 'csr', numRows, numCols: m.numCols, starts: Int32Array.from(m.starts), indices: Int32Array.from(m.indices), values: Float64Array.from(m.values) },
    integrality: m.integrality as unknown as Int32Array,
  });
  try {
    // A relative gap of 1e-6: "optimal" means optimal to well under one unit of weight.
    model.options.set({ output_flag: false, time_limit: opts.timeLimitS, mip_rel_gap: 1e-6 });
    model.setSolution({ colValue: x });
    model.run();
    const code = model.getModelStatus();
    const status = STATUS[code] ?? `status_${code}`;
    const sol = model.getSolution().colValue;
    let chosen: number[] = [];
    let objective = -Infinity;
    if (sol && sol.length === m.numCols) {
      chosen = m.colOption.filter((_, c) => sol[c]! > 0.5);
      const st = new CoverState(cov, spec.beta);
      for (const j of chosen) st.add(j);
      objective = st.value;
    }
    if (!(objective >= warm.objective - 1e-9)) [chosen, objective] = [warm.options, warm.objective];
    const dual = Number(model.info.get('mip_dual_bound'));
    // The tighter of HiGHS' dual bound and the greedy's submodularity bound; never below what we hold.
    const bound = Math.max(objective, Math.min(Number.isFinite(dual) ? dual : Infinity, warm.bound));
    return {
      options: chosen,
      objective,
      bound,
      gap: bound > 0 ? (bound - objective) / bound : 0,
      status,
      columns: m.numCols,
      rows: numRows,
      groups: m.groups.length,
      elapsedMs: Math.round(performance.now() - t0),
    };
  } finally {
    model.dispose();
  }
}
