/**
 * Greedy solvers for the (budgeted) maximum coverage problem.
 * - Lazy greedy (Minoux): gains only shrink as the set grows (submodularity), so a stale gain at
 *   the top of a max-heap is re-evaluated and only accepted when fresh. (1 − 1/e) for K sites.
 * - Budget: cost-effectiveness greedy (gain/cost) and the best single affordable site, the better
 *   of the two (Khuller, Moss & Naor 1999: ≥ ½(1 − 1/e) of the optimum).
 * - Upper bound: for any set S and the optimum O, f(O) ≤ f(S) + Σ_{j∈O∖S} Δ_j(S), so f(S) plus the
 *   K largest gains (or a fractional knapsack of gains for a budget) bounds the optimum.
 * Plain greedy (every gain recomputed every step) is the benchmark's baseline.
 */
import type { CoverageModel } from './coverage';
import { MaxHeap } from './heap';
import { CoverState } from './objective';
import { swapImprove } from './swap';

export interface SolveSpec {
  count: number | null;
  budget: number | null;
  /** Cost per candidate site. */
  siteCost: Float64Array;
  beta: number;
  pinnedSites: number[];
  forbiddenSites: Set<number>;
}

export interface GreedyResult {
  /** Chosen options in selection order (pinned first). */
  options: number[];
  gains: number[];
  objective: number;
  /** Upper bound on the optimum's objective. */
  bound: number;
  /** Gain evaluations made (the work the lazy queue saves). */
  evaluations: number;
}

const EPS = 1e-12;

function addPinned(cov: CoverageModel, spec: SolveSpec, state: CoverState, used: Uint8Array, out: { options: number[]; gains: number[] }): void {
  for (const site of spec.pinnedSites) {
    let best = -1;
    let bestGain = -1;
    for (const j of cov.siteOptions[site]!) {
      const g = state.gain(j);
      if (g > bestGain) [best, bestGain] = [j, g];
    }
    used[site] = 1;
    out.options.push(best);
    out.gains.push(state.add(best));
  }
}

/** f(S) + the best completion any feasible set could add (K largest per-site gains, or a fractional knapsack). */
export function upperBound(cov: CoverageModel, spec: SolveSpec, state: CoverState): number {
  const best: Array<{ gain: number; cost: number }> = [];
  cov.siteOptions.forEach((opts, site) => {
    if (spec.forbiddenSites.has(site)) return;
    let g = 0;
    for (const j of opts) g = Math.max(g, state.gain(j));
    if (g > 0) best.push({ gain: g, cost: spec.siteCost[site]! });
  });
  let extra = 0;
  if (spec.count !== null) {
    best.sort((a, b) => b.gain - a.gain);
    for (let i = 0; i < Math.min(spec.count, best.length); i++) extra += best[i]!.gain;
  } else {
    let room = spec.budget ?? 0;
    best.sort((a, b) => b.gain / Math.max(b.cost, EPS) - a.gain / Math.max(a.cost, EPS));
    for (const b of best) {
      if (room <= 0) break;
      const take = b.cost <= room ? 1 : room / b.cost;
      extra += take * b.gain;
      room -= take * b.cost;
    }
  }
  return state.value + extra;
}

interface Run {
  options: number[];
  gains: number[];
  state: CoverState;
  evaluations: number;
  bound: number;
}

function lazyRun(cov: CoverageModel, spec: SolveSpec, byRatio: boolean): Run {
  const state = new CoverState(cov, spec.beta);
  const used = new Uint8Array(cov.siteOptions.length);
  const out = { options: [] as number[], gains: [] as number[] };
  addPinned(cov, spec, state, used, out);
  let room = spec.budget === null ? Infinity : spec.budget - spec.pinnedSites.reduce((a, s) => a + spec.siteCost[s]!, 0);
  let left = spec.count === null ? Infinity : spec.count - spec.pinnedSites.length;
  const costOf = (j: number) => spec.siteCost[cov.options[j]!.site]!;
  const key = (j: number, g: number) => (byRatio ? g / Math.max(costOf(j), EPS) : g);
  const heap = new MaxHeap(cov.options.length);
  const fresh = new Int32Array(cov.options.length);
  let evaluations = 0;
  for (let j = 0; j < cov.options.length; j++) {
    const site = cov.options[j]!.site;
    if (used[site] || spec.forbiddenSites.has(site) || costOf(j) > room) continue;
    const g = state.gain(j);
    evaluations++;
    if (g > 0) heap.push(key(j, g), j);
  }
  let bound = upperBound(cov, spec, state);
  const every = Math.max(1, Math.floor((Number.isFinite(left) ? left : 100) / 8));
  let step = 1;
  while (left > 0 && heap.size > 0) {
    const j = heap.topId();
    const site = cov.options[j]!.site;
    if (used[site] || costOf(j) > room) {
      heap.pop();
      continue;
    }
    if (fresh[j] !== step) {
      const g = state.gain(j);
      evaluations++;
      heap.pop();
      fresh[j] = step;
      if (g > 0) heap.push(key(j, g), j);
      continue;
    }
    heap.pop();
    used[site] = 1;
    out.options.push(j);
    out.gains.push(state.add(j));
    room -= costOf(j);
    left--;
    step++;
    if (step % every === 0) bound = Math.min(bound, upperBound(cov, spec, state));
  }
  bound = Math.min(bound, upperBound(cov, spec, state));
  return { ...out, state, evaluations, bound };
}

/** The best single affordable option added to the pinned sites (the budget rule's second half). */
function bestSingle(cov: CoverageModel, spec: SolveSpec): Run {
  const state = new CoverState(cov, spec.beta);
  const used = new Uint8Array(cov.siteOptions.length);
  const out = { options: [] as number[], gains: [] as number[] };
  addPinned(cov, spec, state, used, out);
  const room = (spec.budget ?? Infinity) - spec.pinnedSites.reduce((a, s) => a + spec.siteCost[s]!, 0);
  let best = -1;
  let bestGain = 0;
  for (let j = 0; j < cov.options.length; j++) {
    const site = cov.options[j]!.site;
    if (used[site] || spec.forbiddenSites.has(site) || spec.siteCost[site]! > room) continue;
    const g = state.gain(j);
    if (g > bestGain) [best, bestGain] = [j, g];
  }
  if (best >= 0) {
    out.options.push(best);
    out.gains.push(state.add(best));
  }
  return { ...out, state, evaluations: cov.options.length, bound: Infinity };
}

export interface GreedyOptions {
  /** Time for the swap local search after the greedy (0 = none). */
  swapMs?: number;
}

export function lazyGreedy(cov: CoverageModel, spec: SolveSpec, o: GreedyOptions = {}): GreedyResult & { swaps: number; greedyObjective: number } {
  let run = lazyRun(cov, spec, spec.count === null);
  let bound = run.bound;
  if (spec.count === null) {
    const single = bestSingle(cov, spec);
    if (single.state.value > run.state.value) run = { ...single, evaluations: run.evaluations + single.evaluations };
  }
  const greedyObjective = run.state.value;
  const swapMs = o.swapMs ?? 2000;
  let options = run.options;
  let gains = run.gains;
  let swaps = 0;
  if (swapMs > 0 && options.length > 0) {
    const improved = swapImprove(cov, spec, run.state, options, swapMs);
    swaps = improved.swaps;
    if (swaps > 0) {
      options = improved.options;
      gains = [];
      bound = Math.min(bound, upperBound(cov, spec, run.state));
    }
  }
  return { options, gains, objective: run.state.value, bound: Math.max(bound, run.state.value), evaluations: run.evaluations, swaps, greedyObjective };
}

/** The textbook greedy: every remaining option's gain recomputed at every step (benchmark baseline). */
export function plainGreedy(cov: CoverageModel, spec: SolveSpec): GreedyResult {
  const state = new CoverState(cov, spec.beta);
  const used = new Uint8Array(cov.siteOptions.length);
  const out = { options: [] as number[], gains: [] as number[] };
  addPinned(cov, spec, state, used, out);
  let room = spec.budget === null ? Infinity : spec.budget - spec.pinnedSites.reduce((a, s) => a + spec.siteCost[s]!, 0);
  let left = spec.count === null ? Infinity : spec.count - spec.pinnedSites.length;
  let evaluations = 0;
  while (left > 0) {
    let best = -1;
    let bestKey = 0;
    for (let j = 0; j < cov.options.length; j++) {
      const site = cov.options[j]!.site;
      const cost = spec.siteCost[site]!;
      if (used[site] || spec.forbiddenSites.has(site) || cost > room) continue;
      const g = state.gain(j);
      evaluations++;
      const k = spec.count === null ? g / Math.max(cost, EPS) : g;
      if (g > 0 && k > bestKey) [best, bestKey] = [j, k];
    }
    if (best < 0) break;
    used[cov.options[best]!.site] = 1;
    out.options.push(best);
    out.gains.push(state.add(best));
    room -= spec.siteCost[cov.options[best]!.site]!;
    left--;
  }
  return { ...out, objective: state.value, bound: upperBound(cov, spec, state), evaluations };
}
