import type { Level } from './types';

/** Level colours, shared by the tiles, the map layer and its legend. */
export const LEVEL_COLOUR: Record<Level, string> = {
  normal: '#2b8a3e',
  advisory: '#f2c94c',
  warning: '#f08c00',
  critical: '#e03131',
};

/** "12" for whole counts, "12.4" for a density model's fractional count; "—" when absent. */
export function fmtCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

/** Persons per m² with two decimals; "—" when uncalibrated. */
export function fmtDensity(d: number | null | undefined): string {
  if (d === null || d === undefined || !Number.isFinite(d)) return '—';
  return d.toFixed(2);
}

export function fmtRate(n: number): string {
  return Number.isFinite(n) ? n.toFixed(1) : '—';
}

/** Compass-like arrow angle (degrees clockwise from up) of an image direction (x right, y down). */
export function arrowDeg(dx: number, dy: number): number {
  return (Math.atan2(dx, -dy) * 180) / Math.PI;
}

/** "HH:MM" in Hong Kong time (UTC+8, no daylight saving), for chart axes. */
export function hhmm(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().slice(11, 16);
}

/** 'YYYY-MM-DDTHH:MM' in Hong Kong time, as <input type="datetime-local"> takes it. */
export function hktInput(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 16);
}
