import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../app/errors';
import { hrefFor } from '../../app/router';
import { formatHkt } from '../../time/format';
import { analyticsApi } from './analyticsApi';
import type { Job } from './types';

const RUNNING = new Set(['queued', 'running']);

/** One job: what it covers, a progress bar (live), counts, cancel, and a link to the events it found. */
export function JobRow({ job, canRun, onChanged }: { job: Job; canRun: boolean; onChanged(job: Job): void }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const pct = Math.round(job.progress * 100);
  const cancel = async () => {
    setBusy(true);
    setError(null);
    try {
      onChanged(await analyticsApi.cancelJob(job.id));
    } catch (err) {
      console.error(`Cancelling job ${job.id} failed`, err);
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <tr data-testid="job-row" data-id={job.id} data-state={job.state}>
      <td className="nowrap">
        <span className="mono">{job.cameraId ?? job.fileName ?? '—'}</span>
        <div className="muted small">{job.fromMs !== null && job.toMs !== null ? `${formatHkt(job.fromMs)} – ${formatHkt(job.toMs).slice(11)}` : formatHkt(job.createdAt)}</div>
      </td>
      <td>
        <span className={`status job-${job.state}`} data-testid="job-state">
          {t(`analytics.jobs.states.${job.state}`)}
        </span>
      </td>
      <td className="job-progress-cell">
        <progress max={100} value={pct} aria-label={t('analytics.jobs.progress')} data-testid="job-progress" data-value={pct} />
        <span className="small"> {pct}%</span>
        {job.error && <div className="error small">{job.error}</div>}
        {error !== null && <div className="error small">{errorText(t, error)}</div>}
      </td>
      <td className="num" data-testid="job-counts">
        {t('analytics.jobs.counts', { frames: job.frames, tracks: job.tracks, events: job.events })}
      </td>
      <td className="nowrap">
        <a href={hrefFor('alerts', { tab: 'events', job: job.id })} data-testid="job-events">
          {t('analytics.jobs.events')}
        </a>
        {canRun && RUNNING.has(job.state) && (
          <>
            {' '}
            <button type="button" className="small" disabled={busy} onClick={() => void cancel()} data-testid="job-cancel">
              {t('analytics.jobs.cancel')}
            </button>
          </>
        )}
      </td>
    </tr>
  );
}
