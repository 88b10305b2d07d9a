/**
 * Plane geometry for rules. Points are [x, y]; the rules use normalised image coordinates
 * (0..1, x right, y down), but nothing here depends on the unit.
 */
export type Pt = [number, number];

const EPS = 1e-12;

/** z of (b − a) × (c − a). With y pointing down, a negative value means c lies LEFT of a→b as seen on screen. */
export function cross(a: Pt, b: Pt, c: Pt): number {
  return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
}

export function distance(a: Pt, b: Pt): number {
  return Math.hypot(b[0] - a[0], b[1] - a[1]);
}

/** Signed distance of p from the infinite line through a→b: negative = left on screen (y down), positive = right. */
export function signedDistance(a: Pt, b: Pt, p: Pt): number {
  const len = distance(a, b);
  return len < EPS ? distance(a, p) : cross(a, b, p) / len;
}

function onSegment(p: Pt, a: Pt, b: Pt, eps: number): boolean {
  if (Math.abs(cross(a, b, p)) > eps * Math.max(1, distance(a, b))) return false;
  return p[0] >= Math.min(a[0], b[0]) - eps && p[0] <= Math.max(a[0], b[0]) + eps && p[1] >= Math.min(a[1], b[1]) - eps && p[1] <= Math.max(a[1], b[1]) + eps;
}

/** Whether the closed segments p1–p2 and q1–q2 share a point (touching and collinear overlap count). */
export function segmentsIntersect(p1: Pt, p2: Pt, q1: Pt, q2: Pt, eps = 1e-12): boolean {
  const d1 = cross(q1, q2, p1);
  const d2 = cross(q1, q2, p2);
  const d3 = cross(p1, p2, q1);
  const d4 = cross(p1, p2, q2);
  if (((d1 > eps && d2 < -eps) || (d1 < -eps && d2 > eps)) && ((d3 > eps && d4 < -eps) || (d3 < -eps && d4 > eps))) return true;
  return onSegment(p1, q1, q2, eps) || onSegment(p2, q1, q2, eps) || onSegment(q1, p1, p2, eps) || onSegment(q2, p1, p2, eps);
}

/** Signed shoelace area: positive when the vertices run clockwise on screen (y down). */
export function signedArea(poly: readonly Pt[]): number {
  let s = 0;
  for (let i = 0; i < poly.length; i++) {
    const a = poly[i]!;
    const b = poly[(i + 1) % poly.length]!;
    s += a[0] * b[1] - b[0] * a[1];
  }
  return s / 2;
}

export function polygonArea(poly: readonly Pt[]): number {
  return Math.abs(signedArea(poly));
}

/**
 * Point in polygon (even–odd rule, so it also answers for concave polygons). A point on an edge or a
 * vertex counts as inside: an object standing exactly on a zone's border is in the zone.
 */
export function pointInPolygon(p: Pt, poly: readonly Pt[]): boolean {
  const n = poly.length;
  if (n < 3) return false;
  let inside = false;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const a = poly[i]!;
    const b = poly[j]!;
    if (onSegment(p, a, b, 1e-12)) return true;
    if (a[1] > p[1] !== b[1] > p[1]) {
      const x = a[0] + ((p[1] - a[1]) * (b[0] - a[0])) / (b[1] - a[1]);
      if (p[0] < x) inside = !inside;
    }
  }
  return inside;
}

/** Whether two edges that are not neighbours touch or cross (a "bow-tie" polygon has no well-defined inside). */
export function selfIntersects(poly: readonly Pt[]): boolean {
  const n = poly.length;
  for (let i = 0; i < n; i++) {
    const a1 = poly[i]!;
    const a2 = poly[(i + 1) % n]!;
    for (let j = i + 1; j < n; j++) {
      if (j === i + 1 || (i === 0 && j === n - 1)) continue; // neighbours share a vertex by construction
      if (segmentsIntersect(a1, a2, poly[j]!, poly[(j + 1) % n]!)) return true;
    }
  }
  return false;
}

/** Distance from p to the closed segment a–b. */
export function distanceToSegment(p: Pt, a: Pt, b: Pt): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  const t = len2 < EPS ? 0 : Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2));
  return Math.hypot(p[0] - (a[0] + t * dx), p[1] - (a[1] + t * dy));
}

/** Distance from p to the nearest edge of the polygon (0 on the border). */
export function distanceToBoundary(p: Pt, poly: readonly Pt[]): number {
  let best = Infinity;
  for (let i = 0; i < poly.length; i++) best = Math.min(best, distanceToSegment(p, poly[i]!, poly[(i + 1) % poly.length]!));
  return best;
}

/** Whether every point lies within `eps` of one straight line (or they all coincide). */
export function allOnOneLine(pts: readonly Pt[], eps = 1e-4): boolean {
  let far: [Pt, Pt] | null = null;
  let best = 0;
  for (const a of pts) for (const b of pts) if (distance(a, b) > best) [best, far] = [distance(a, b), [a, b]];
  if (!far || best < eps) return true;
  const [a, b] = far;
  return pts.every((p) => Math.abs(signedDistance(a, b, p)) < eps);
}

/** Heading of the movement from → to on screen, in degrees clockwise from "up": 0 up, 90 right, 180 down, 270 left. */
export function headingDeg(from: Pt, to: Pt): number {
  const deg = (Math.atan2(to[0] - from[0], -(to[1] - from[1])) * 180) / Math.PI;
  return (deg + 360) % 360;
}

/** Smallest absolute difference between two angles in degrees (0..180). */
export function angleDiffDeg(a: number, b: number): number {
  const d = Math.abs((((a - b) % 360) + 360) % 360);
  return d > 180 ? 360 - d : d;
}
