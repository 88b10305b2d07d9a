import { useRef, useState, type KeyboardEvent, type MouseEvent, type PointerEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { round4, toView, VIEW_W } from './geometry';
import type { OverlayShape } from './shapes';
import { ShapeView } from './ShapeView';
import type { Pt } from './types';

interface Props {
  pictureUrl: string;
  shapes: OverlayShape[];
  /** The shape being drawn; clicks add points to it, its points can be dragged or moved with the arrow keys. */
  active: { shape: OverlayShape; maxPoints: number } | null;
  onChange(points: Pt[]): void;
}

const NUDGE = 0.005;

/** The camera's picture with an SVG overlay in normalised coordinates (0..1, x right, y down). */
export function DrawingCanvas({ pictureUrl, shapes, active, onChange }: Props) {
  const { t } = useTranslation();
  const [aspect, setAspect] = useState(16 / 9);
  const [failed, setFailed] = useState(false);
  const [drag, setDrag] = useState<number | null>(null);
  const svgRef = useRef<SVGSVGElement>(null);
  // The click that ends a vertex drag must not also add a point.
  const draggedRef = useRef(false);
  const h = VIEW_W / aspect;
  const points = active?.shape.points ?? [];

  const pointAt = (clientX: number, clientY: number): Pt => {
    const r = svgRef.current!.getBoundingClientRect();
    return [round4((clientX - r.left) / r.width), round4((clientY - r.top) / r.height)];
  };
  const click = (e: MouseEvent<SVGSVGElement>) => {
    if (draggedRef.current) {
      draggedRef.current = false;
      return;
    }
    if (!active || (e.target as Element).classList.contains('vertex')) return;
    const p = pointAt(e.clientX, e.clientY);
    // A line has two points: a third click starts it over.
    onChange(points.length >= active.maxPoints ? (active.maxPoints === 2 ? [p] : points) : [...points, p]);
  };
  const move = (e: PointerEvent<SVGSVGElement>) => {
    if (drag === null) return;
    const p = pointAt(e.clientX, e.clientY);
    onChange(points.map((q, i) => (i === drag ? p : q)));
  };
  const key = (i: number) => (e: KeyboardEvent<SVGCircleElement>) => {
    const step = e.shiftKey ? NUDGE * 10 : NUDGE;
    const d: Record<string, [number, number]> = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    const v = d[e.key];
    if (v) {
      e.preventDefault();
      onChange(points.map((q, j) => (j === i ? [round4(q[0] + v[0]), round4(q[1] + v[1])] : q)));
    } else if (e.key === 'Delete' || e.key === 'Backspace') {
      e.preventDefault();
      onChange(points.filter((_, j) => j !== i));
    }
  };

  return (
    // The box keeps the picture's shape whether or not (or before) the picture loads, so points never move.
    <div className={`drawing${active ? ' drawing-on' : ''}`} style={{ aspectRatio: String(aspect) }} data-testid="drawing" data-picture={failed ? 'none' : 'camera'}>
      {failed ? (
        <div className="drawing-blank" role="img" aria-label={t('analytics.draw.noPicture')}>
          <span>{t('analytics.draw.noPicture')}</span>
        </div>
      ) : (
        <img
          src={pictureUrl}
          alt={t('analytics.draw.picture')}
          onLoad={(e) => e.currentTarget.naturalWidth > 0 && setAspect(e.currentTarget.naturalWidth / e.currentTarget.naturalHeight)}
          onError={() => setFailed(true)}
        />
      )}
      <svg
        ref={svgRef}
        viewBox={`0 0 ${VIEW_W} ${h.toFixed(1)}`}
        preserveAspectRatio="none"
        onClick={click}
        onPointerMove={move}
        onPointerUp={() => setDrag(null)}
        data-testid="drawing-svg"
        aria-label={active ? t('analytics.draw.hint') : t('analytics.draw.picture')}
      >
        {shapes.map((s) => (
          <ShapeView key={s.key} shape={s} h={h} active={false} />
        ))}
        {active && <ShapeView shape={active.shape} h={h} active />}
        {active &&
          points.map((p, i) => {
            const [x, y] = toView(p, h);
            return (
              <circle
                key={i}
                className="vertex"
                cx={x}
                cy={y}
                r={9}
                tabIndex={0}
                role="button"
                aria-label={t('analytics.draw.vertex', { n: i + 1, x: p[0], y: p[1] })}
                onPointerDown={(e) => {
                  e.currentTarget.ownerSVGElement?.setPointerCapture(e.pointerId);
                  draggedRef.current = true;
                  setDrag(i);
                }}
                onKeyDown={key(i)}
                data-testid="vertex"
              />
            );
          })}
      </svg>
    </div>
  );
}
