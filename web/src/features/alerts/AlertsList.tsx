import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useCursorPages } from '../../api/useCursorPages';
import { useAuth } from '../../app/auth';
import { errorText } from '../../app/errors';
import { useLive } from '../../live/live';
import { AlertCard } from './AlertCard';
import { AlertFilters } from './AlertFilters';
import { alertsApi } from './alertsApi';
import { NO_ALERT_FILTERS, type Alert, type AlertFilterValues } from './types';
import { useLiveAlerts } from './useLiveAlerts';

const PAGE_SIZE = 50;

/** The alert list: loaded page by page, new alerts from the live socket on top, changes applied in place. */
export function AlertsList({ revision }: { revision: number }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const [filters, setFilters] = useState<AlertFilterValues>(NO_ALERT_FILTERS);
  // Alerts raised while the socket was down never arrive on it: read the list again when it reconnects.
  const { state } = useLive();
  const [reconnects, setReconnects] = useState(0);
  const wasDown = useRef(false);
  useEffect(() => {
    if (state === 'reconnecting') wasDown.current = true;
    else if (state === 'open' && wasDown.current) {
      wasDown.current = false;
      setReconnects((n) => n + 1);
    }
  }, [state]);
  const pages = useCursorPages((cursor, signal) => alertsApi.list(filters, PAGE_SIZE, cursor, signal), JSON.stringify(filters), revision + reconnects, 'Alert list');
  const live = useLiveAlerts(filters, revision + reconnects);
  const { put } = live;
  const onChanged = useCallback((a: Alert & { notes?: unknown }) => {
    const { notes: _notes, ...alert } = a;
    put(alert);
  }, [put]);

  const loadedIds = new Set(pages.items.map((a) => a.id));
  const freshIds = new Set(live.raised.map((a) => a.id));
  const shown = [...live.raised.filter((a) => !loadedIds.has(a.id)), ...pages.items]
    // An alert that changed so it no longer matches (acknowledged in an 'open' list) stays until the next reload, shown in its new state.
    .map((a) => live.changed.get(a.id) ?? a);

  return (
    <>
      <AlertFilters value={filters} onChange={setFilters} />
      <section className="card">
        <ul className="plain alert-list" data-testid="alert-list" aria-live="polite">
          {shown.map((a) => (
            <AlertCard key={a.id} alert={a} canManage={can('alert.manage')} fresh={freshIds.has(a.id)} onChanged={onChanged} />
          ))}
        </ul>
        {shown.length === 0 && !pages.loading && <p className="muted empty-note">{t('alerts.empty')}</p>}
        <div className="table-foot">
          <span className="muted">{t('alerts.shown', { count: shown.length })}</span>
          {pages.error !== null && <span className="error">{errorText(t, pages.error)}</span>}
          {pages.loading && <span className="muted">{t('common.loading')}</span>}
          {pages.hasMore && !pages.loading && (
            <button type="button" onClick={pages.loadMore}>
              {t('common.loadMore')}
            </button>
          )}
        </div>
      </section>
    </>
  );
}
