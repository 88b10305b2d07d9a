import { useTranslation } from 'react-i18next';
import { useAuth } from '../../app/auth';
import { errorText } from '../../app/errors';
import { JobForm } from './JobForm';
import { JobRow } from './JobRow';
import { useJobs } from './useJobs';

/** Recorded-footage analysis: start a job for the camera, watch its progress live, cancel it, open its events. */
export function JobsPanel({ cameraId }: { cameraId?: string }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const { jobs, error, loading, reload, put } = useJobs(cameraId);
  return (
    <div className="jobs-panel" data-testid="jobs-panel">
      {cameraId && can('analytics.run') && <JobForm cameraId={cameraId} onStarted={put} />}
      <section className="card">
        <div className="toolbar">
          <h2>{t('analytics.jobs.title')}</h2>
          <button type="button" onClick={reload}>
            {t('common.refresh')}
          </button>
        </div>
        {error !== null && <div className="notice bad">{errorText(t, error)}</div>}
        <table className="data compact" data-testid="job-table">
          <thead>
            <tr>
              <th>{t('analytics.jobs.what')}</th>
              <th>{t('analytics.jobs.state')}</th>
              <th>{t('analytics.jobs.progress')}</th>
              <th>{t('analytics.jobs.found')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {jobs.map((j) => (
              <JobRow key={j.id} job={j} canRun={can('analytics.run')} onChanged={put} />
            ))}
            {jobs.length === 0 && !loading && (
              <tr>
                <td colSpan={5} className="empty">
                  {t('analytics.jobs.none')}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </section>
    </div>
  );
}
