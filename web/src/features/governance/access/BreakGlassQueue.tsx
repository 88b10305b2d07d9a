import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isAbort } from '../../../api/client';
import { errorText } from '../../../app/errors';
import { formatHkt } from '../../../time/format';
import { governanceApi, type BreakGlass } from '../api';

/** Every break-glass use, newest first; a supervisor approves or flags each with a note (audited). */
export function BreakGlassQueue() {
  const { t } = useTranslation();
  const [status, setStatus] = useState('pending');
  const [items, setItems] = useState<BreakGlass[]>([]);
  const [notes, setNotes] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((x) => x + 1), []);

  useEffect(() => {
    const ac = new AbortController();
    governanceApi.breakGlassQueue(status, ac.signal).then((r) => setItems(r.items), (err: unknown) => {
      if (!isAbort(err)) setError(err);
    });
    return () => ac.abort();
  }, [status, tick]);

  const review = async (b: BreakGlass, decision: 'approved' | 'flagged') => {
    setError(null);
    try {
      await governanceApi.reviewBreakGlass(b.id, decision, (notes[b.id] ?? '').trim());
      reload();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section className="card table-card">
      <div className="toolbar">
        <h3>{t('governancePage.access.queue')}</h3>
        <label>
          {t('governancePage.access.status')}
          <select value={status} onChange={(e) => setStatus(e.target.value)} data-testid="break-glass-status">
            {['pending', 'approved', 'flagged', ''].map((s) => <option key={s} value={s}>{t(`governancePage.access.statuses.${s || 'all'}`)}</option>)}
          </select>
        </label>
        {error !== null && <span className="error">{errorText(t, error)}</span>}
      </div>
      <table className="data" data-testid="break-glass-table">
        <thead>
          <tr>
            <th>{t('governancePage.access.col.started')}</th>
            <th>{t('governancePage.access.col.user')}</th>
            <th>{t('governancePage.access.col.reason')}</th>
            <th>{t('governancePage.access.col.until')}</th>
            <th>{t('governancePage.access.col.review')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((b) => (
            <tr key={b.id} data-testid="break-glass-row" data-id={b.id} data-status={b.reviewStatus}>
              <td>{formatHkt(b.startedAt)}</td>
              <td>{b.username}</td>
              <td>{b.reason}</td>
              <td>{formatHkt(b.expiresAt)}{b.active ? ` (${t('governancePage.access.active')})` : ''}</td>
              <td>
                {b.reviewStatus === 'pending' ? (
                  <span className="inline-form">
                    <input type="text" placeholder={t('governancePage.access.note')} value={notes[b.id] ?? ''} onChange={(e) => setNotes({ ...notes, [b.id]: e.target.value })} data-testid="review-note" />
                    <button type="button" onClick={() => void review(b, 'approved')} data-testid="review-approve">{t('governancePage.access.approve')}</button>
                    <button type="button" className="danger" onClick={() => void review(b, 'flagged')} data-testid="review-flag">{t('governancePage.access.flag')}</button>
                  </span>
                ) : (
                  <span>{t(`governancePage.access.statuses.${b.reviewStatus}`)} · {b.reviewedBy} · {b.reviewNote}</span>
                )}
              </td>
            </tr>
          ))}
          {items.length === 0 && <tr><td colSpan={5} className="muted">{t('governancePage.access.empty')}</td></tr>}
        </tbody>
      </table>
    </section>
  );
}
