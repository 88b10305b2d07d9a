import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { isAbort } from '../../../api/client';
import { errorText } from '../../../app/errors';
import { formatHkt, parseHktLocal } from '../../../time/format';
import { governanceApi, type AuditRecord, type Flag, type ReviewFilter } from '../api';

const DAY = 86_400_000;
const FIELDS = ['user', 'cameraId', 'caseRef', 'action'] as const;

/** The auditor's view: filters over the audit trail, flags for the period, CSV export with the chain verification. */
export function AuditReviewTab() {
  const { t } = useTranslation();
  const [form, setForm] = useState<Record<string, string>>({ from: '', to: '', user: '', cameraId: '', caseRef: '', action: '' });
  const [filter, setFilter] = useState<ReviewFilter>({});
  const [items, setItems] = useState<AuditRecord[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [flags, setFlags] = useState<Flag[] | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    const ac = new AbortController();
    setError(null);
    governanceApi.audit(filter, undefined, ac.signal).then((r) => {
      setItems(r.items);
      setNext(r.nextCursor);
    }, (err: unknown) => {
      if (!isAbort(err)) setError(err);
    });
    const to = filter.to ?? Date.now();
    const from = filter.from ?? to - 7 * DAY;
    governanceApi.flags(from, to, ac.signal).then((r) => setFlags(r.flags), (err: unknown) => {
      if (!isAbort(err)) setError(err);
    });
    return () => ac.abort();
  }, [filter]);

  const apply = (e: FormEvent) => {
    e.preventDefault();
    const s = (v: string | undefined) => v?.trim() || undefined;
    setFilter({ from: parseHktLocal(form.from ?? '') ?? undefined, to: parseHktLocal(form.to ?? '') ?? undefined, user: s(form.user), cameraId: s(form.cameraId), caseRef: s(form.caseRef), action: s(form.action) });
  };
  const more = async () => {
    if (!next) return;
    try {
      const r = await governanceApi.audit(filter, next);
      setItems([...items, ...r.items]);
      setNext(r.nextCursor);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <div className="governance-review" data-testid="review-tab">
      <h2>{t('governancePage.tabs.review')}</h2>
      <form className="filters card" onSubmit={apply} data-testid="review-filters">
        <label>{t('governancePage.review.from')}<input type="datetime-local" value={form.from} onChange={(e) => setForm({ ...form, from: e.target.value })} /></label>
        <label>{t('governancePage.review.to')}<input type="datetime-local" value={form.to} onChange={(e) => setForm({ ...form, to: e.target.value })} /></label>
        {FIELDS.map((k) => (
          <label key={k}>{t(`governancePage.review.${k}`)}<input type="text" value={form[k]} onChange={(e) => setForm({ ...form, [k]: e.target.value })} data-testid={`review-${k}`} /></label>
        ))}
        <button type="submit" data-testid="review-apply">{t('common.search')}</button>
        <a className="button" href={governanceApi.auditCsvUrl(filter)} download data-testid="review-csv">{t('governancePage.review.csv')}</a>
      </form>
      {error !== null && <p className="error">{errorText(t, error)}</p>}
      <section className="card" data-testid="review-flags">
        <h3>{t('governancePage.review.flags')}</h3>
        {flags === null ? <p className="muted">{t('common.loading')}</p> : flags.length === 0 ? <p className="muted">{t('governancePage.review.noFlags')}</p> : (
          <ul>
            {flags.map((f, i) => (
              <li key={i} data-testid="review-flag" data-kind={f.kind}>
                <strong>{t(`governancePage.review.kinds.${f.kind}`)}</strong> · {formatHkt(f.at)} · {f.user ?? '—'} · {f.summary}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="card table-card">
        <table className="data" data-testid="review-table">
          <thead>
            <tr>
              <th>{t('governancePage.review.col.time')}</th>
              <th>{t('governancePage.review.col.user')}</th>
              <th>{t('governancePage.review.col.action')}</th>
              <th>{t('governancePage.review.col.cameras')}</th>
              <th>{t('governancePage.review.col.case')}</th>
              <th>{t('governancePage.review.col.outcome')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((r) => (
              <tr key={r.seq} data-testid="review-row" data-action={r.action}>
                <td>{formatHkt(r.at)}</td>
                <td>{r.actorName}</td>
                <td>{r.action}{typeof r.details.breakGlassId === 'string' ? ` (${t('governancePage.review.kinds.break_glass')})` : ''}</td>
                <td>{r.cameraIds.join(', ')}</td>
                <td>{r.caseRef ?? '—'}</td>
                <td>{r.outcome}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {next && <button type="button" onClick={() => void more()}>{t('common.loadMore')}</button>}
      </section>
    </div>
  );
}
