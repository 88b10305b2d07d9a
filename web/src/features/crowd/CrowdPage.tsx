import { useTranslation } from 'react-i18next';
import { useAuth } from '../../app/auth';
import { hrefFor, useRouteParams } from '../../app/router';
import '../alerts/alerts.css';
import '../analytics/analytics.css';
import { CameraPicker } from '../live/CameraPicker';
import { useCamera } from '../live/cameras';
import { CameraSetup } from './CameraSetup';
import './crowd.css';
import { EventDashboard } from './EventDashboard';
import { EventForm } from './EventForm';
import { EventList } from './EventList';

/**
 * '#/crowd' (events: choose or create one), '#/crowd?event=ID' (the event's dashboard),
 * '#/crowd?tab=setup&camera=ID' (a camera's crowd setup and count calibration).
 */
export function CrowdPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const params = useRouteParams();
  const tab = params.get('tab') === 'setup' ? 'setup' : 'events';
  const eventId = params.get('event') || null;
  const cameraId = params.get('camera') || null;
  const { camera } = useCamera(tab === 'setup' ? cameraId : null);
  const tabLink = (name: 'events' | 'setup', label: string) => (
    <a href={hrefFor('crowd', name === 'setup' ? { tab: 'setup' } : {})} className={tab === name ? 'active' : undefined} aria-current={tab === name ? 'page' : undefined} data-testid={`crowd-tab-${name}`}>
      {label}
    </a>
  );
  return (
    <div className="crowd-page" data-testid="crowd-page">
      <div className="toolbar">
        <h1>
          {t('crowdPage.title')}
          {tab === 'setup' && cameraId && <span className="muted"> · {camera?.name ?? cameraId}</span>}
        </h1>
        <nav className="tabs" aria-label={t('crowdPage.tabs')}>
          {tabLink('events', t('crowdPage.event.tab'))}
          {tabLink('setup', t('crowdPage.setup.tab'))}
        </nav>
        {tab === 'events' && eventId && (
          <a className="button" href={hrefFor('crowd')} data-testid="crowd-other-event">
            {t('crowdPage.event.other')}
          </a>
        )}
      </div>
      {tab === 'events' && eventId && <EventDashboard key={eventId} eventId={eventId} />}
      {tab === 'events' && !eventId && (
        <div className="crowd-events">
          <EventList />
          {can('crowd.manage') && <EventForm onSaved={(e) => (window.location.hash = hrefFor('crowd', { event: e.id }))} />}
        </div>
      )}
      {tab === 'setup' && !cameraId && (
        <div className="card picker-card">
          <p className="muted">{t('crowdPage.setup.pick')}</p>
          <CameraPicker onPick={(id) => (window.location.hash = hrefFor('crowd', { tab: 'setup', camera: id }))} />
        </div>
      )}
      {tab === 'setup' && cameraId && <CameraSetup key={cameraId} cameraId={cameraId} />}
    </div>
  );
}
