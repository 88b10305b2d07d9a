import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../../api/endpoints';
import { useAuth } from '../../../app/auth';
import { MaskEditor } from './MaskEditor';
import { ReleasePanel } from './ReleasePanel';
import { ReviewQueue } from './ReviewQueue';

/** Privacy (#12): per-camera privacy masks drawn on the picture, masked / redacted copies for release (and subject-access requests), and the review queue. */
export function PrivacyTab() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const [cameras, setCameras] = useState<Array<{ id: string; name: string }>>([]);
  const [cameraId, setCameraId] = useState('');
  useEffect(() => {
    const ac = new AbortController();
    api.cameras({ limit: 500 }, ac.signal).then(
      (p) => setCameras(p.items.map((c) => ({ id: c.id, name: c.name }))),
      (err: unknown) => {
        if (!ac.signal.aborted) console.warn('cameras could not be listed', err);
      },
    );
    return () => ac.abort();
  }, []);
  return (
    <div className="privacy-tab" data-testid="privacy-tab">
      <h2>{t('privacyPage.title')}</h2>
      <p>{t('privacyPage.intro')}</p>
      <label>
        {t('privacyPage.camera')}
        <select value={cameraId} onChange={(e) => setCameraId(e.target.value)} data-testid="privacy-camera">
          <option value="">{t('privacyPage.pickCamera')}</option>
          {cameras.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name} ({c.id})
            </option>
          ))}
        </select>
      </label>
      {cameraId && <MaskEditor key={cameraId} cameraId={cameraId} />}
      {can('export.create') && <ReleasePanel cameraId={cameraId} />}
      {can('release.review') && <ReviewQueue />}
    </div>
  );
}
