/**
 * Flow from counted points: the points of one sample are matched to those of the previous sample
 * (minimum-cost assignment, src/track/assignment.ts, gated by a radius — in ground metres when the
 * camera is calibrated, else in image units), giving one movement per person seen twice. Movements
 * give line crossings (per minute, each direction) and the dominant direction and speed per zone.
 * Detector counts give feet points (one per person); density-model results are not matched (their points
 * are weighted cell centres, not people; docs/design/crowd.md).
 */
import { assign } from '../../track/assignment';
import type { Ground, Pt } from '../calibration/ground';
import { insidePolygon } from '../calibration/measure';

export interface Movement {
  from: Pt;
  to: Pt;
  /** Ground metres, when calibrated. */
  fromM: Pt | null;
  toM: Pt | null;
  dtMs: number;
}

export interface MatcherOptions {
  matchRadiusM: number;
  matchRadiusImage: number;
  /** Samples further apart than this are not matched (a gap in the stream). */
  maxGapMs?: number;
}

export class PointMatcher {
  private prev: { at: number; pts: Pt[]; ms: Array<Pt | null> } | null = null;

  constructor(private readonly o: MatcherOptions, private ground: Ground | null = null) {}

  /** Forgets the previous sample (the next one starts afresh). */
  reset(): [] {
    this.prev = null;
    return [];
  }

  /** The movements between the previous sample and this one. */
  next(at: number, points: readonly Pt[]): Movement[] {
    const ms = points.map((p) => this.ground?.toMetres(p) ?? null);
    const prev = this.prev;
    this.prev = { at, pts: [...points], ms };
    if (!prev || at <= prev.at || at - prev.at > (this.o.maxGapMs ?? 5_000) || !prev.pts.length || !points.length) return [];
    const n = prev.pts.length;
    const m = points.length;
    const metric = this.ground !== null;
    const limit = metric ? this.o.matchRadiusM * Math.max(1, (at - prev.at) / 1000) : this.o.matchRadiusImage * Math.max(1, (at - prev.at) / 1000);
    const cost = new Float64Array(n * m);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < m; j++) {
        const a = metric ? prev.ms[i] : prev.pts[i]!;
        const b = metric ? ms[j] : points[j]!;
        cost[i * m + j] = a && b ? Math.hypot(a[0] - b[0], a[1] - b[1]) : Infinity;
      }
    }
    return assign(cost, n, m, limit).matches.map(([i, j]) => ({ from: prev.pts[i]!, to: points[j]!, fromM: prev.ms[i] ?? null, toM: ms[j] ?? null, dtMs: at - prev.at }));
  }
}

/** +1 when the movement crosses a→b from its left to its right (image coordinates, y down), −1 the other way, 0 if it does not cross. */
export function crossing(mv: Pick<Movement, 'from' | 'to'>, a: Pt, b: Pt): -1 | 0 | 1 {
  const side = (p: Pt) => (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]);
  // A point exactly on the line counts as on its right, so a walk that touches it is counted once.
  const left1 = side(mv.from) < 0;
  const left2 = side(mv.to) < 0;
  if (left1 === left2) return 0;
  // The movement's segment must cross the line's segment, not its extension.
  const sideM = (p: Pt) => (mv.to[0] - mv.from[0]) * (p[1] - mv.from[1]) - (mv.to[1] - mv.from[1]) * (p[0] - mv.from[0]);
  const sa = sideM(a);
  const sb = sideM(b);
  if (sa !== 0 && sb !== 0 && Math.sign(sa) === Math.sign(sb)) return 0;
  // With y down, side < 0 is the left of a→b as seen on the image.
  return left1 ? 1 : -1;
}

/** Crossings of one line over a sliding minute. */
export class LineCounter {
  private readonly events: Array<{ at: number; dir: 1 | -1 }> = [];
  total = { in: 0, out: 0 };

  constructor(readonly a: Pt, readonly b: Pt) {}

  add(at: number, movements: readonly Movement[]): { in: number; out: number } {
    let i = 0;
    let o = 0;
    for (const mv of movements) {
      const c = crossing(mv, this.a, this.b);
      if (c === 1) i++;
      else if (c === -1) o++;
      if (c !== 0) this.events.push({ at, dir: c });
    }
    this.total.in += i;
    this.total.out += o;
    while (this.events.length && this.events[0]!.at <= at - 60_000) this.events.shift();
    return { in: i, out: o };
  }

  /** Crossings in the last 60 s. */
  perMinute(): { inPerMin: number; outPerMin: number } {
    let inPerMin = 0;
    let outPerMin = 0;
    for (const e of this.events) {
      if (e.dir === 1) inPerMin++;
      else outPerMin++;
    }
    return { inPerMin, outPerMin };
  }
}

export interface Direction {
  /** Unit vector on the image (x right, y down). */
  dx: number;
  dy: number;
  speedMps: number | null;
  /** Movements it was measured from. */
  n: number;
}

/** Mean motion of the movements ending inside `poly`; null with fewer than 2 or when the crowd stands still. */
export function dominantDirection(movements: readonly Movement[], poly: readonly Pt[] | null, minImageMove = 0.003): Direction | null {
  const mine = poly ? movements.filter((m) => insidePolygon(m.to, poly)) : [...movements];
  if (mine.length < 2) return null;
  let dx = 0;
  let dy = 0;
  let gx = 0;
  let gy = 0;
  let metric = 0;
  for (const m of mine) {
    dx += m.to[0] - m.from[0];
    dy += m.to[1] - m.from[1];
    if (m.fromM && m.toM) {
      gx += (m.toM[0] - m.fromM[0]) / (m.dtMs / 1000);
      gy += (m.toM[1] - m.fromM[1]) / (m.dtMs / 1000);
      metric++;
    }
  }
  dx /= mine.length;
  dy /= mine.length;
  const len = Math.hypot(dx, dy);
  if (len < minImageMove) return null;
  return { dx: r3(dx / len), dy: r3(dy / len), speedMps: metric ? r3(Math.hypot(gx / metric, gy / metric)) : null, n: mine.length };
}

function r3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
