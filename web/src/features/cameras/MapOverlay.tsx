import { useTranslation } from 'react-i18next';
import type { Camera } from '../../api/types';
import { errorText } from '../../app/errors';
import type { MapCameras } from './useMapCameras';

interface Props {
  state: MapCameras;
  colorOf(owner: string): string;
  nameOf(owner: string): string;
}

/** Count of drawn cameras and a legend of their owners, over the map. */
export function MapOverlay({ state, colorOf, nameOf }: Props) {
  const { t } = useTranslation();
  const owners = [...new Set(state.cameras.map((c: Camera) => c.owner))].sort();
  return (
    <>
      <div className="map-status" data-testid="map-status">
        {t('map.drawn', { count: state.cameras.length })}
        {state.truncated && <span className="warn-text"> · {t('map.truncated')}</span>}
        {state.loading && <span className="muted"> · {t('common.loading')}</span>}
        {state.error !== null && <span className="error"> · {errorText(t, state.error)}</span>}
      </div>
      {owners.length > 0 && (
        <ul className="map-legend" aria-label={t('map.legend')}>
          {owners.map((o) => (
            <li key={o}>
              <span className="swatch" style={{ background: colorOf(o) }} aria-hidden="true" />
              {nameOf(o)}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
