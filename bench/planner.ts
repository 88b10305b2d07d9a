/**
 * Camera site planner benchmark.
 *
 *   npx tsx bench/planner.ts [--smoke] [--seeds 3] [--radius 150] [--time-limit 120]
 *
 * 1. Greedy at scale: 20,000 demand points / 3,000 candidates / K = 100 (hot-spot clusters over an
 *    8 km square, radius 150 m). Times the coverage model (spatial grid), the lazy greedy, the lazy
 *    greedy plus its swap local search (what the product runs) and, as the baseline in the same run,
 *    the plain greedy (every gain recomputed every step); then the exact solver (HiGHS, warm-started)
 *    for the optimum or its best bound, and the greedy's ratio to it (with and without swaps).
 * 2. Exact: 2,000 / 600 / K = 30: time to proven optimality, with the reduced model (points merged
 *    by covering set) and, as its baseline, the same MILP with one row per point.
 * Prints one JSON line on stdout; progress on stderr.
 */
import { buildCoverage } from '../src/plan/coverage';
import { solveExact } from '../src/plan/exact';
import { generateInstance } from '../src/plan/generate';
import { lazyGreedy, plainGreedy, type SolveSpec } from '../src/plan/greedy';
import { prng } from '../test/support/prng';
import { args, finish, intArg, log, machine } from './lib/common';
import { round } from './lib/stats';

const a = args({ smoke: 'boolean', seeds: 'string', radius: 'string', 'time-limit': 'string' });
const smoke = a.smoke === true;
const SEEDS = intArg(a.seeds, smoke ? 1 : 3);
const RADIUS = intArg(a.radius, 150);
const TIME_LIMIT = intArg(a['time-limit'], smoke ? 10 : 120);
const BIG = smoke ? { demand: 2000, candidates: 300, K: 20 } : { demand: 20_000, candidates: 3000, K: 100 };
const MID = smoke ? { demand: 500, candidates: 150, K: 10 } : { demand: 2000, candidates: 600, K: 30 };

const ms = (t0: number) => round(performance.now() - t0, 1);
const specFor = (costs: number[], K: number): SolveSpec => ({ count: K, budget: null, siteCost: Float64Array.from(costs), beta: 0, pinnedSites: [], forbiddenSites: new Set() });

async function greedyAtScale(seed: number) {
  const inst = generateInstance(prng(seed), { demand: BIG.demand, candidates: BIG.candidates });
  let t0 = performance.now();
  const cov = buildCoverage(inst, { radiusM: RADIUS });
  const coverageMs = ms(t0);
  const spec = specFor(inst.candidates.map((c) => c.cost), BIG.K);
  t0 = performance.now();
  const lazy = lazyGreedy(cov, spec, { swapMs: 0 });
  const lazyMs = ms(t0);
  t0 = performance.now();
  const tuned = lazyGreedy(cov, spec, { swapMs: 5000 });
  const tunedMs = ms(t0);
  t0 = performance.now();
  const plain = plainGreedy(cov, spec);
  const plainMs = ms(t0);
  log(`seed ${seed}: coverage ${coverageMs} ms (${cov.optItems.length} pairs), lazy ${lazyMs} ms (+swaps ${tunedMs} ms, ${tuned.swaps} swaps), plain ${plainMs} ms; solving exactly (≤ ${TIME_LIMIT} s)…`);
  const ex = await solveExact(cov, spec, tuned, { timeLimitS: TIME_LIMIT });
  const proven = ex.status === 'optimal';
  return {
    seed,
    pairs: cov.optItems.length,
    coverageMs,
    lazyGreedyMs: lazyMs,
    plainGreedyMs: plainMs,
    greedySwapMs: tunedMs,
    greedyTotalMs: round(coverageMs + tunedMs, 1),
    swaps: tuned.swaps,
    greedySwapObjective: tuned.objective,
    lazyEvaluations: lazy.evaluations,
    plainEvaluations: plain.evaluations,
    lazyObjective: lazy.objective,
    plainObjective: plain.objective,
    greedyBound: round(lazy.bound, 2),
    exactStatus: ex.status,
    exactMs: ex.elapsedMs,
    exactObjective: ex.objective,
    exactBound: round(ex.bound, 2),
    modelRows: ex.rows,
    modelColumns: ex.columns,
    reference: proven ? 'optimum' : 'best bound',
    ratioToReference: round(lazy.objective / (proven ? ex.objective : ex.bound), 4),
    swapRatioToReference: round(tuned.objective / (proven ? ex.objective : ex.bound), 4),
  };
}

async function exactMid(seed: number) {
  const inst = generateInstance(prng(seed), { demand: MID.demand, candidates: MID.candidates });
  const cov = buildCoverage(inst, { radiusM: RADIUS });
  const spec = specFor(inst.candidates.map((c) => c.cost), MID.K);
  const warm = lazyGreedy(cov, spec);
  const reduced = await solveExact(cov, spec, warm, { timeLimitS: TIME_LIMIT });
  const full = await solveExact(cov, spec, warm, { timeLimitS: TIME_LIMIT, merge: false });
  log(`seed ${seed}: exact reduced ${reduced.status} in ${reduced.elapsedMs} ms (${reduced.rows} rows), unreduced ${full.status} in ${full.elapsedMs} ms (${full.rows} rows)`);
  if (Math.abs(reduced.objective - full.objective) > 1e-6 && reduced.status === 'optimal' && full.status === 'optimal') throw new Error(`reduced and full models disagree: ${reduced.objective} vs ${full.objective}`);
  return {
    seed,
    status: reduced.status,
    ms: reduced.elapsedMs,
    rows: reduced.rows,
    columns: reduced.columns,
    objective: reduced.objective,
    gap: reduced.gap,
    greedyObjective: warm.objective,
    greedyRatio: round(warm.objective / reduced.objective, 4),
    baselineUnreduced: { status: full.status, ms: full.elapsedMs, rows: full.rows, objective: full.objective },
  };
}

log(`planner benchmark${smoke ? ' (smoke)' : ''}: ${BIG.demand}/${BIG.candidates}/K=${BIG.K} greedy and ${MID.demand}/${MID.candidates}/K=${MID.K} exact, radius ${RADIUS} m, ${SEEDS} seed(s)`);
{
  // Warm the JIT on a small instance so the first measured run is not the compiler's.
  const w = generateInstance(prng(1), { demand: 2000, candidates: 300 });
  const cov = buildCoverage(w, { radiusM: RADIUS });
  lazyGreedy(cov, specFor(w.candidates.map((c) => c.cost), 20));
  plainGreedy(cov, specFor(w.candidates.map((c) => c.cost), 20));
}
const greedy = [];
const exact = [];
for (let s = 1; s <= SEEDS; s++) greedy.push(await greedyAtScale(100 + s));
for (let s = 1; s <= SEEDS; s++) exact.push(await exactMid(200 + s));
finish({ bench: 'planner', smoke, radiusM: RADIUS, timeLimitS: TIME_LIMIT, sizes: { greedy: BIG, exact: MID }, greedy, exact, machine: machine() });
