/**
 * The objective: Σ_i w_i · g(c_i), where c_i counts the cameras (existing and chosen) covering
 * point i and g(c) = min(c, 1) + β·[c ≥ 2]. With 0 ≤ β ≤ 1, g is concave in c, so the objective is
 * monotone submodular in the chosen set: the greedy's guarantee and bound hold.
 */
import type { CoverageModel } from './coverage';

export class CoverState {
  /** Cameras covering each point (existing ones capped at 2; chosen ones counted exactly, so they can be removed). */
  readonly count: Int32Array;
  value = 0;
  constructor(
    readonly cov: CoverageModel,
    readonly beta: number,
  ) {
    this.count = Int32Array.from(cov.existing);
    for (let i = 0; i < this.count.length; i++) this.value += cov.weights[i]! * this.g(this.count[i]!);
  }

  private g(c: number): number {
    return c === 0 ? 0 : c === 1 ? 1 : 1 + this.beta;
  }

  private inc(c: number): number {
    return c === 0 ? 1 : c === 1 ? this.beta : 0;
  }

  gain(j: number): number {
    const { optStart, optItems, weights } = this.cov;
    let s = 0;
    for (let k = optStart[j]!, end = optStart[j + 1]!; k < end; k++) {
      const i = optItems[k]!;
      const c = this.count[i]!;
      if (c === 0) s += weights[i]!;
      else if (c === 1 && this.beta > 0) s += weights[i]! * this.beta;
    }
    return s;
  }

  add(j: number): number {
    const { optStart, optItems, weights } = this.cov;
    let s = 0;
    for (let k = optStart[j]!, end = optStart[j + 1]!; k < end; k++) {
      const i = optItems[k]!;
      const c = this.count[i]!;
      s += weights[i]! * this.inc(c);
      this.count[i] = c + 1;
    }
    this.value += s;
    return s;
  }

  /** Takes option j out again; returns the objective lost. */
  remove(j: number): number {
    const { optStart, optItems, weights } = this.cov;
    let s = 0;
    for (let k = optStart[j]!, end = optStart[j + 1]!; k < end; k++) {
      const i = optItems[k]!;
      const c = this.count[i]! - 1;
      s += weights[i]! * this.inc(c);
      this.count[i] = c;
    }
    this.value -= s;
    return s;
  }

  /** Weight covered at least once. */
  covered(): number {
    let s = 0;
    for (let i = 0; i < this.count.length; i++) if (this.count[i]! > 0) s += this.cov.weights[i]!;
    return s;
  }
}

/** Objective of a set of options, and their marginal gains in an order that explains it (each the best next). */
export function explain(cov: CoverageModel, beta: number, chosen: number[], pinnedFirst: number[] = []): { order: number[]; gains: number[]; state: CoverState } {
  const state = new CoverState(cov, beta);
  const order: number[] = [];
  const gains: number[] = [];
  for (const j of pinnedFirst) {
    order.push(j);
    gains.push(state.add(j));
  }
  const rest = new Set(chosen.filter((j) => !pinnedFirst.includes(j)));
  while (rest.size) {
    let best = -1;
    let bestGain = -1;
    for (const j of rest) {
      const g = state.gain(j);
      if (g > bestGain) [best, bestGain] = [j, g];
    }
    rest.delete(best);
    order.push(best);
    gains.push(state.add(best));
  }
  return { order, gains, state };
}
