import { useTranslation } from 'react-i18next';
import { hrefFor, useRouteParams } from '../../app/router';
import '../alerts/alerts.css';
import { CameraPicker } from '../live/CameraPicker';
import { useCamera } from '../live/cameras';
import './analytics.css';
import { CameraAnalytics } from './CameraAnalytics';
import { JobsPanel } from './JobsPanel';

/** '#/analytics?camera=ID' (rules and settings), '#/analytics?camera=ID&tab=jobs' (recorded-footage analysis). */
export function AnalyticsPage() {
  const { t } = useTranslation();
  const params = useRouteParams();
  const cameraId = params.get('camera') || null;
  const tab = params.get('tab') === 'jobs' ? 'jobs' : 'rules';
  const { camera } = useCamera(cameraId);
  const tabLink = (name: 'rules' | 'jobs', label: string) => (
    <a href={hrefFor('analytics', { camera: cameraId ?? undefined, tab: name === 'jobs' ? 'jobs' : undefined })} className={tab === name ? 'active' : undefined} aria-current={tab === name ? 'page' : undefined} data-testid={`tab-${name}`}>
      {label}
    </a>
  );
  return (
    <div className="analytics-page" data-testid="analytics-page">
      <div className="toolbar">
        <h1>
          {t('analytics.title')}
          {cameraId && <span className="muted"> · {camera?.name ?? cameraId}</span>}
        </h1>
        <nav className="tabs" aria-label={t('analytics.tabs')}>
          {tabLink('rules', t('analytics.rule.title'))}
          {tabLink('jobs', t('analytics.jobs.title'))}
        </nav>
        {cameraId && (
          <a className="button" href={hrefFor('analytics', { tab: tab === 'jobs' ? 'jobs' : undefined })}>
            {t('analytics.otherCamera')}
          </a>
        )}
      </div>
      {!cameraId && (
        <div className="card picker-card">
          <p className="muted">{tab === 'jobs' ? t('analytics.pickForJobs') : t('analytics.pick')}</p>
          <CameraPicker onPick={(id) => (window.location.hash = hrefFor('analytics', { camera: id, tab: tab === 'jobs' ? 'jobs' : undefined }))} />
        </div>
      )}
      {cameraId && tab === 'rules' && <CameraAnalytics key={cameraId} cameraId={cameraId} />}
      {tab === 'jobs' && <JobsPanel cameraId={cameraId ?? undefined} />}
    </div>
  );
}
