import { useTranslation } from 'react-i18next';
import { clock, percent } from './format';
import type { Place } from './types';

/** Where the unit gets before the target, ranked by the chance the target passes there. */
export function ReachableList({ places }: { places: Place[] }) {
  const { t } = useTranslation();
  return (
    <div className="reachable">
      <h3>{t('interception.reach.title')}</h3>
      {places.length === 0 ? (
        <p className="muted" data-testid="reachable-empty">{t('interception.reach.none')}</p>
      ) : (
        <ol className="reachable-list" data-testid="reachable">
          {places.map((p) => (
            <li key={p.cameraId} data-testid="reachable-place" data-camera={p.cameraId} data-p={p.p} data-step={p.step}>
              <strong className="mono">{p.cameraId}</strong> · {percent(p.p)} ·{' '}
              {t('interception.reach.detail', { step: p.step, unit: clock(p.unitArrivalMs), target: clock(p.fromMs), margin: Math.round(p.marginS / 60) })}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
