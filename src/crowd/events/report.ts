/**
 * The report of a crowd event: peaks per camera and zone, alerts raised, a series summary; built from
 * the crowd time series (live and recorded-footage rows) and the crowd alert events. JSON, CSV, PDF (pdf-lib).
 */
import { PDFDocument, StandardFonts, rgb } from 'pdf-lib';
import type { SeriesRow } from '../crowd.repository';
import type { CrowdEvent } from '../model';

export interface EventReport {
  event: CrowdEvent;
  generatedAt: number;
  cameras: Array<{
    cameraId: string;
    name: string;
    samples: number;
    /** Only the first 100 000 series rows of the window were read (a very long window): the figures cover that part. */
    truncated: boolean;
    peakCount: number | null;
    peakCountAt: number | null;
    meanCount: number | null;
    peakDensityPerM2: number | null;
    peakDensityAt: number | null;
    crossedIn: number;
    crossedOut: number;
    zones: Array<{ id: string; name: string; peakCount: number; peakDensityPerM2: number | null }>;
    /** At most 120 points over the event (max count, max density per slice). */
    series: Array<{ at: number; count: number; densityPerM2: number | null }>;
  }>;
  alerts: Array<{ at: number; cameraId: string; type: string; severity: string; zone: string | null; level: string | null }>;
}

export function buildReport(event: CrowdEvent, cams: ReadonlyArray<{ id: string; name: string; truncated?: boolean }>, rows: readonly SeriesRow[], alerts: EventReport['alerts'], now: number): EventReport {
  const slices = 120;
  const sliceMs = Math.max(1000, Math.ceil((event.endsAt - event.startsAt) / slices));
  return {
    event,
    generatedAt: now,
    alerts,
    cameras: cams.map((c) => {
      const mine = rows.filter((r) => r.cameraId === c.id);
      let peak: SeriesRow | null = null;
      let dense: SeriesRow | null = null;
      let sum = 0;
      let n = 0;
      const zones = new Map<string, { id: string; name: string; peakCount: number; peakDensityPerM2: number | null }>();
      const series = new Map<number, { at: number; count: number; densityPerM2: number | null }>();
      for (const r of mine) {
        if (!peak || r.countMax > peak.countMax) peak = r;
        if (r.densityMax !== null && (!dense || r.densityMax > dense.densityMax!)) dense = r;
        sum += r.countAvg * r.samples;
        n += r.samples;
        for (const [id, z] of Object.entries(r.zones)) {
          const cur = zones.get(id) ?? { id, name: z.name, peakCount: 0, peakDensityPerM2: null };
          cur.peakCount = Math.max(cur.peakCount, z.countMax);
          if (z.densityMax !== null) cur.peakDensityPerM2 = Math.max(cur.peakDensityPerM2 ?? 0, z.densityMax);
          zones.set(id, cur);
        }
        const k = event.startsAt + Math.floor((r.at - event.startsAt) / sliceMs) * sliceMs;
        const p = series.get(k) ?? { at: k, count: 0, densityPerM2: null };
        p.count = Math.max(p.count, r.countMax);
        if (r.densityMax !== null) p.densityPerM2 = Math.max(p.densityPerM2 ?? 0, r.densityMax);
        series.set(k, p);
      }
      return {
        cameraId: c.id, name: c.name, samples: n, truncated: c.truncated ?? false, peakCount: peak?.countMax ?? null, peakCountAt: peak?.at ?? null, meanCount: n ? Math.round((sum / n) * 100) / 100 : null,
        peakDensityPerM2: dense?.densityMax ?? null, peakDensityAt: dense?.at ?? null,
        crossedIn: mine.reduce((s, r) => s + r.crossedIn, 0), crossedOut: mine.reduce((s, r) => s + r.crossedOut, 0),
        zones: [...zones.values()], series: [...series.values()].sort((a, b) => a.at - b.at),
      };
    }),
  };
}

function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  // Quote, and neutralise spreadsheet formulas (=, +, -, @ at the start of a text cell).
  const t = typeof v === 'string' && /^[=+\-@]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(t) || typeof v === 'string' ? `"${t.replace(/"/g, '""')}"` : t;
}

const iso = (ms: number | null) => (ms === null ? '' : new Date(ms).toISOString());

/** One CSV with sections: per camera/zone peaks, then the alerts. */
export function reportCsv(r: EventReport): string {
  const lines: unknown[][] = [['section', 'camera_id', 'camera', 'zone_id', 'zone', 'peak_count', 'peak_count_at', 'mean_count', 'peak_density_per_m2', 'peak_density_at', 'crossed_in', 'crossed_out']];
  for (const c of r.cameras) {
    lines.push(['camera', c.cameraId, c.name, '', '', c.peakCount, iso(c.peakCountAt), c.meanCount, c.peakDensityPerM2, iso(c.peakDensityAt), c.crossedIn, c.crossedOut]);
    for (const z of c.zones) lines.push(['zone', c.cameraId, c.name, z.id, z.name, z.peakCount, '', '', z.peakDensityPerM2, '', '', '']);
  }
  lines.push([]);
  lines.push(['section', 'at', 'camera_id', 'type', 'severity', 'zone', 'level']);
  for (const a of r.alerts) lines.push(['alert', iso(a.at), a.cameraId, a.type, a.severity, a.zone, a.level]);
  return lines.map((l) => l.map(csvCell).join(',')).join('\n') + '\n';
}

/** A4 PDF: title, window, per camera peaks and zones, a small count chart, the alerts. */
export async function reportPdf(r: EventReport): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  let page = doc.addPage([595, 842]);
  let y = 800;
  // The standard fonts speak WinAnsi only: anything else is replaced, never a crash.
  const clean = (s: string) => s.replace(/[^\x20-\x7e]/g, '?');
  const line = (text: string, o: { size?: number; b?: boolean; indent?: number } = {}) => {
    if (y < 60) {
      page = doc.addPage([595, 842]);
      y = 800;
    }
    page.drawText(clean(text), { x: 40 + (o.indent ?? 0), y, size: o.size ?? 10, font: o.b ? bold : font });
    y -= (o.size ?? 10) + 6;
  };
  line(`Crowd event report: ${r.event.name}`, { size: 16, b: true });
  line(`Window: ${iso(r.event.startsAt)} to ${iso(r.event.endsAt)} (UTC)`);
  line(`Generated: ${iso(r.generatedAt)}  Cameras: ${r.cameras.length}  Alerts: ${r.alerts.length}`);
  y -= 8;
  for (const c of r.cameras) {
    line(`${c.name} (${c.cameraId})${c.truncated ? ' - long window: first 100000 series rows only' : ''}`, { size: 12, b: true });
    line(`Peak count ${c.peakCount ?? '-'} at ${iso(c.peakCountAt) || '-'}; mean ${c.meanCount ?? '-'}; peak density ${c.peakDensityPerM2 ?? '-'} persons/m2 at ${iso(c.peakDensityAt) || '-'}`, { indent: 10 });
    line(`Line crossings: ${c.crossedIn} in, ${c.crossedOut} out`, { indent: 10 });
    for (const z of c.zones) line(`Zone ${z.name}: peak ${z.peakCount} people, ${z.peakDensityPerM2 ?? '-'} persons/m2`, { indent: 20 });
    if (c.series.length > 1) {
      if (y < 140) {
        page = doc.addPage([595, 842]);
        y = 800;
      }
      const h = 60;
      const w = 500;
      const max = Math.max(1, ...c.series.map((p) => p.count));
      const span = Math.max(1, r.event.endsAt - r.event.startsAt);
      page.drawRectangle({ x: 50, y: y - h, width: w, height: h, borderColor: rgb(0.6, 0.6, 0.6), borderWidth: 0.5 });
      for (let i = 1; i < c.series.length; i++) {
        const a = c.series[i - 1]!;
        const b = c.series[i]!;
        page.drawLine({
          start: { x: 50 + ((a.at - r.event.startsAt) / span) * w, y: y - h + (a.count / max) * h },
          end: { x: 50 + ((b.at - r.event.startsAt) / span) * w, y: y - h + (b.count / max) * h },
          thickness: 1, color: rgb(0.1, 0.3, 0.8),
        });
      }
      y -= h + 8;
      line(`count over the event (max ${max})`, { size: 8, indent: 10 });
    }
    y -= 6;
  }
  line('Alerts', { size: 12, b: true });
  if (!r.alerts.length) line('none', { indent: 10 });
  for (const a of r.alerts) line(`${iso(a.at)}  ${a.cameraId}  ${a.type}${a.level ? ` (${a.level})` : ''}  ${a.severity}${a.zone ? `  ${a.zone}` : ''}`, { indent: 10, size: 9 });
  return doc.save();
}
