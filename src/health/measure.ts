/** Measurements derived from the recorder's data: pure helpers of the health service. */
import type { Segment } from '../record/segment.repository';
import type { HealthCounts, HealthSummary } from './health.model';

/** Bits per second over the given segments (their bytes over their durations); null without any. */
export function bitrateOf(segments: readonly Pick<Segment, 'bytes' | 'startMs' | 'endMs' | 'status'>[]): number | null {
  let bytes = 0;
  let ms = 0;
  for (const s of segments) {
    if (s.status === 'corrupt' || s.endMs <= s.startMs) continue;
    bytes += s.bytes;
    ms += s.endMs - s.startMs;
  }
  return ms > 0 ? Math.round((bytes * 8 * 1000) / ms) : null;
}

function rate(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) && v > 0 ? v : null;
  if (typeof v !== 'string') return null;
  const m = /^(\d+(?:\.\d+)?)(?:\/(\d+(?:\.\d+)?))?$/.exec(v.trim());
  if (!m) return null;
  const n = Number(m[1]) / (m[2] === undefined ? 1 : Number(m[2]));
  return Number.isFinite(n) && n > 0 ? Math.round(n * 100) / 100 : null;
}

/**
 * Frame rate from the recorder's last probe (camera_health.probe). Accepts our own shape
 * (`fps`, `video.fps`) and ffprobe's (`streams[].avg_frame_rate` / `r_frame_rate` of the video
 * stream). null when the probe is absent, not JSON, or names no rate.
 */
export function fpsFromProbe(probe: string | null | undefined): number | null {
  if (!probe) return null;
  let p: unknown;
  try {
    p = JSON.parse(probe);
  } catch (err) {
    if (err instanceof SyntaxError) return null; // not JSON: the probe names no rate we can read
    throw err;
  }
  if (typeof p !== 'object' || p === null) return null;
  const o = p as Record<string, unknown>;
  const direct = rate(o.fps) ?? rate((o.video as Record<string, unknown> | undefined)?.fps);
  if (direct !== null) return direct;
  const streams = Array.isArray(o.streams) ? (o.streams as Array<Record<string, unknown>>) : [];
  const v = streams.find((s) => s?.codec_type === 'video') ?? streams[0];
  return v ? (rate(v.avg_frame_rate) ?? rate(v.r_frame_rate)) : null;
}

/** Keyframe spacing in ms from the recorder's probe (src/media/probe `gopSeconds`); null when unknown. */
export function gopMsFromProbe(probe: string | null | undefined): number | null {
  if (!probe) return null;
  let p: unknown;
  try {
    p = JSON.parse(probe);
  } catch (err) {
    if (err instanceof SyntaxError) return null; // not JSON: no spacing to read
    throw err;
  }
  const g = typeof p === 'object' && p !== null ? (p as Record<string, unknown>).gopSeconds : undefined;
  return typeof g === 'number' && Number.isFinite(g) && g > 0 ? Math.round(g * 1000) : null;
}

function empty(): HealthCounts {
  return { total: 0, states: {}, tampered: 0 };
}

function add(c: HealthCounts, state: string, tampered: boolean, n: number): void {
  c.total += n;
  c.states[state] = (c.states[state] ?? 0) + n;
  if (tampered) c.tampered += n;
}

/** Counts per (owner, district, state, tampered) → totals, per owner and per district. */
export function summarise(rows: ReadonlyArray<{ owner: string; district: string; state: string; tampered: number; n: number }>): HealthSummary {
  const total = empty();
  const owners = new Map<string, HealthCounts>();
  const districts = new Map<string, HealthCounts>();
  for (const r of rows) {
    const t = r.tampered === 1;
    add(total, r.state, t, r.n);
    if (!owners.has(r.owner)) owners.set(r.owner, empty());
    add(owners.get(r.owner)!, r.state, t, r.n);
    if (!districts.has(r.district)) districts.set(r.district, empty());
    add(districts.get(r.district)!, r.state, t, r.n);
  }
  const sorted = <K extends string>(m: Map<string, HealthCounts>, key: K) =>
    [...m.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, c]) => ({ [key]: k, ...c }) as HealthCounts & Record<K, string>);
  return { total, byOwner: sorted(owners, 'owner'), byDistrict: sorted(districts, 'district') };
}
