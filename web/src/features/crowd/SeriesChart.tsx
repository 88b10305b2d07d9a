import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isAbort } from '../../api/client';
import { errorText } from '../../app/errors';
import { crowdApi } from './crowdApi';
import { linePath, niceMax } from './chart';
import { hhmm } from './format';
import type { SeriesPoint } from './types';

const W = 640;
const H = 170;
const PAD = { l: 40, r: 44, t: 10, b: 22 };
const REFRESH_MS = 15_000;

/** The last `hours` of one camera: count (blue, left axis) and density per m² (orange, right axis). */
export function SeriesChart({ cameraId, name, hours, toMs }: { cameraId: string; name: string; hours: number; toMs: number | null }) {
  const { t } = useTranslation();
  const [points, setPoints] = useState<SeriesPoint[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  const span = hours * 3_600_000;
  const bucketMs = Math.max(60_000, Math.round(span / 240 / 60_000) * 60_000);

  useEffect(() => {
    const ac = new AbortController();
    const to = toMs ?? Date.now();
    crowdApi.series(cameraId, to - span, to, bucketMs, ac.signal).then(
      (r) => {
        setPoints(r.points);
        setError(null);
      },
      (err: unknown) => {
        if (isAbort(err)) return;
        console.warn(`Crowd series of ${cameraId} could not be read`, err);
        setError(err);
      },
    );
    return () => ac.abort();
  }, [cameraId, span, bucketMs, toMs, tick]);

  useEffect(() => {
    if (toMs !== null) return;
    const id = setInterval(() => setTick((n) => n + 1), REFRESH_MS);
    return () => clearInterval(id);
  }, [toMs]);

  const to = toMs ?? Date.now();
  const from = to - span;
  const pts = points ?? [];
  const maxCount = niceMax(Math.max(0, ...pts.map((p) => p.count)));
  const maxDensity = niceMax(Math.max(0, ...pts.map((p) => p.densityPerM2 ?? 0)));
  const x = (at: number) => PAD.l + ((at - from) / span) * (W - PAD.l - PAD.r);
  const yC = (v: number) => H - PAD.b - (v / maxCount) * (H - PAD.t - PAD.b);
  const yD = (v: number) => H - PAD.b - (v / maxDensity) * (H - PAD.t - PAD.b);
  const hasDensity = pts.some((p) => p.densityPerM2 !== null);
  const ticks = Array.from({ length: 5 }, (_, i) => from + (i * span) / 4);

  return (
    <figure className="card crowd-chart" data-testid="crowd-chart" data-camera={cameraId} data-points={pts.length}>
      <figcaption>
        <strong>{name}</strong> <span className="muted">{t('crowdPage.chart.caption', { hours })}</span>
        <span className="crowd-chart-keys">
          <span className="key-count">{t('crowdPage.chart.count')}</span>
          {hasDensity && <span className="key-density">{t('crowdPage.chart.density')}</span>}
        </span>
      </figcaption>
      {error !== null && <p className="error">{errorText(t, error)}</p>}
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={t('crowdPage.chart.label', { name })}>
        <line className="axis" x1={PAD.l} y1={H - PAD.b} x2={W - PAD.r} y2={H - PAD.b} />
        {ticks.map((at) => (
          <text key={at} className="tick" x={x(at)} y={H - 6} textAnchor="middle">
            {hhmm(at)}
          </text>
        ))}
        <text className="tick count" x={PAD.l - 4} y={PAD.t + 8} textAnchor="end">{maxCount}</text>
        <text className="tick count" x={PAD.l - 4} y={H - PAD.b} textAnchor="end">0</text>
        {hasDensity && (
          <text className="tick density" x={W - PAD.r + 4} y={PAD.t + 8}>
            {t('crowdPage.chart.perM2', { d: maxDensity })}
          </text>
        )}
        <path className="series-count" d={linePath(pts, x, yC, (p) => p.count)} data-testid="series-count" />
        {hasDensity && <path className="series-density" d={linePath(pts, x, yD, (p) => p.densityPerM2)} data-testid="series-density" />}
      </svg>
      {points !== null && pts.length === 0 && <p className="muted">{t('crowdPage.chart.empty')}</p>}
    </figure>
  );
}
