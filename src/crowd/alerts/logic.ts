/**
 * The crowd alert logic, pure (no I/O, no clock): fed one sample at a time, it says which alerts to
 * raise. Density levels per zone rise at once when a threshold is crossed and clear only below the
 * threshold × (1 − hysteresis), so a crowd hovering at a threshold raises one alert, not a stream.
 * Surge: the count rose by ≥ surgePerMin × window (and ≥ surgeMinIncrease) above its lowest value in the
 * window. Dispersal: most people moving away from their common centre faster than a speed. Counter-flow:
 * people in a one-way zone moving against its direction. Surge, dispersal and counter-flow have a cooldown.
 */
import type { Severity } from '../../alerts/types';
import type { Pt } from '../calibration/ground';
import { insidePolygon } from '../calibration/measure';
import type { Movement } from '../flow/flow';
import type { CrowdLevel, CrowdThresholds } from '../model';

export type CrowdAlertKind = 'crowd.density' | 'crowd.surge' | 'crowd.dispersal' | 'crowd.counterflow';

export interface CrowdAlert {
  kind: CrowdAlertKind;
  zoneId: string | null;
  zoneName: string | null;
  severity: Severity;
  title: string;
  detail: Record<string, unknown>;
}

export interface AlertLogicOptions {
  thresholds: CrowdThresholds;
  hysteresis: number;
  cooldownMs: number;
  surgeWindowMs: number;
  surgeMinIncrease: number;
  dispersalSpeedMps: number;
  dispersalMinPeople: number;
  counterflowMinPeople: number;
}

export interface AlertSampleZone {
  id: string;
  name: string;
  polygon: readonly Pt[];
  oneWayDirection?: readonly [number, number] | null;
  count: number;
  densityPerM2: number | null;
}

export interface AlertSample {
  at: number;
  count: number;
  zones: readonly AlertSampleZone[];
  movements: readonly Movement[];
}

const SEVERITY: Record<Exclude<CrowdLevel, 'normal'>, Severity> = { advisory: 'low', warning: 'high', critical: 'critical' };
const ORDER: CrowdLevel[] = ['normal', 'advisory', 'warning', 'critical'];

/** The level of a density given the current level (hysteresis on the way down). */
export function nextLevel(density: number | null, current: CrowdLevel, t: CrowdThresholds, hysteresis: number): CrowdLevel {
  if (density === null) return 'normal';
  const limits: Array<[CrowdLevel, number]> = [['critical', t.critical], ['warning', t.warning], ['advisory', t.advisory]];
  let up: CrowdLevel = 'normal';
  for (const [lvl, v] of limits) {
    if (density >= v) {
      up = lvl;
      break;
    }
  }
  if (ORDER.indexOf(up) >= ORDER.indexOf(current)) return up;
  // Going down: stay at the highest level whose clearing point is not yet passed.
  for (const [lvl, v] of limits) {
    if (ORDER.indexOf(lvl) <= ORDER.indexOf(current) && density > v * (1 - hysteresis)) return lvl;
  }
  return 'normal';
}

export class CrowdAlertLogic {
  private readonly levels = new Map<string, CrowdLevel>();
  private readonly last = new Map<string, number>();
  private readonly counts: Array<{ at: number; count: number }> = [];

  constructor(private o: AlertLogicOptions) {}

  level(zoneId: string): CrowdLevel {
    return this.levels.get(zoneId) ?? 'normal';
  }

  observe(s: AlertSample): CrowdAlert[] {
    const out: CrowdAlert[] = [];
    const t = this.o.thresholds;
    for (const z of s.zones) {
      const cur = this.level(z.id);
      const next = nextLevel(z.densityPerM2, cur, t, this.o.hysteresis);
      this.levels.set(z.id, next);
      if (ORDER.indexOf(next) > ORDER.indexOf(cur) && next !== 'normal') {
        out.push({
          kind: 'crowd.density', zoneId: z.id, zoneName: z.name, severity: SEVERITY[next],
          title: `Crowd density ${next} in ${z.name}: ${z.densityPerM2!.toFixed(1)} persons/m²`,
          detail: { level: next, densityPerM2: round(z.densityPerM2!), count: round(z.count), threshold: t[next], previous: cur, zoneId: z.id },
        });
      }
    }
    const surge = this.surge(s);
    if (surge) out.push(surge);
    const dispersal = this.dispersal(s);
    if (dispersal) out.push(dispersal);
    out.push(...this.counterflow(s));
    return out;
  }

  private cooled(key: string, at: number): boolean {
    const l = this.last.get(key);
    if (l !== undefined && at - l < this.o.cooldownMs) return false;
    this.last.set(key, at);
    return true;
  }

  private surge(s: AlertSample): CrowdAlert | null {
    this.counts.push({ at: s.at, count: s.count });
    while (this.counts.length && this.counts[0]!.at < s.at - this.o.surgeWindowMs) this.counts.shift();
    let low = this.counts[0]!;
    for (const c of this.counts) if (c.count < low.count) low = c;
    const rise = s.count - low.count;
    const minutes = this.o.surgeWindowMs / 60_000;
    if (rise < this.o.surgeMinIncrease || rise < this.o.thresholds.surgePerMin * minutes) return null;
    if (!this.cooled('surge', s.at)) return null;
    const perMin = rise / Math.max(minutes, (s.at - low.at) / 60_000);
    return {
      kind: 'crowd.surge', zoneId: null, zoneName: null, severity: 'high',
      title: `Crowd surge: +${Math.round(rise)} people in ${Math.round((s.at - low.at) / 1000)} s`,
      detail: { from: round(low.count), to: round(s.count), sinceMs: low.at, ratePerMin: round(perMin), thresholdPerMin: this.o.thresholds.surgePerMin },
    };
  }

  private dispersal(s: AlertSample): CrowdAlert | null {
    const mv = s.movements;
    if (mv.length < this.o.dispersalMinPeople) return null;
    const metric = mv.every((m) => m.fromM && m.toM);
    const speedLimit = metric ? (this.o.thresholds.dispersalSpeedMps ?? this.o.dispersalSpeedMps) : 0.1;
    const from = (m: Movement): Pt => (metric ? m.fromM! : m.from);
    const to = (m: Movement): Pt => (metric ? m.toM! : m.to);
    const cx = mv.reduce((a, m) => a + from(m)[0], 0) / mv.length;
    const cy = mv.reduce((a, m) => a + from(m)[1], 0) / mv.length;
    let fleeing = 0;
    let speedSum = 0;
    for (const m of mv) {
      const f = from(m);
      const r = [f[0] - cx, f[1] - cy];
      const rl = Math.hypot(r[0]!, r[1]!);
      if (rl < 1e-9) continue;
      const v = [(to(m)[0] - f[0]) / (m.dtMs / 1000), (to(m)[1] - f[1]) / (m.dtMs / 1000)];
      const radial = (v[0]! * r[0]! + v[1]! * r[1]!) / rl;
      if (radial >= speedLimit) {
        fleeing++;
        speedSum += radial;
      }
    }
    if (fleeing < this.o.dispersalMinPeople || fleeing < 0.6 * mv.length) return null;
    if (!this.cooled('dispersal', s.at)) return null;
    const centre = metric ? null : [round(cx), round(cy)];
    return {
      kind: 'crowd.dispersal', zoneId: null, zoneName: null, severity: 'critical',
      title: `Crowd dispersal: ${fleeing} people moving away from one point fast`,
      detail: { people: fleeing, tracked: mv.length, meanOutwardSpeed: round(speedSum / fleeing), unit: metric ? 'm/s' : 'image/s', imageCentre: centre },
    };
  }

  private counterflow(s: AlertSample): CrowdAlert[] {
    const out: CrowdAlert[] = [];
    for (const z of s.zones) {
      const d = z.oneWayDirection;
      if (!d) continue;
      const dl = Math.hypot(d[0], d[1]);
      let against = 0;
      let inZone = 0;
      for (const m of s.movements) {
        if (!insidePolygon(m.to, z.polygon)) continue;
        inZone++;
        const v = [m.to[0] - m.from[0], m.to[1] - m.from[1]];
        const vl = Math.hypot(v[0]!, v[1]!);
        if (vl < 0.005) continue; // standing
        if ((v[0]! * d[0] + v[1]! * d[1]) / (vl * dl) < -0.5) against++;
      }
      if (against < this.o.counterflowMinPeople) continue;
      if (!this.cooled(`counterflow:${z.id}`, s.at)) continue;
      out.push({
        kind: 'crowd.counterflow', zoneId: z.id, zoneName: z.name, severity: 'medium',
        title: `Counter-flow in ${z.name}: ${against} people moving against the one-way direction`,
        detail: { against, moving: inZone, zoneId: z.id, oneWayDirection: d },
      });
    }
    return out;
  }
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
