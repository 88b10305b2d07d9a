/**
 * The crowd stage of one camera: per sampled frame, count (crowd-count's CrowdCounter), apply the
 * camera's count correction, put the counted points into zones, turn counts into persons/m² (zones and
 * heat grid), match points to the previous sample for line crossings and motion, run the alert logic,
 * keep the latest state (for /api/crowd/live) and sum samples into time-series buckets.
 * The same object serves live cameras (alerts on) and recorded footage (alerts off, rows tagged with the job).
 */
import type { CountFrame, CountResult, CrowdCounter } from '../count';
import type { Ground, Pt } from '../calibration/ground';
import { cellAreasM2, gridCounts, groundPolygonLatLon, insidePolygon, zoneAreaM2 } from '../calibration/measure';
import { CrowdAlertLogic, type AlertLogicOptions, type CrowdAlert } from '../alerts/logic';
import { LineCounter, PointMatcher, dominantDirection, type MatcherOptions } from '../flow/flow';
import { LEVELS, type CountCalibration, type CrowdLevel, type CrowdSettingsInput } from '../model';
import type { SeriesRow, SeriesZone } from '../crowd.repository';

export interface ZoneState {
  id: string;
  name: string;
  count: number;
  areaM2: number | null;
  densityPerM2: number | null;
  level: CrowdLevel;
  dominantDirection: { dx: number; dy: number; speedMps: number | null } | null;
  groundPolygon: Array<[number, number]> | null;
}

export interface CameraCrowdState {
  cameraId: string;
  at: number;
  count: number;
  corrected: number | null;
  level: CrowdLevel;
  zones: ZoneState[];
  lines: Array<{ id: string; name: string; inPerMin: number; outPerMin: number }>;
  heat: { cols: number; rows: number; values: number[]; perM2: boolean } | null;
  footprint: Array<[number, number]> | null;
  /** What the count cost and how (not in the API: /metrics and logs). */
  kind: 'detector' | 'density';
  countMs: number;
}

export interface StageOptions {
  cameraId: string;
  settings: CrowdSettingsInput;
  countCalibration: CountCalibration | null;
  ground: Ground | null;
  footprint: Array<[number, number]> | null;
  counter: Pick<CrowdCounter, 'count'>;
  alerts: Omit<AlertLogicOptions, 'thresholds'>;
  flow: MatcherOptions;
  bucketMs: number;
  jobId?: string;
  /** Where alerts go (live: the EventSink); absent for recorded footage. */
  onAlert?: (a: CrowdAlert, at: number) => void;
  /** Every finished time-series bucket. */
  onSeries: (row: SeriesRow) => void;
  /** The state after each sample. */
  onState?: (s: CameraCrowdState) => void;
}

/** More people than this in one sample are not matched (the assignment is cubic in the size of a cluster). */
const MAX_MATCHED = 1500;
const HEAT_COLS = 16;
const HEAT_ROWS = 9;

export function applyCorrection(raw: number, cal: CountCalibration | null): number | null {
  return cal ? Math.max(0, cal.a * raw + cal.b) : null;
}

export class CrowdStage {
  private readonly logic: CrowdAlertLogic;
  private readonly matcher: PointMatcher;
  private readonly lines: Array<{ id: string; name: string; counter: LineCounter }>;
  private readonly zoneAreas: Array<number | null>;
  private readonly zoneGround: Array<Array<[number, number]> | null>;
  private readonly cellAreas = new Map<string, Array<number | null>>();
  private bucket: { at: number; samples: number; countMax: number; countSum: number; correctedMax: number | null; densityMax: number | null; level: CrowdLevel; in: number; out: number; zones: Record<string, SeriesZone> } | null = null;
  last: CameraCrowdState | null = null;
  frames = 0;

  constructor(private readonly o: StageOptions) {
    this.logic = new CrowdAlertLogic({ ...o.alerts, thresholds: o.settings.thresholds });
    this.matcher = new PointMatcher(o.flow, o.ground);
    this.lines = o.settings.lines.map((l) => ({ id: l.id, name: l.name, counter: new LineCounter(l.a, l.b) }));
    this.zoneAreas = o.settings.zones.map((z) => (o.ground ? zoneAreaM2(o.ground, z.polygon) : null));
    this.zoneGround = o.settings.zones.map((z) => (o.ground ? groundPolygonLatLon(o.ground, z.polygon) : null));
  }

  async process(at: number, frame: CountFrame, signal?: AbortSignal): Promise<CameraCrowdState> {
    const result = await this.o.counter.count(frame, signal);
    return this.observe(at, result);
  }

  /** Everything after the count (pure apart from the callbacks): tests feed it synthetic results. */
  observe(at: number, r: CountResult): CameraCrowdState {
    this.frames++;
    const s = this.o.settings;
    const corrected = applyCorrection(r.count, this.o.countCalibration);
    const scale = corrected !== null && r.count > 0 ? corrected / r.count : 1;
    const pts: Pt[] = r.points.map((p) => [p.x, p.y]);
    // Flow needs individuals: density-model points are weighted cell centres, not people, so they give no movements.
    const movements = r.kind === 'detector' && pts.length <= MAX_MATCHED ? this.matcher.next(at, pts) : this.matcher.reset();
    const zoneCounts = s.zones.map((z) => {
      let n = 0;
      pts.forEach((p, i) => {
        if (insidePolygon(p, z.polygon)) n += r.weights?.[i] ?? 1;
      });
      return n * scale;
    });
    const zonesIn = s.zones.map((z, i) => ({
      id: z.id, name: z.name, polygon: z.polygon, oneWayDirection: z.oneWayDirection ?? null, count: zoneCounts[i]!,
      densityPerM2: this.zoneAreas[i] ? zoneCounts[i]! / this.zoneAreas[i]! : null,
    }));
    const alerts = this.logic.observe({ at, count: corrected ?? r.count, zones: zonesIn, movements });
    for (const a of alerts) this.o.onAlert?.(a, at);
    for (const l of this.lines) l.counter.add(at, movements);
    const zones: ZoneState[] = zonesIn.map((z, i) => {
      const d = dominantDirection(movements, z.polygon);
      return {
        id: z.id, name: z.name, count: r2(z.count), areaM2: this.zoneAreas[i] === null ? null : r2(this.zoneAreas[i]!), densityPerM2: z.densityPerM2 === null ? null : r2(z.densityPerM2),
        level: this.logic.level(z.id), dominantDirection: d ? { dx: d.dx, dy: d.dy, speedMps: d.speedMps } : null, groundPolygon: this.zoneGround[i]!,
      };
    });
    const level = zones.reduce<CrowdLevel>((m, z) => (LEVELS.indexOf(z.level) > LEVELS.indexOf(m) ? z.level : m), 'normal');
    const state: CameraCrowdState = {
      cameraId: this.o.cameraId, at, count: r2(r.count), corrected: corrected === null ? null : r2(corrected), level, zones,
      lines: this.lines.map((l) => ({ id: l.id, name: l.name, ...l.counter.perMinute() })),
      heat: this.heat(r, scale), footprint: this.o.footprint, kind: r.kind, countMs: Math.round(r.ms),
    };
    this.last = state;
    this.addToBucket(state, this.lastCrossings());
    this.o.onState?.(state);
    return state;
  }

  /** Writes the open bucket (call when the stage stops). */
  flush(): void {
    if (this.bucket) this.o.onSeries(this.row(this.bucket));
    this.bucket = null;
  }

  private crossingsSeen = { in: 0, out: 0 };

  private lastCrossings(): { in: number; out: number } {
    let i = 0;
    let o = 0;
    for (const l of this.lines) {
      i += l.counter.total.in;
      o += l.counter.total.out;
    }
    const d = { in: i - this.crossingsSeen.in, out: o - this.crossingsSeen.out };
    this.crossingsSeen = { in: i, out: o };
    return d;
  }

  private heat(r: CountResult, scale: number): CameraCrowdState['heat'] {
    const cols = r.densityMap?.cols ?? HEAT_COLS;
    const rows = r.densityMap?.rows ?? HEAT_ROWS;
    const counts = r.densityMap?.values ?? gridCounts(r.points, r.weights, cols, rows);
    if (!this.o.ground) return { cols, rows, values: Array.from(counts, (v) => r2(v * scale)), perM2: false };
    const key = `${cols}x${rows}`;
    let areas = this.cellAreas.get(key);
    if (!areas) {
      areas = cellAreasM2(this.o.ground, cols, rows);
      this.cellAreas.set(key, areas);
    }
    // Cells above the horizon have no ground area: 0 persons/m² there.
    return { cols, rows, values: Array.from(counts, (v, i) => (areas![i] ? r2((v * scale) / areas![i]!) : 0)), perM2: true };
  }

  private addToBucket(s: CameraCrowdState, crossed: { in: number; out: number }): void {
    const start = Math.floor(s.at / this.o.bucketMs) * this.o.bucketMs;
    if (this.bucket && this.bucket.at !== start) this.flush();
    const b = (this.bucket ??= { at: start, samples: 0, countMax: 0, countSum: 0, correctedMax: null, densityMax: null, level: 'normal', in: 0, out: 0, zones: {} });
    b.samples++;
    b.countMax = Math.max(b.countMax, s.count);
    b.countSum += s.count;
    if (s.corrected !== null) b.correctedMax = Math.max(b.correctedMax ?? 0, s.corrected);
    if (LEVELS.indexOf(s.level) > LEVELS.indexOf(b.level)) b.level = s.level;
    b.in += crossed.in;
    b.out += crossed.out;
    for (const z of s.zones) {
      const cur = (b.zones[z.id] ??= { name: z.name, countMax: 0, densityMax: null });
      cur.countMax = Math.max(cur.countMax, z.count);
      if (z.densityPerM2 !== null) {
        cur.densityMax = Math.max(cur.densityMax ?? 0, z.densityPerM2);
        b.densityMax = Math.max(b.densityMax ?? 0, z.densityPerM2);
      }
    }
  }

  private row(b: NonNullable<CrowdStage['bucket']>): SeriesRow {
    return {
      cameraId: this.o.cameraId, at: b.at, samples: b.samples, countMax: b.countMax, countAvg: r2(b.countSum / b.samples), correctedMax: b.correctedMax, densityMax: b.densityMax,
      level: b.level, crossedIn: b.in, crossedOut: b.out, zones: b.zones, jobId: this.o.jobId ?? null,
    };
  }
}

function r2(x: number): number {
  return Math.round(x * 100) / 100;
}
