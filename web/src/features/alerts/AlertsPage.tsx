import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { hrefFor, useRouteParams } from '../../app/router';
import './alerts.css';
import { AlertsList } from './AlertsList';
import { EventsList } from './EventsList';

/** Alerts (live, with acknowledge / note / close) and the searchable analytics events: '#/alerts' and '#/alerts?tab=events'. */
export function AlertsPage() {
  const { t } = useTranslation();
  const params = useRouteParams();
  const tab = params.get('tab') === 'events' ? 'events' : 'alerts';
  const [revision, setRevision] = useState(0);
  const initial = { jobId: params.get('job') ?? '', camera: params.get('camera') ?? '' };
  return (
    <div className="alerts-page" data-testid="alerts-page">
      <div className="toolbar">
        <h1>{tab === 'events' ? t('events.title') : t('alerts.title')}</h1>
        <nav className="tabs" aria-label={t('alerts.tabs')}>
          <a href={hrefFor('alerts')} className={tab === 'alerts' ? 'active' : undefined} aria-current={tab === 'alerts' ? 'page' : undefined} data-testid="tab-alerts">
            {t('alerts.title')}
          </a>
          <a href={hrefFor('alerts', { tab: 'events' })} className={tab === 'events' ? 'active' : undefined} aria-current={tab === 'events' ? 'page' : undefined} data-testid="tab-events">
            {t('events.title')}
          </a>
        </nav>
        <div className="toolbar-actions">
          <button type="button" onClick={() => setRevision((r) => r + 1)}>
            {t('common.refresh')}
          </button>
        </div>
      </div>
      {tab === 'alerts' ? <AlertsList revision={revision} /> : <EventsList key={`${initial.jobId}|${initial.camera}`} revision={revision} initial={initial} />}
    </div>
  );
}
