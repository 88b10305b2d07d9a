import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { isAbort } from '../../api/client';
import { api } from '../../api/endpoints';
import type { Camera } from '../../api/types';
import { useAuth } from '../../app/auth';
import { errorText } from '../../app/errors';
import { hrefFor } from '../../app/router';
import { ExportDialog } from '../evidence/ExportDialog';
import { formatHkt } from '../../time/format';

interface Props {
  id: string;
  revision: number;
  nameOf(owner: string): string;
  onClose(): void;
}

/** Every field of one camera. The API never returns passwords; only whether credentials are stored. */
export function CameraDetail({ id, revision, nameOf, onClose }: Props) {
  const { t } = useTranslation();
  const [cam, setCam] = useState<Camera | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [exportOpen, setExportOpen] = useState(false);
  const { can } = useAuth();

  useEffect(() => {
    const ac = new AbortController();
    setError(null);
    api.camera(id, ac.signal).then(setCam, (err: unknown) => {
      if (isAbort(err)) return;
      console.error('Camera detail failed', err);
      setError(err);
      setCam(null);
    });
    return () => ac.abort();
  }, [id, revision]);

  const yesNo = (b: boolean) => (b ? t('common.yes') : t('common.no'));
  const orDash = (v: string | number | null) => (v === null || v === '' ? '—' : String(v));
  const rows: [string, ReactNode][] = cam
    ? [
        [t('camera.id'), <span className="mono">{cam.id}</span>],
        [t('camera.name'), cam.name],
        [t('camera.status'), `${t(`camera.statuses.${cam.status}`)}${cam.statusChangedAt ? ` · ${formatHkt(cam.statusChangedAt)}` : ''}`],
        [t('camera.owner'), `${nameOf(cam.owner)} (${cam.owner})`],
        [t('camera.district'), cam.location.district],
        [t('camera.address'), orDash(cam.location.address)],
        [t('camera.position'), `${cam.location.lat.toFixed(6)}, ${cam.location.lon.toFixed(6)}`],
        [t('camera.url'), <span className="mono break">{cam.source.url}</span>],
        [t('camera.subUrl'), <span className="mono break">{orDash(cam.source.subUrl)}</span>],
        [t('camera.transport'), cam.source.transport],
        [t('camera.hasCredentials'), yesNo(cam.source.hasCredentials)],
        [t('camera.bearing'), cam.bearingDeg === null ? '—' : `${cam.bearingDeg}°`],
        [t('camera.fov'), cam.fovDeg === null ? '—' : `${cam.fovDeg}°`],
        [t('camera.tags'), cam.tags.length ? cam.tags.join(', ') : '—'],
        [t('camera.liveAllowed'), yesNo(cam.sharing.liveAllowed)],
        [t('camera.playbackAllowed'), yesNo(cam.sharing.playbackAllowed)],
        [t('camera.retentionDays'), orDash(cam.sharing.retentionDays)],
        [t('camera.createdAt'), formatHkt(cam.createdAt)],
        [t('camera.updatedAt'), formatHkt(cam.updatedAt)],
      ]
    : [];

  return (
    <aside className="card detail" data-testid="camera-detail" aria-label={t('cameras.detail.title')}>
      <header className="detail-head">
        <h2>{cam ? cam.name : t('cameras.detail.title')}</h2>
        <button type="button" className="icon" onClick={onClose} aria-label={t('common.close')} title={t('common.close')}>
          ×
        </button>
      </header>
      {error !== null && <p className="error">{errorText(t, error)}</p>}
      {!cam && error === null && <p className="muted">{t('common.loading')}</p>}
      {cam && (can('live.view') || can('playback.view')) && (
        <div className="filter-buttons detail-actions">
          {can('live.view') && (
            <a className="button" href={hrefFor('live', { cams: cam.id, layout: 1 })} data-testid="open-live">
              {t('cameras.detail.live')}
            </a>
          )}
          {can('playback.view') && (
            <a className="button" href={hrefFor('playback', { cams: cam.id })} data-testid="open-playback">
              {t('cameras.detail.playback')}
            </a>
          )}
          {can('analytics.read') && (
            <a className="button" href={hrefFor('analytics', { camera: cam.id })} data-testid="open-analytics">
              {t('analytics.openForCamera')}
            </a>
          )}
        </div>
      )}
      {cam && (
        <dl className="fields">
          {rows.map(([k, v]) => (
            <div key={k} className="field">
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
      )}
      {cam && can('export.create') && cam.sharing.playbackAllowed && (
        <p>
          <button type="button" onClick={() => setExportOpen(true)} data-testid="export-evidence">
            {t('evidence.open')}
          </button>
        </p>
      )}
      {exportOpen && cam && <ExportDialog cameraIds={[cam.id]} onClose={() => setExportOpen(false)} />}
    </aside>
  );
}
