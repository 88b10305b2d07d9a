/**
 * Reading the offline inputs of `smartview predict`: cameras.csv (camera_id,lat,lon),
 * history.csv (plate,camera_id,ts), queries.jsonl and truth.jsonl. Bad rows never stop the run:
 * they are skipped and reported with their line numbers.
 */
export interface LineWarning {
  file: string;
  line: number;
  message: string;
}

export interface CameraIn { id: string; lat: number; lon: number }
export interface SightingIn { plate: string; camera: string; ts: number; line: number }
export interface QueryIn {
  line: number;
  id: string;
  plate: string | null;
  history: Array<{ camera: string; ts: number }>;
  now: number | null;
  warnings: string[];
}
export interface TruthIn { id: string; next: string; ts: number }

const ISO = /^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d(?::\d\d(?:\.\d+)?)?)(Z|[+-]\d\d:?\d\d)?$/i;

/** ISO-8601 (with or without fractional seconds; no zone = UTC) → UTC ms, or NaN. */
export function parseTs(s: unknown): number {
  if (typeof s !== 'string') return NaN;
  const m = ISO.exec(s.trim());
  if (!m) return NaN;
  return Date.parse(`${m[1]}T${m[2]}${m[3] ?? 'Z'}`);
}

function splitLines(text: string): string[] {
  return text.split(/\r?\n/);
}

function header(line: string | undefined, want: string[]): number[] | null {
  const cols = (line ?? '').split(',').map((c) => c.trim().toLowerCase());
  const idx = want.map((w) => cols.indexOf(w));
  return idx.every((i) => i >= 0) ? idx : null;
}

export function parseCameras(text: string, file: string, warn: (w: LineWarning) => void): CameraIn[] {
  const lines = splitLines(text);
  const idx = header(lines[0], ['camera_id', 'lat', 'lon']);
  const [ci, la, lo] = idx ?? [0, 1, 2];
  const out: CameraIn[] = [];
  const seen = new Set<string>();
  for (let i = idx ? 1 : 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (!raw) continue;
    const f = raw.split(',').map((x) => x.trim());
    const id = f[ci!] ?? '';
    const lat = Number(f[la!]);
    const lon = Number(f[lo!]);
    if (!id || f[la!] === '' || f[lo!] === '' || !(Math.abs(lat) <= 90) || !(Math.abs(lon) <= 180)) {
      warn({ file, line: i + 1, message: `expected camera_id,lat,lon with -90 ≤ lat ≤ 90 and -180 ≤ lon ≤ 180, got '${raw.slice(0, 80)}'; row skipped` });
      continue;
    }
    if (seen.has(id)) {
      warn({ file, line: i + 1, message: `camera '${id}' listed again; the later position is used` });
      const k = out.findIndex((c) => c.id === id);
      out[k] = { id, lat, lon };
      continue;
    }
    seen.add(id);
    out.push({ id, lat, lon });
  }
  return out;
}

export interface HistoryReport {
  rows: number;
  skipped: number;
  unknownCamera: number;
  future: number;
  duplicates: number;
}

/**
 * Sightings in any order → sorted by plate and time, exact duplicates removed. Rows with an
 * unknown camera, a bad timestamp or a time after `futureAfter` (ms) are skipped and reported.
 */
export function parseHistory(text: string, file: string, cameras: Set<string>, futureAfter: number, warn: (w: LineWarning) => void): { sightings: SightingIn[]; report: HistoryReport } {
  const lines = splitLines(text);
  const idx = header(lines[0], ['plate', 'camera_id', 'ts']);
  const [pi, ci, ti] = idx ?? [0, 1, 2];
  const report: HistoryReport = { rows: 0, skipped: 0, unknownCamera: 0, future: 0, duplicates: 0 };
  const out: SightingIn[] = [];
  for (let i = idx ? 1 : 0; i < lines.length; i++) {
    const raw = lines[i]!;
    if (!raw.trim()) continue;
    report.rows++;
    const f = raw.split(',');
    const plate = (f[pi!] ?? '').trim();
    const camera = (f[ci!] ?? '').trim();
    const ts = parseTs(f[ti!]);
    let problem: string | null = null;
    if (!plate || !camera || !Number.isFinite(ts)) problem = `expected plate,camera_id,ts (ISO-8601 UTC), got '${raw.slice(0, 80)}'`;
    else if (!cameras.has(camera)) {
      report.unknownCamera++;
      problem = `camera '${camera}' is not in the cameras file`;
    } else if (ts > futureAfter) {
      report.future++;
      problem = `time ${f[ti!]!.trim()} is in the future`;
    }
    if (problem) {
      report.skipped++;
      warn({ file, line: i + 1, message: `${problem}; row skipped` });
      continue;
    }
    out.push({ plate, camera, ts, line: i + 1 });
  }
  out.sort((a, b) => (a.plate < b.plate ? -1 : a.plate > b.plate ? 1 : a.ts - b.ts || (a.camera < b.camera ? -1 : a.camera > b.camera ? 1 : 0)));
  const kept: SightingIn[] = [];
  for (const s of out) {
    const p = kept[kept.length - 1];
    if (p && p.plate === s.plate && p.camera === s.camera && p.ts === s.ts) {
      report.duplicates++;
      continue;
    }
    kept.push(s);
  }
  return { sightings: kept, report };
}

/** One query a line; a line that is not a usable query is reported and yields null. */
export function parseQueryLine(raw: string, line: number, file: string, warn: (w: LineWarning) => void): QueryIn | null {
  let obj: unknown;
  try {
    obj = JSON.parse(raw);
  } catch (err) {
    warn({ file, line, message: `not JSON (${(err as Error).message}); query skipped` });
    return null;
  }
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) {
    warn({ file, line, message: 'expected a JSON object {"id","plate","history","now"}; query skipped' });
    return null;
  }
  const o = obj as Record<string, unknown>;
  if (typeof o.id !== 'string' && typeof o.id !== 'number') {
    warn({ file, line, message: 'the query has no "id"; query skipped' });
    return null;
  }
  const warnings: string[] = [];
  const history: QueryIn['history'] = [];
  if (!Array.isArray(o.history)) warnings.push('"history" is missing or not a list');
  else {
    o.history.forEach((h: unknown, i) => {
      const r = (h ?? {}) as Record<string, unknown>;
      const ts = parseTs(r.ts);
      if (typeof r.camera_id !== 'string' || !Number.isFinite(ts)) warnings.push(`history[${i}]: expected {"camera_id","ts"} with an ISO-8601 time; ignored`);
      else history.push({ camera: r.camera_id, ts });
    });
  }
  let now: number | null = null;
  if (o.now !== undefined && o.now !== null) {
    now = parseTs(o.now);
    if (!Number.isFinite(now)) {
      warnings.push(`"now" (${JSON.stringify(o.now)}) is not an ISO-8601 time; the last sighting's time is used`);
      now = null;
    }
  }
  const plate = typeof o.plate === 'string' && o.plate.trim() ? o.plate.trim() : null;
  if (!plate) warnings.push('no "plate": predicted from all vehicles');
  return { line, id: String(o.id), plate, history, now, warnings };
}

export function parseTruth(text: string, file: string, warn: (w: LineWarning) => void): Map<string, TruthIn> {
  const out = new Map<string, TruthIn>();
  splitLines(text).forEach((raw, i) => {
    if (!raw.trim()) return;
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(raw) as Record<string, unknown>;
    } catch (err) {
      warn({ file, line: i + 1, message: `not JSON (${(err as Error).message}); skipped` });
      return;
    }
    const ts = parseTs(o.ts);
    if ((typeof o.id !== 'string' && typeof o.id !== 'number') || typeof o.next_camera !== 'string' || !Number.isFinite(ts)) {
      warn({ file, line: i + 1, message: 'expected {"id","next_camera","ts"}; skipped' });
      return;
    }
    out.set(String(o.id), { id: String(o.id), next: o.next_camera, ts });
  });
  return out;
}
