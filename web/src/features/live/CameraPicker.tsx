import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../app/errors';
import { useCameraSearch } from './cameras';

/** Search the cameras in your scope and pick one (used by the Live and Playback grids). */
export function CameraPicker({ onPick, exclude = [] }: { onPick(id: string): void; exclude?: readonly string[] }) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const { items, error, loading } = useCameraSearch(q);
  const shown = items.filter((c) => !exclude.includes(c.id));
  return (
    <div className="camera-picker" data-testid="camera-picker">
      <input type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder={t('video.searchCameras')} aria-label={t('video.searchCameras')} />
      {error !== null && <p className="error">{errorText(t, error)}</p>}
      {!loading && error === null && shown.length === 0 && <p className="muted">{t('video.noMatches')}</p>}
      {shown.length > 0 && (
        <ul className="picker-list">
          {shown.map((c) => (
            <li key={c.id}>
              <button type="button" className="link" onClick={() => onPick(c.id)} data-testid="pick-camera" data-id={c.id}>
                {c.name} <span className="muted mono">{c.id}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
