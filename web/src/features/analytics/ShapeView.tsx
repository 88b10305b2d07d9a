import { centroid, directionVector, inSideNormal, pathOf, toView } from './geometry';
import type { OverlayShape } from './shapes';

const ARROW = 60;

function Arrow({ from, v, className }: { from: [number, number]; v: [number, number]; className: string }) {
  const to: [number, number] = [from[0] + v[0] * ARROW, from[1] + v[1] * ARROW];
  const head = (s: number): [number, number] => [to[0] - v[0] * 18 + -v[1] * 10 * s, to[1] - v[1] * 18 + v[0] * 10 * s];
  const [l, r] = [head(1), head(-1)];
  return (
    <g className={className}>
      <line x1={from[0]} y1={from[1]} x2={to[0]} y2={to[1]} />
      <polygon points={`${to.join(',')} ${l.join(',')} ${r.join(',')}`} />
    </g>
  );
}

/** A mask or rule on the picture: its outline, its name, the in-side arrow of a line, the allowed direction of a wrong-way area. */
export function ShapeView({ shape, h, active }: { shape: OverlayShape; h: number; active: boolean }) {
  const { points } = shape;
  if (!points.length) return null;
  const cls = `shape shape-${shape.role} kind-${shape.kind}${active ? ' active' : ''}${shape.dimmed ? ' dimmed' : ''}`;
  const labelAt = toView(shape.closed ? centroid(points) : points[0]!, h);
  const a = points[0];
  const b = points[1];
  return (
    <g className={cls} data-testid={active ? 'active-shape' : 'overlay-shape'} data-key={shape.key}>
      <path d={pathOf(points, h, shape.closed && points.length > 2)} />
      {!shape.closed && a && b && shape.inSide && <Arrow className="in-arrow" from={toView(centroid([a, b]), h)} v={inSideNormal(a, b, shape.inSide, h)} />}
      {shape.directionDeg !== undefined && points.length > 2 && <Arrow className="dir-arrow" from={toView(centroid(points), h)} v={directionVector(shape.directionDeg)} />}
      {shape.label && (
        <text x={labelAt[0]} y={labelAt[1] - 8} className="shape-label">
          {shape.label}
        </text>
      )}
    </g>
  );
}
