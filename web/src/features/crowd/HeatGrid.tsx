import { useTranslation } from 'react-i18next';
import type { LiveCamera } from './types';

/** Colour of a heat cell: transparent → yellow → red as the value rises to `max`. */
export function heatColour(v: number, max: number): string {
  const f = max > 0 ? Math.min(1, Math.max(0, v / max)) : 0;
  const g = Math.round(220 * (1 - f));
  return `rgba(235, ${g}, 40, ${(0.15 + 0.7 * f).toFixed(2)})`;
}

/**
 * The camera's heat map over its picture's area (cells row-major, x right, y down): persons per m²
 * when calibrated (full colour at the critical threshold), else persons per cell (full at the busiest cell).
 */
export function HeatGrid({ heat, criticalPerM2 }: { heat: NonNullable<LiveCamera['heat']>; criticalPerM2: number }) {
  const { t } = useTranslation();
  const max = heat.perM2 ? criticalPerM2 : Math.max(0, ...heat.values);
  return (
    <svg className="crowd-heat" viewBox={`0 0 ${heat.cols} ${heat.rows}`} preserveAspectRatio="none" role="img" aria-label={heat.perM2 ? t('crowdPage.tile.heatPerM2') : t('crowdPage.tile.heatPerCell')} data-testid="crowd-heat">
      {heat.values.map((v, i) =>
        v > 0 ? <rect key={i} x={i % heat.cols} y={Math.floor(i / heat.cols)} width={1} height={1} fill={heatColour(v, max)} /> : null,
      )}
    </svg>
  );
}
