import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useCursorPages } from '../../api/useCursorPages';
import { useAuth } from '../../app/auth';
import { errorText } from '../../app/errors';
import { useOrganisations } from '../cameras/organisations';
import './health.css';
import { healthApi } from './healthApi';
import { HealthBreakdown } from './HealthBreakdown';
import { HealthFilters } from './HealthFilters';
import { HealthTable } from './HealthTable';
import { HealthTiles } from './HealthTiles';
import { NO_FILTERS, type HealthFilterValues } from './types';
import { useHealthEvents } from './useHealthEvents';
import { useHealthSummary } from './useHealthSummary';

const PAGE_SIZE = 100;

/**
 * Camera health: counts by state, then every camera in scope with its recorder state, fps,
 * bitrate, reconnects, last segment (HKT), storage and tamper flags. Refreshes on camera events.
 */
export function HealthPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const orgs = useOrganisations();
  const [filters, setFilters] = useState<HealthFilterValues>(NO_FILTERS);
  const [revision, setRevision] = useState(0);
  const [resetting, setResetting] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ kind: 'ok' | 'bad'; text: string } | null>(null);
  const reload = useCallback(() => setRevision((r) => r + 1), []);
  useHealthEvents(reload);

  const pages = useCursorPages((cursor, signal) => healthApi.cameras(filters, PAGE_SIZE, cursor, signal), JSON.stringify(filters), revision, 'Health list');
  const { summary, error: summaryError } = useHealthSummary(filters.owner, filters.district, revision);

  const reset = async (cameraId: string) => {
    if (!window.confirm(t('health.reset.confirm', { id: cameraId }))) return;
    setResetting(cameraId);
    try {
      await healthApi.resetReference(cameraId);
      setNotice({ kind: 'ok', text: t('health.reset.done', { id: cameraId }) });
      reload();
    } catch (err) {
      console.error('Reference reset failed', err);
      setNotice({ kind: 'bad', text: errorText(t, err) });
    } finally {
      setResetting(null);
    }
  };

  return (
    <div className="health-page" data-testid="health-page">
      <div className="toolbar">
        <h1>{t('health.title')}</h1>
        <div className="toolbar-actions">
          <button type="button" onClick={reload}>
            {t('common.refresh')}
          </button>
        </div>
      </div>
      {notice && (
        <div className={`notice ${notice.kind}`} role="status">
          {notice.text}
          <button type="button" onClick={() => setNotice(null)}>
            {t('common.close')}
          </button>
        </div>
      )}
      {summaryError !== null && <div className="notice bad">{errorText(t, summaryError)}</div>}
      <HealthTiles summary={summary} filters={filters} onPick={(p) => setFilters({ ...filters, ...p })} />
      <HealthFilters value={filters} organisations={orgs.items} onChange={setFilters} />
      <HealthTable pages={pages} nameOf={orgs.nameOf} canReset={can('camera.write')} resetting={resetting} onReset={(id) => void reset(id)} />
      {summary && <HealthBreakdown summary={summary} nameOf={orgs.nameOf} />}
    </div>
  );
}
