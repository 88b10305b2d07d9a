/**
 * One planning run: coverage model → lazy greedy → (exact MILP warm-started from it) → the chosen
 * sites with their marginal gains and coverage before/after per layer and district.
 */
import { ValidationError } from '../core/errors';
import { buildCoverage, type CoverageModel } from './coverage';
import { solveExact } from './exact';
import { lazyGreedy, type SolveSpec } from './greedy';
import { explain } from './objective';
import type { CoverageRow, PlanInstance, PlanOptions, PlanResult } from './types';

export const DEFAULT_TIME_LIMIT_S = 60;

/** Sums of fractional weights (polygon samples × layer weights) carry float noise; 1e-9 is far below any weight. */
const tidy = (v: number): number => Math.round(v * 1e9) / 1e9;

export interface PlanProgress {
  (stage: 'coverage' | 'greedy' | 'exact', done: number, total: number): void;
}

/** Checks the options against the instance; every problem at once. */
export function checkOptions(inst: PlanInstance, o: PlanOptions): void {
  const problems: string[] = [];
  if (!(o.radiusM > 0)) problems.push('radius: must be a positive number of metres');
  if ((o.count === undefined) === (o.budget === undefined)) problems.push('give either count (K sites) or budget, not both and not neither');
  if (o.count !== undefined && !(Number.isInteger(o.count) && o.count >= 1)) problems.push('count: must be a whole number ≥ 1');
  if (o.count !== undefined && o.count > inst.candidates.length) problems.push(`count: K = ${o.count} is larger than the ${inst.candidates.length} candidate sites; lower K or add candidates`);
  if (o.budget !== undefined && !(o.budget >= 0)) problems.push('budget: must be a number ≥ 0');
  const beta = o.doubleCoverageWeight ?? 0;
  if (!(beta >= 0 && beta <= 1)) problems.push('doubleCoverageWeight: must be between 0 and 1');
  if (o.fovDeg != null && !(o.fovDeg > 0 && o.fovDeg <= 360)) problems.push('fov: must be between 0 (exclusive) and 360 degrees');
  if (o.timeLimitS !== undefined && !(o.timeLimitS > 0)) problems.push('timeLimit: must be a positive number of seconds');
  const ids = new Set(inst.candidates.map((c) => c.id));
  const pinned = o.pinned ?? [];
  const forbidden = new Set(o.forbidden ?? []);
  const unknown = [...pinned, ...forbidden].filter((id) => !ids.has(id));
  if (unknown.length) problems.push(`pinned/forbidden: unknown candidate id${unknown.length > 1 ? 's' : ''} ${unknown.slice(0, 10).join(', ')}`);
  const both = pinned.filter((id) => forbidden.has(id));
  if (both.length) problems.push(`sites both pinned and forbidden: ${both.join(', ')}`);
  if (new Set(pinned).size !== pinned.length) problems.push('pinned: a site is listed twice');
  if (o.count !== undefined && pinned.length > o.count) problems.push(`pinned: ${pinned.length} pinned sites exceed K = ${o.count}`);
  if (o.budget !== undefined) {
    const byId = new Map(inst.candidates.map((c) => [c.id, c.cost]));
    const cost = pinned.reduce((a, id) => a + (byId.get(id) ?? 0), 0);
    if (cost > o.budget) problems.push(`pinned: the pinned sites cost ${cost}, more than the budget ${o.budget}`);
  }
  if (problems.length) throw new ValidationError(`The plan options are not valid: ${problems.join('; ')}`, { problems });
}

function coverageRows(inst: PlanInstance, cov: CoverageModel, after: ArrayLike<number>, keyOf: (i: number) => string | null): CoverageRow[] {
  const rows = new Map<string, CoverageRow>();
  inst.demand.forEach((d, i) => {
    const k = keyOf(i);
    if (k === null) return;
    let r = rows.get(k);
    if (!r) rows.set(k, (r = { name: k, total: 0, before: 0, after: 0 }));
    r.total += d.weight;
    if (cov.existing[i]! > 0) r.before += d.weight;
    if (after[i]! > 0) r.after += d.weight;
  });
  return [...rows.values()].map((r) => ({ ...r, total: tidy(r.total), before: tidy(r.before), after: tidy(r.after) })).sort((a, b) => a.name.localeCompare(b.name));
}

export async function runPlan(inst: PlanInstance, o: PlanOptions, onProgress?: PlanProgress): Promise<PlanResult> {
  checkOptions(inst, o);
  const t0 = performance.now();
  const cov = buildCoverage(inst, o, onProgress ? (d, t) => onProgress('coverage', d, t) : undefined);
  const siteIndex = new Map(inst.candidates.map((c, i) => [c.id, i]));
  const spec: SolveSpec = {
    count: o.count ?? null,
    budget: o.count === undefined ? (o.budget ?? 0) : null,
    siteCost: Float64Array.from(inst.candidates, (c) => c.cost),
    beta: o.doubleCoverageWeight ?? 0,
    pinnedSites: (o.pinned ?? []).map((id) => siteIndex.get(id)!),
    forbiddenSites: new Set((o.forbidden ?? []).map((id) => siteIndex.get(id)!)),
  };
  onProgress?.('greedy', 0, 1);
  const greedy = lazyGreedy(cov, spec);
  onProgress?.('greedy', 1, 1);
  let chosen = greedy.options;
  let objective = greedy.objective;
  let bound: number | null = greedy.bound;
  let status = 'heuristic';
  let model: { columns: number; rows: number } | null = null;
  if (o.solver === 'exact') {
    onProgress?.('exact', 0, 1);
    const ex = await solveExact(cov, spec, greedy, { timeLimitS: o.timeLimitS ?? DEFAULT_TIME_LIMIT_S });
    onProgress?.('exact', 1, 1);
    [chosen, objective, bound, status, model] = [ex.options, ex.objective, ex.bound, ex.status, { columns: ex.columns, rows: ex.rows }];
  }
  const pinnedOptions = chosen.filter((j) => spec.pinnedSites.includes(cov.options[j]!.site));
  const { order, gains, state } = explain(cov, spec.beta, chosen, pinnedOptions);
  const pinnedIds = new Set(o.pinned ?? []);
  const sites = order.map((j, k) => {
    const c = inst.candidates[cov.options[j]!.site]!;
    return { id: c.id, lat: c.lat, lon: c.lon, cost: c.cost, bearingDeg: cov.options[j]!.bearingDeg, marginalGain: tidy(gains[k]!), pinned: pinnedIds.has(c.id) };
  });
  const total = inst.demand.reduce((a, d) => a + d.weight, 0);
  const existingWeight = inst.demand.reduce((a, d, i) => a + (cov.existing[i]! > 0 ? d.weight : 0), 0);
  const gap = bound === null ? null : bound > 0 ? Math.max(0, (bound - objective) / bound) : 0;
  return {
    selected: sites.map((s) => s.id),
    sites,
    covered_weight: tidy(state.covered()),
    total_weight: tidy(total),
    existing_weight: tidy(existingWeight),
    objective: tidy(objective),
    solver: o.solver,
    status,
    bound: bound === null ? null : tidy(bound),
    gap,
    greedy_objective: tidy(greedy.objective),
    cost_total: sites.reduce((a, s) => a + s.cost, 0),
    layers: coverageRows(inst, cov, state.count, (i) => inst.demand[i]!.layer),
    districts: coverageRows(inst, cov, state.count, (i) => inst.demand[i]!.district),
    stats: {
      demand: inst.demand.length,
      candidates: inst.candidates.length,
      options: cov.options.length,
      pairs: cov.optItems.length,
      modelColumns: model?.columns ?? null,
      modelRows: model?.rows ?? null,
      elapsedMs: Math.round(performance.now() - t0),
    },
  };
}
