import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useCursorPages } from '../../api/useCursorPages';
import { errorText } from '../../app/errors';
import { formatHkt } from '../../time/format';
import { alertsApi } from './alertsApi';
import { EventFilters } from './EventFilters';
import { Snapshot } from './Snapshot';
import { NO_EVENT_FILTERS, type EventFilterValues } from './types';

const PAGE_SIZE = 50;

/** Stored analytics events (track appearances and rule hits), searchable, each with its snapshot and recording link. */
export function EventsList({ revision, initial }: { revision: number; initial?: Partial<EventFilterValues> }) {
  const { t } = useTranslation();
  const [filters, setFilters] = useState<EventFilterValues>({ ...NO_EVENT_FILTERS, ...initial });
  const pages = useCursorPages((cursor, signal) => alertsApi.events(filters, PAGE_SIZE, cursor, signal), JSON.stringify(filters), revision, 'Event list');
  return (
    <>
      <EventFilters value={filters} onChange={setFilters} />
      <section className="card table-card">
        <div className="scroll">
          <table className="data" data-testid="event-table">
            <thead>
              <tr>
                <th>{t('events.col.snapshot')}</th>
                <th>{t('events.col.time')}</th>
                <th>{t('events.col.camera')}</th>
                <th>{t('events.col.what')}</th>
                <th>{t('events.col.rule')}</th>
                <th>{t('events.col.severity')}</th>
                <th>{t('events.col.recording')}</th>
              </tr>
            </thead>
            <tbody>
              {pages.items.map((e) => (
                <tr key={e.id} data-testid="event-row" data-id={e.id} data-type={e.type}>
                  <td>
                    <Snapshot url={e.snapshotUrl} alt={`${e.type} ${e.label}`} />
                  </td>
                  <td className="nowrap">
                    {formatHkt(e.startedAt)}
                    {e.endedAt !== null && <div className="muted small">→ {formatHkt(e.endedAt).slice(11)}</div>}
                  </td>
                  <td className="mono">{e.cameraId}</td>
                  <td>
                    <span className="mono">{e.type}</span> · {e.label}
                    {e.trackId !== null && <span className="muted"> #{e.trackId}</span>}
                    {e.score !== null && <span className="muted"> ({Math.round(e.score * 100)}%)</span>}
                    {e.jobId !== null && <div className="muted small">{t('events.fromJob', { id: e.jobId.slice(0, 8) })}</div>}
                  </td>
                  <td>{e.ruleName ?? '—'}</td>
                  <td>
                    <span className={`sev sev-${e.severity}`}>{t(`alerts.severities.${e.severity}`)}</span>
                  </td>
                  <td>
                    <a href={e.playbackUrl} data-testid="event-playback">
                      {t('alerts.openRecording')}
                    </a>
                  </td>
                </tr>
              ))}
              {pages.items.length === 0 && !pages.loading && (
                <tr>
                  <td colSpan={7} className="empty">
                    {t('events.empty')}
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
        <div className="table-foot">
          <span className="muted">{t('alerts.shown', { count: pages.items.length })}</span>
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
