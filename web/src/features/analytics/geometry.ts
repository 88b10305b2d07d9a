import type { Pt } from './types';

/** The SVG works in a box 1000 wide and 1000/aspect high, so circles and arrows stay round on any picture. */
export const VIEW_W = 1000;

export const toView = (p: Pt, h: number): [number, number] => [p[0] * VIEW_W, p[1] * h];

export function pathOf(points: readonly Pt[], h: number, closed: boolean): string {
  if (!points.length) return '';
  const d = points.map((p, i) => `${i ? 'L' : 'M'}${toView(p, h).map((v) => v.toFixed(1)).join(' ')}`).join(' ');
  return closed ? `${d} Z` : d;
}

export function centroid(points: readonly Pt[]): Pt {
  const n = points.length || 1;
  return [points.reduce((s, p) => s + p[0], 0) / n, points.reduce((s, p) => s + p[1], 0) / n];
}

/**
 * The unit vector (view units) from a line's middle towards its 'in' side: walking from the first
 * point to the second as seen on screen (y down), 'left' is (dy, -dx).
 */
export function inSideNormal(a: Pt, b: Pt, side: 'left' | 'right', h: number): [number, number] {
  const [ax, ay] = toView(a, h);
  const [bx, by] = toView(b, h);
  const dx = bx - ax;
  const dy = by - ay;
  const len = Math.hypot(dx, dy) || 1;
  return side === 'left' ? [dy / len, -dx / len] : [-dy / len, dx / len];
}

/** Screen direction of 'degrees clockwise from up' as a unit vector (y down). */
export function directionVector(deg: number): [number, number] {
  const r = (deg * Math.PI) / 180;
  return [Math.sin(r), -Math.cos(r)];
}

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));
export const round4 = (v: number) => Math.round(clamp01(v) * 10_000) / 10_000;

/** "x,y x,y …" (normalised) for the text field that lets the points be typed instead of clicked. */
export function formatPoints(points: readonly Pt[]): string {
  return points.map(([x, y]) => `${x},${y}`).join(' ');
}

/** Parses "x,y x,y …"; null when a pair is not two numbers (the range is the server's to check, with its message). */
export function parsePoints(text: string): Pt[] | null {
  const pairs = text.trim().split(/\s+/).filter(Boolean);
  const out: Pt[] = [];
  for (const pair of pairs) {
    const [x, y, extra] = pair.split(',').map((s) => s.trim());
    if (x === undefined || y === undefined || extra !== undefined || x === '' || y === '' || !Number.isFinite(Number(x)) || !Number.isFinite(Number(y))) return null;
    out.push([Number(x), Number(y)]);
  }
  return out;
}
