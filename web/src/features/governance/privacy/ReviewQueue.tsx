import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../../app/errors';
import { privacyApi, type Release } from './privacyApi';

/** Redacted copies waiting for release review (release.review): approve or reject with a note (audited). */
export function ReviewQueue() {
  const { t } = useTranslation();
  const [items, setItems] = useState<Release[] | null>(null);
  const [notes, setNotes] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const load = useCallback((signal?: AbortSignal) => {
    privacyApi.reviewQueue(signal).then(
      (r) => setItems(r.items),
      (err: unknown) => {
        if (!signal?.aborted) setError(errorText(t, err));
      },
    );
  }, [t]);
  useEffect(() => {
    const ac = new AbortController();
    load(ac.signal);
    return () => ac.abort();
  }, [load]);
  const decide = async (id: string, decision: 'approve' | 'reject') => {
    setError(null);
    try {
      await privacyApi.review(id, decision, (notes[id] ?? '').trim());
      load();
    } catch (err) {
      setError(errorText(t, err));
    }
  };
  return (
    <section className="privacy-review" data-testid="release-review">
      <h3>{t('privacyPage.review.title')}</h3>
      {items === null ? (
        <p>{t('privacyPage.review.loading')}</p>
      ) : items.length === 0 ? (
        <p className="empty">{t('privacyPage.review.none')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{t('privacyPage.review.copy')}</th>
              <th>{t('privacyPage.review.case')}</th>
              <th>{t('privacyPage.review.tracks')}</th>
              <th>{t('privacyPage.review.note')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {items.map((r) => (
              <tr key={r.id} data-testid="release-row" data-id={r.id}>
                <td>
                  {r.id}
                  <br />
                  <small>{t('privacyPage.review.of', { exportId: r.exportId, cameraId: r.cameraId, by: r.createdBy })}</small>
                </td>
                <td>
                  {r.caseRef}
                  {r.requestRef && <small> · {t('privacyPage.review.request', { ref: r.requestRef })}</small>}
                </td>
                <td>{t('privacyPage.review.trackCount', { blurred: r.tracks.length - r.keepTracks.length, kept: r.keepTracks.length })}</td>
                <td>
                  <input type="text" maxLength={2000} value={notes[r.id] ?? ''} onChange={(e) => setNotes({ ...notes, [r.id]: e.target.value })} aria-label={t('privacyPage.review.note')} />
                </td>
                <td>
                  <button type="button" disabled={!(notes[r.id] ?? '').trim()} onClick={() => void decide(r.id, 'approve')}>{t('privacyPage.review.approve')}</button>{' '}
                  <button type="button" className="secondary" disabled={!(notes[r.id] ?? '').trim()} onClick={() => void decide(r.id, 'reject')}>{t('privacyPage.review.reject')}</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {error && <p className="error" role="alert">{error}</p>}
    </section>
  );
}
