import { useTranslation } from 'react-i18next';
import { formatHkt } from '../../time/format';
import { HeatGrid } from './HeatGrid';
import { arrowDeg, fmtCount, fmtDensity, fmtRate, LEVEL_COLOUR } from './format';
import type { LiveCamera, LiveZone } from './types';

function Arrow({ d }: { d: NonNullable<LiveZone['dominantDirection']> }) {
  const { t } = useTranslation();
  const deg = arrowDeg(d.dx, d.dy);
  const label = t('crowdPage.tile.direction', { deg: Math.round((deg + 360) % 360) });
  return (
    <span className="crowd-dir" title={label} data-testid="crowd-direction" data-deg={deg.toFixed(0)}>
      <svg width="18" height="18" viewBox="-10 -10 20 20" role="img" aria-label={label}>
        <g transform={`rotate(${deg.toFixed(1)})`}>
          <line x1="0" y1="7" x2="0" y2="-6" />
          <polygon points="0,-9 -4,-3 4,-3" />
        </g>
      </svg>
      {d.speedMps !== null && <span className="muted"> {t('crowdPage.tile.speed', { v: d.speedMps.toFixed(1) })}</span>}
    </span>
  );
}

/** One camera of the event: count (and corrected count), level, density per zone, flows over lines. */
export function CrowdTile({ cam, allStale, criticalPerM2 = 6 }: { cam: LiveCamera; allStale: boolean; criticalPerM2?: number }) {
  const { t } = useTranslation();
  const stale = cam.stale || allStale;
  return (
    <div
      className={`card crowd-tile level-${cam.level}${stale ? ' stale' : ''}`}
      style={{ borderTopColor: LEVEL_COLOUR[cam.level] }}
      data-testid="crowd-tile"
      data-camera={cam.cameraId}
      data-count={cam.count}
      data-corrected={cam.corrected ?? ''}
      data-level={cam.level}
      data-stale={String(stale)}
    >
      <div className="crowd-tile-head">
        <strong>{cam.name}</strong>
        <span className="crowd-level" style={{ background: LEVEL_COLOUR[cam.level] }}>
          {t(`crowdPage.level.${cam.level}`)}
        </span>
      </div>
      <div className="crowd-count">
        <span className="crowd-count-value" data-testid="crowd-count">{fmtCount(cam.count)}</span>
        <span className="muted">{t('crowdPage.tile.people')}</span>
        {cam.corrected !== null && (
          <span className="crowd-corrected" data-testid="crowd-corrected" title={t('crowdPage.tile.correctedHint')}>
            {t('crowdPage.tile.corrected', { n: fmtCount(cam.corrected) })}
          </span>
        )}
      </div>
      {stale && (
        <p className="crowd-stale" role="status" data-testid="crowd-stale">
          {t('crowdPage.tile.stale', { at: formatHkt(cam.at) })}
        </p>
      )}
      {cam.heat && <HeatGrid heat={cam.heat} criticalPerM2={criticalPerM2} />}
      {cam.zones.length > 0 && (
        <table className="crowd-zones">
          <thead>
            <tr>
              <th>{t('crowdPage.tile.zone')}</th>
              <th>{t('crowdPage.tile.count')}</th>
              <th>{t('crowdPage.tile.density')}</th>
              <th>{t('crowdPage.tile.flow')}</th>
            </tr>
          </thead>
          <tbody>
            {cam.zones.map((z) => (
              <tr key={z.id} data-testid="crowd-zone" data-zone={z.id} data-density={z.densityPerM2 ?? ''} data-level={z.level}>
                <td>
                  <span className="swatch" style={{ background: LEVEL_COLOUR[z.level] }} />
                  {z.name}
                </td>
                <td>{fmtCount(z.count)}</td>
                <td title={z.areaM2 !== null ? t('crowdPage.tile.area', { m2: z.areaM2.toFixed(0) }) : t('crowdPage.tile.uncalibrated')}>
                  {z.densityPerM2 !== null ? t('crowdPage.tile.perM2', { d: fmtDensity(z.densityPerM2) }) : '—'}
                </td>
                <td>{z.dominantDirection ? <Arrow d={z.dominantDirection} /> : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {cam.lines.length > 0 && (
        <ul className="crowd-lines">
          {cam.lines.map((l) => (
            <li key={l.id} data-testid="crowd-line" data-line={l.id}>
              {l.name}: {t('crowdPage.tile.inOut', { in: fmtRate(l.inPerMin), out: fmtRate(l.outPerMin) })}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
