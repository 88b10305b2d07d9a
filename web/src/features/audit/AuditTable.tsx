import { useTranslation } from 'react-i18next';
import { errorText } from '../../app/errors';
import { formatHkt } from '../../time/format';
import type { AuditPages } from './useAuditPages';

export function AuditTable({ pages }: { pages: AuditPages }) {
  const { t } = useTranslation();
  const { items, hasMore, loading, error, loadMore } = pages;
  return (
    <section className="card table-card">
      <div className="scroll">
        <table className="data" data-testid="audit-table">
          <thead>
            <tr>
              <th>{t('audit.col.time')}</th>
              <th>{t('audit.col.actor')}</th>
              <th>{t('audit.col.action')}</th>
              <th>{t('audit.col.target')}</th>
              <th>{t('audit.col.cameras')}</th>
              <th>{t('audit.col.purpose')}</th>
              <th>{t('audit.col.case')}</th>
              <th>{t('audit.col.outcome')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((r) => (
              <tr key={r.seq} data-testid="audit-row" data-action={r.action} title={`${r.chain} #${r.chainSeq}${r.ip ? ` · ${r.ip}` : ''}`}>
                <td className="nowrap">{formatHkt(r.at)}</td>
                <td title={r.actorId ?? undefined}>{r.actorName}</td>
                <td className="mono">{r.action}</td>
                <td className="mono">{r.targetType ? `${r.targetType}${r.targetId ? `:${r.targetId}` : ''}` : (r.targetId ?? '—')}</td>
                <td className="mono cams">{r.cameraIds.length > 0 ? r.cameraIds.join(', ') : '—'}</td>
                <td>{r.purpose ?? '—'}</td>
                <td>{r.caseRef ?? '—'}</td>
                <td>
                  <span className={`outcome outcome-${r.outcome}`}>{t(`audit.outcomes.${r.outcome}`, { defaultValue: r.outcome })}</span>
                </td>
              </tr>
            ))}
            {items.length === 0 && !loading && (
              <tr>
                <td colSpan={8} className="empty">
                  {t('audit.empty')}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <div className="table-foot">
        <span className="muted">{t('audit.shown', { count: items.length })}</span>
        {error !== null && <span className="error">{errorText(t, error)}</span>}
        {loading && <span className="muted">{t('common.loading')}</span>}
        {hasMore && !loading && (
          <button type="button" onClick={loadMore} data-testid="audit-load-more">
            {t('common.loadMore')}
          </button>
        )}
      </div>
    </section>
  );
}
