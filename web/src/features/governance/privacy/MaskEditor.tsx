import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../../app/errors';
import { cameraPictureUrl } from '../../analytics/analyticsApi';
import { DrawingCanvas } from '../../analytics/DrawingCanvas';
import type { OverlayShape } from '../../analytics/shapes';
import { privacyApi, type MaskPolygon, type Pt } from './privacyApi';

/** Sent as X-Purpose with the picture request (audited with the snapshot); headers are Latin-1, so English. */
const PICTURE_PURPOSE = 'Drawing privacy masks';

const shapeOf = (p: MaskPolygon, i: number, active: boolean): OverlayShape => ({ key: `privacy:${i}`, role: 'mask', kind: 'mask', label: p.label || String(i + 1), points: p.points, closed: true, dimmed: active });

/** Privacy masks of one camera drawn on its picture: add polygons, label them, remove them, save (audited). */
export function MaskEditor({ cameraId }: { cameraId: string }) {
  const { t } = useTranslation();
  const [polygons, setPolygons] = useState<MaskPolygon[]>([]);
  const [version, setVersion] = useState(0);
  const [draft, setDraft] = useState<Pt[] | null>(null);
  const [label, setLabel] = useState('');
  const [state, setState] = useState<'loading' | 'ready' | 'saving' | 'saved'>('loading');
  const [error, setError] = useState<string | null>(null);
  const [picture, setPicture] = useState('');
  const [shot, setShot] = useState(0);

  // The picture is fetched with a stated purpose (live snapshots need one; an <img> cannot send X-Purpose).
  useEffect(() => {
    const ac = new AbortController();
    let url = '';
    fetch(cameraPictureUrl(cameraId), { headers: { 'X-Purpose': PICTURE_PURPOSE }, credentials: 'same-origin', signal: ac.signal })
      .then(async (r) => {
        if (!r.ok) throw new Error(`snapshot: HTTP ${r.status}`);
        url = URL.createObjectURL(await r.blob());
        setPicture(url);
      })
      .catch((err: unknown) => {
        if (ac.signal.aborted) return;
        console.warn('camera picture unavailable', err);
        setPicture('data:,'); // DrawingCanvas shows "no picture" and drawing still works
      });
    return () => {
      ac.abort();
      if (url) URL.revokeObjectURL(url);
    };
  }, [cameraId, shot]);

  useEffect(() => {
    const ac = new AbortController();
    setState('loading');
    setDraft(null);
    privacyApi.masks(cameraId, ac.signal).then(
      (m) => {
        setPolygons(m.polygons);
        setVersion(m.version);
        setState('ready');
      },
      (err: unknown) => {
        if (!ac.signal.aborted) setError(errorText(t, err));
      },
    );
    return () => ac.abort();
  }, [cameraId, t]);

  const addDraft = () => {
    if (!draft || draft.length < 3) return;
    setPolygons([...polygons, { label: label.trim(), points: draft }]);
    setDraft(null);
    setLabel('');
    setState('ready');
  };
  const save = async () => {
    setState('saving');
    setError(null);
    try {
      const m = await privacyApi.putMasks(cameraId, polygons);
      setPolygons(m.polygons);
      setVersion(m.version);
      setState('saved');
      setShot((n) => n + 1); // the picture again, now with the masks burned in
    } catch (err) {
      setError(errorText(t, err));
      setState('ready');
    }
  };

  const shapes = polygons.map((p, i) => shapeOf(p, i, draft !== null));
  return (
    <section className="privacy-masks" data-testid="privacy-masks" data-version={version} data-state={state}>
      <p className="hint">{t('privacyPage.masks.hint')}</p>
      {picture && <DrawingCanvas
        key={picture}
        pictureUrl={picture}
        shapes={shapes}
        active={draft ? { shape: { key: 'privacy:draft', role: 'mask', kind: 'mask', label: label || t('privacyPage.masks.newMask'), points: draft, closed: true, dimmed: false }, maxPoints: 64 } : null}
        onChange={(pts) => setDraft(pts)}
      />}
      <div className="toolbar">
        {draft ? (
          <>
            <label>
              {t('privacyPage.masks.label')}
              <input type="text" value={label} maxLength={100} onChange={(e) => setLabel(e.target.value)} data-testid="mask-label" />
            </label>
            <button type="button" onClick={addDraft} disabled={draft.length < 3} data-testid="mask-add">
              {t('privacyPage.masks.add', { n: draft.length })}
            </button>
            <button type="button" className="secondary" onClick={() => setDraft(null)}>
              {t('privacyPage.masks.cancel')}
            </button>
          </>
        ) : (
          <button type="button" onClick={() => setDraft([])} data-testid="mask-new">
            {t('privacyPage.masks.newMask')}
          </button>
        )}
        <button type="button" className="primary" onClick={() => void save()} disabled={state === 'saving' || state === 'loading' || draft !== null} data-testid="mask-save">
          {t('privacyPage.masks.save')}
        </button>
      </div>
      <ul className="mask-list" data-testid="mask-list">
        {polygons.map((p, i) => (
          <li key={i} data-testid="mask-item">
            <span>{p.label || t('privacyPage.masks.unnamed', { n: i + 1 })}</span> <small>{t('privacyPage.masks.points', { n: p.points.length })}</small>{' '}
            <button type="button" className="small secondary" onClick={() => setPolygons(polygons.filter((_, j) => j !== i))} data-testid="mask-remove">
              {t('privacyPage.masks.remove')}
            </button>
          </li>
        ))}
        {polygons.length === 0 && <li className="empty">{t('privacyPage.masks.none')}</li>}
      </ul>
      {state === 'saved' && <p className="ok" role="status" data-testid="mask-saved">{t('privacyPage.masks.saved', { version })}</p>}
      {error && <p className="error" role="alert">{error}</p>}
    </section>
  );
}
