/** Reading the event report (JSON) for the dashboard's summary (pure; test/e2e/crowd.web-logic.test.ts). */

/** The few report fields shown here; the report route is untyped in the OpenAPI (JSON, CSV or PDF), so they are read with checks. */
export interface Peak {
  cameraId: string;
  name: string;
  peakCount: number | null;
  peakCountAt: number | null;
  peakDensityPerM2: number | null;
  crossedIn: number | null;
  crossedOut: number | null;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const rec = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {});

export function readSummary(report: unknown): { cameras: Peak[]; alerts: number } {
  const r = rec(report);
  const cameras = (Array.isArray(r.cameras) ? r.cameras : []).map((c): Peak => {
    const o = rec(c);
    return { cameraId: str(o.cameraId), name: str(o.name) || str(o.cameraId), peakCount: num(o.peakCount), peakCountAt: num(o.peakCountAt), peakDensityPerM2: num(o.peakDensityPerM2), crossedIn: num(o.crossedIn), crossedOut: num(o.crossedOut) };
  });
  return { cameras, alerts: Array.isArray(r.alerts) ? r.alerts.length : 0 };
}
