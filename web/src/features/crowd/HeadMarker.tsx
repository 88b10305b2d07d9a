import { useRef, useState, type MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Pt } from './types';

const round4 = (v: number) => Math.round(Math.min(1, Math.max(0, v)) * 10_000) / 10_000;

/**
 * A sample frame to mark heads on: a click adds a mark, a click on a mark removes it. The model's
 * counted points are shown faintly (blue) for comparison. Coordinates are normalised 0..1.
 */
export function HeadMarker({ imageUrl, heads, modelPoints, onChange }: { imageUrl: string; heads: Pt[]; modelPoints: Pt[]; onChange(h: Pt[]): void }) {
  const { t } = useTranslation();
  const [aspect, setAspect] = useState(16 / 9);
  const svgRef = useRef<SVGSVGElement>(null);
  const h = 1000 / aspect;

  const click = (e: MouseEvent<SVGSVGElement>) => {
    const r = svgRef.current!.getBoundingClientRect();
    const p: Pt = [round4((e.clientX - r.left) / r.width), round4((e.clientY - r.top) / r.height)];
    // A click on a mark removes that mark; anywhere else adds one.
    const mark = (e.target as Element).closest('.head-mark');
    const i = mark ? Number(mark.getAttribute('data-index')) : -1;
    onChange(i >= 0 ? heads.filter((_, j) => j !== i) : [...heads, p]);
  };

  return (
    <div className="drawing drawing-on head-marker" style={{ aspectRatio: String(aspect) }} data-testid="head-marker" data-heads={heads.length}>
      <img src={imageUrl} alt={t('crowdPage.count.frame')} onLoad={(e) => e.currentTarget.naturalWidth > 0 && setAspect(e.currentTarget.naturalWidth / e.currentTarget.naturalHeight)} />
      <svg ref={svgRef} viewBox={`0 0 1000 ${h.toFixed(1)}`} preserveAspectRatio="none" onClick={click} data-testid="head-svg" aria-label={t('crowdPage.count.hint')}>
        {modelPoints.map((p, i) => (
          <circle key={`m${i}`} className="model-point" cx={p[0] * 1000} cy={p[1] * h} r={5} />
        ))}
        {heads.map((p, i) => (
          <g key={`h${i}`} className="head-mark" data-testid="head-mark" data-index={i}>
            <circle cx={p[0] * 1000} cy={p[1] * h} r={7} />
            <line x1={p[0] * 1000 - 5} y1={p[1] * h} x2={p[0] * 1000 + 5} y2={p[1] * h} />
            <line x1={p[0] * 1000} y1={p[1] * h - 5} x2={p[0] * 1000} y2={p[1] * h + 5} />
          </g>
        ))}
      </svg>
    </div>
  );
}
