import assert from 'node:assert/strict';
import { test } from 'node:test';
import { prng } from '../../test/support/prng';
import { buildCoverage } from './coverage';
import { solveExact } from './exact';
import { generateInstance } from './generate';
import { lazyGreedy, plainGreedy, type SolveSpec } from './greedy';
import { CoverState } from './objective';
import { runPlan } from './plan';

function spec(n: number, o: Partial<SolveSpec> = {}, costs?: number[]): SolveSpec {
  return { count: 3, budget: null, siteCost: Float64Array.from(costs ?? new Array(n).fill(1)), beta: 0, pinnedSites: [], forbiddenSites: new Set(), ...o };
}

/** Every subset of at most K sites (or within the budget): the true optimum. */
function bruteForce(cov: ReturnType<typeof buildCoverage>, s: SolveSpec): number {
  const n = cov.siteOptions.length;
  let best = 0;
  const rec = (site: number, chosen: number[], cost: number) => {
    const st = new CoverState(cov, s.beta);
    for (const j of chosen) st.add(j);
    best = Math.max(best, st.value);
    if (site >= n) return;
    for (let k = site; k < n; k++) {
      if (s.forbiddenSites.has(k)) continue;
      const c = cost + s.siteCost[k]!;
      if (s.count !== null ? chosen.length >= s.count : c > s.budget!) continue;
      for (const j of cov.siteOptions[k]!) rec(k + 1, [...chosen, j], c);
    }
  };
  rec(0, [], 0);
  return best;
}

test('exact equals brute force over all K-subsets on tiny instances (count, budget, bearings, double coverage)', async () => {
  for (let seed = 1; seed <= 6; seed++) {
    const inst = generateInstance(prng(seed), { demand: 60, candidates: 10, existing: 1, clusters: 3, extentM: 600 });
    const variants: Array<{ cov: Parameters<typeof buildCoverage>[1]; s: SolveSpec }> = [
      { cov: { radiusM: 90 }, s: spec(10, { count: 3 }) },
      { cov: { radiusM: 90 }, s: spec(10, { count: null, budget: 6 }, inst.candidates.map((c) => c.cost)) },
      { cov: { radiusM: 120, fovDeg: 120 }, s: spec(10, { count: 2 }) },
      { cov: { radiusM: 90 }, s: spec(10, { count: 3, beta: 0.5 }) },
    ];
    for (const v of variants) {
      const cov = buildCoverage(inst, v.cov);
      const truth = bruteForce(cov, v.s);
      const greedy = lazyGreedy(cov, v.s);
      if (v.s.count !== null) assert.ok(greedy.options.length <= v.s.count);
      else assert.ok(greedy.options.reduce((a, j) => a + v.s.siteCost[cov.options[j]!.site]!, 0) <= v.s.budget! + 1e-9, 'the swap search keeps to the budget');
      const ex = await solveExact(cov, v.s, greedy, { timeLimitS: 20 });
      assert.equal(ex.status, 'optimal');
      assert.ok(Math.abs(ex.objective - truth) < 1e-6, `seed ${seed}: exact ${ex.objective} vs brute force ${truth}`);
      assert.ok(greedy.objective <= truth + 1e-9 && greedy.bound >= truth - 1e-9, `greedy ${greedy.objective} ≤ ${truth} ≤ bound ${greedy.bound}`);
      if (v.s.count !== null) {
        const sites = ex.options.map((j) => cov.options[j]!.site);
        assert.equal(new Set(sites).size, sites.length, 'one bearing per site');
        assert.ok(sites.length <= v.s.count);
      } else {
        assert.ok(ex.options.reduce((a, j) => a + v.s.siteCost[cov.options[j]!.site]!, 0) <= v.s.budget!);
      }
    }
  }
});

test('greedy reaches ≥ 0.9 of the exact optimum on medium instances, and lazy agrees with plain greedy', async () => {
  const ratios: number[] = [];
  const swapRatios: number[] = [];
  for (let seed = 11; seed <= 13; seed++) {
    const inst = generateInstance(prng(seed), { demand: 1500, candidates: 300, extentM: 3000 });
    const cov = buildCoverage(inst, { radiusM: 120 });
    const s = spec(300, { count: 20 }, inst.candidates.map((c) => c.cost));
    const pure = lazyGreedy(cov, s, { swapMs: 0 });
    const plain = plainGreedy(cov, s);
    assert.ok(Math.abs(pure.objective - plain.objective) / plain.objective < 0.005, `lazy ${pure.objective} vs plain ${plain.objective}`);
    assert.ok(pure.evaluations < plain.evaluations / 3, `lazy evaluations ${pure.evaluations} vs plain ${plain.evaluations}`);
    const lazy = lazyGreedy(cov, s);
    assert.ok(lazy.objective >= pure.objective, 'the swap search never loses');
    assert.equal(lazy.greedyObjective, pure.objective);
    assert.equal(new Set(lazy.options.map((j) => cov.options[j]!.site)).size, lazy.options.length);
    const ex = await solveExact(cov, s, lazy, { timeLimitS: 30 });
    assert.equal(ex.status, 'optimal');
    assert.ok(ex.objective >= lazy.objective - 1e-9);
    ratios.push(pure.objective / ex.objective);
    swapRatios.push(lazy.objective / ex.objective);
    assert.ok(lazy.bound >= ex.objective - 1e-6, 'the greedy bound is a true upper bound');
  }
  assert.ok(Math.min(...ratios) >= 0.9, `ratios ${ratios}`);
  assert.ok(ratios.reduce((a, b) => a + b) / ratios.length >= 0.95, `mean ratio ${ratios}`);
  assert.ok(swapRatios.every((r, k) => r >= ratios[k]!) && Math.min(...swapRatios) >= 0.97, `with swaps ${swapRatios}`);
});

test('pinned sites are always chosen and forbidden ones never, with both solvers', async () => {
  const inst = generateInstance(prng(5), { demand: 800, candidates: 120, extentM: 2000 });
  const base = await runPlan(inst, { radiusM: 120, count: 8, solver: 'greedy' });
  const top = base.selected[0]!;
  const weakest = inst.candidates.find((c) => !base.selected.includes(c.id))!.id;
  for (const solver of ['greedy', 'exact'] as const) {
    const r = await runPlan(inst, { radiusM: 120, count: 8, solver, forbidden: [top], pinned: [weakest], timeLimitS: 20 });
    assert.ok(!r.selected.includes(top), `${solver}: forbidden site chosen`);
    assert.ok(r.selected.includes(weakest), `${solver}: pinned site missing`);
    assert.equal(r.sites[0]!.id, weakest);
    assert.ok(r.selected.length <= 8);
    assert.ok(Math.abs(r.sites.reduce((a, s) => a + s.marginalGain, 0) - (r.covered_weight - r.existing_weight)) < 1e-6, 'marginal gains add up');
    assert.equal(r.solver, solver);
  }
  await assert.rejects(runPlan(inst, { radiusM: 120, count: 500, solver: 'greedy' }), /larger than the 120 candidate sites/);
  await assert.rejects(runPlan(inst, { radiusM: 120, count: 1, solver: 'greedy', pinned: ['C0001', 'C0002'] }), /exceed K = 1/);
});

test('a plan reports coverage before and after per layer and district, and the exact gap', async () => {
  const inst = generateInstance(prng(9), { demand: 500, candidates: 80, existing: 5, extentM: 2000 });
  const r = await runPlan(inst, { radiusM: 150, count: 10, solver: 'exact', timeLimitS: 20 });
  assert.equal(r.status, 'optimal');
  assert.ok(r.gap !== null && r.gap < 1e-5);
  assert.ok(r.greedy_objective! <= r.objective + 1e-9);
  const sum = (rows: typeof r.districts, k: 'total' | 'before' | 'after') => rows.reduce((a, x) => a + x[k], 0);
  assert.ok(Math.abs(sum(r.districts, 'after') - r.covered_weight) < 1e-6);
  assert.ok(Math.abs(sum(r.layers, 'before') - r.existing_weight) < 1e-6);
  assert.ok(Math.abs(sum(r.districts, 'total') - r.total_weight) < 1e-6);
  assert.ok(r.existing_weight > 0 && r.covered_weight > r.existing_weight);
});
