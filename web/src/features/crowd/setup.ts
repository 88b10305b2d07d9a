/** The crowd setup form's draft and its conversions (pure; test/e2e/crowd.web-logic.test.ts). */
import { ApiError } from '../../api/client';
import type { OverlayShape } from '../analytics/shapes';
import type { CameraCalibration, CrowdSettings, LatLon, Pt, SettingsInput } from './types';

export type CalibMethod = 'none' | 'points' | 'camera';

export interface SetupDraft {
  input: Pick<CrowdSettings, 'enabled' | 'kind' | 'fps' | 'zones' | 'lines' | 'thresholds'>;
  method: CalibMethod;
  /** Points calibration: image point i pairs with ground point i. */
  imagePts: Pt[];
  groundPts: LatLon[];
  camera: CameraCalibration;
}

/** What is selected for drawing on the picture. */
export type Editing = { what: 'zone' | 'line'; index: number } | { what: 'calibration' } | null;

export function draftOf(s: CrowdSettings, at: { lat: number; lon: number }): SetupDraft {
  const c = s.calibration;
  return {
    input: { enabled: s.enabled, kind: s.kind, fps: s.fps, zones: s.zones, lines: s.lines, thresholds: s.thresholds },
    method: c ? c.method : 'none',
    imagePts: c?.method === 'points' ? c.pairs.map((p) => p.image) : [],
    groundPts: c?.method === 'points' ? c.pairs.map((p) => p.ground) : [],
    camera: c?.method === 'camera' ? c : { method: 'camera', lat: at.lat, lon: at.lon, heightM: 8, tiltDeg: 30, headingDeg: 0, hfovDeg: 60 },
  };
}

/** The PUT body; null with a reason when the calibration pairs are not complete. */
export function inputOf(d: SetupDraft): { body: SettingsInput; problem: null } | { body: null; problem: 'unpaired' } {
  if (d.method === 'points' && d.imagePts.length !== d.groundPts.length) return { body: null, problem: 'unpaired' };
  const calibration =
    d.method === 'points' ? { method: 'points' as const, pairs: d.imagePts.map((image, i) => ({ image, ground: d.groundPts[i]! })) } : d.method === 'camera' ? d.camera : null;
  return { body: { ...d.input, calibration }, problem: null };
}

let seq = 0;
/** A fresh id for a zone or line drawn in the browser (the server keeps the ids it is given). */
export const newId = (prefix: string) => `${prefix}-${Date.now().toString(36)}${(seq++).toString(36)}`;

/** Unit image direction (x right, y down) of 'degrees clockwise from up', and back. */
const r4 = (v: number) => Number(v.toFixed(4)) + 0; // + 0 turns -0 into 0
export const dirOfDeg = (deg: number): Pt => [r4(Math.sin((deg * Math.PI) / 180)), r4(-Math.cos((deg * Math.PI) / 180))];
export const degOfDir = (d: Pt): number => Math.round((((Math.atan2(d[0], -d[1]) * 180) / Math.PI) + 360) % 360);

/** The zones, lines and calibration points drawn on the picture, the one being edited left out. */
export function setupShapes(d: SetupDraft, editing: Editing, calibLabel: string): OverlayShape[] {
  const out: OverlayShape[] = [];
  d.input.zones.forEach((z, i) => {
    if (editing?.what === 'zone' && editing.index === i) return;
    out.push({ key: `zone:${z.id}`, role: 'rule', kind: 'zone', label: z.name, points: z.polygon, closed: true, directionDeg: z.oneWayDirection ? degOfDir(z.oneWayDirection) : undefined, dimmed: false });
  });
  d.input.lines.forEach((l, i) => {
    if (editing?.what === 'line' && editing.index === i) return;
    out.push({ key: `line:${l.id}`, role: 'rule', kind: 'line', label: l.name, points: [l.a, l.b], closed: false, dimmed: false });
  });
  if (d.method === 'points' && editing?.what !== 'calibration') {
    out.push({ key: 'calibration', role: 'mask', kind: 'calib', label: calibLabel, points: d.imagePts, closed: false, dimmed: true });
  }
  return out;
}

/**
 * Per-point reprojection errors (metres) from a rejected calibration's 400 details, when the server
 * gives them (null for a point it could not judge).
 */
export function rejectedPointErrors(err: unknown): Array<number | null> | null {
  if (!(err instanceof ApiError) || !err.details) return null;
  const d = err.details as Record<string, unknown>;
  const nested = typeof d.report === 'object' && d.report !== null ? (d.report as Record<string, unknown>) : {};
  const arr = d.pointErrorsM ?? nested.pointErrorsM;
  return Array.isArray(arr) && arr.every((v) => typeof v === 'number' || v === null) ? (arr as Array<number | null>) : null;
}

/** The other facts of a 400's details, as "key: value" lines (issues one per line). */
export function detailLines(err: unknown): string[] {
  if (!(err instanceof ApiError) || !err.details) return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(err.details)) {
    if (k === 'pointErrorsM' || k === 'report') continue;
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) out.push(...(v as string[]));
    else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out.push(`${k}: ${String(v)}`);
    else out.push(`${k}: ${JSON.stringify(v)}`);
  }
  return out;
}

/** Whether the draft's calibration is the saved one (so the saved report describes it). */
export function sameCalibration(d: SetupDraft, saved: CrowdSettings['calibration']): boolean {
  if (d.method === 'none' || !saved) return d.method === 'none' && !saved;
  if (saved.method !== d.method) return false;
  if (saved.method === 'points') {
    return (
      saved.pairs.length === d.imagePts.length &&
      d.groundPts.length === d.imagePts.length &&
      saved.pairs.every((p, i) => p.image[0] === d.imagePts[i]![0] && p.image[1] === d.imagePts[i]![1] && p.ground[0] === d.groundPts[i]![0] && p.ground[1] === d.groundPts[i]![1])
    );
  }
  const keys = ['lat', 'lon', 'heightM', 'tiltDeg', 'headingDeg', 'hfovDeg'] as const;
  return keys.every((k) => saved[k] === d.camera[k]);
}
