import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isAbort } from '../../api/client';
import { errorText } from '../../app/errors';
import { evidenceApi, type EvidenceExport } from '../evidence/api';
import { searchApi } from './searchApi';

const POLL_MS = 1000;
const PAD_MS = 5000;

/** "Export journey": one evidence bundle of the confirmed journey (each step's original recording, signed manifest), with progress and the download link. */
export function JourneyExport({ caseRef, anchorTrackId, disabled }: { caseRef: string; anchorTrackId: string; disabled: boolean }) {
  const { t } = useTranslation();
  const [job, setJob] = useState<EvidenceExport | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const ac = useRef<AbortController | null>(null);
  useEffect(() => () => ac.current?.abort(), []);
  useEffect(() => {
    ac.current?.abort();
    setJob(null);
    setError(null);
  }, [anchorTrackId]);

  const start = async () => {
    ac.current?.abort();
    const ctrl = new AbortController();
    ac.current = ctrl;
    setBusy(true);
    setError(null);
    setJob(null);
    try {
      const { exportId } = await searchApi.exportJourney(caseRef, anchorTrackId, PAD_MS);
      for (;;) {
        const next = await evidenceApi.get(exportId, ctrl.signal);
        setJob(next);
        if (next.status !== 'running') break;
        await new Promise((r) => setTimeout(r, POLL_MS));
        if (ctrl.signal.aborted) return;
      }
    } catch (err) {
      if (isAbort(err)) return;
      console.error('Journey export failed', err);
      setError(err);
    } finally {
      if (!ctrl.signal.aborted) setBusy(false);
    }
  };

  const pct = Math.round((job?.progress ?? 0) * 100);
  return (
    <div className="journey-export" data-testid="journey-export" data-status={job?.status ?? (busy ? 'starting' : 'idle')}>
      <button type="button" disabled={disabled || busy} onClick={() => void start()} data-testid="journey-export-start">
        {t('searchPage.journey.export')}
      </button>
      {job && job.status === 'running' && (
        <span>
          <progress max={100} value={pct} aria-label={t('searchPage.journey.exportProgress')} data-testid="journey-export-progress" /> <span className="small">{pct}%</span>
        </span>
      )}
      {job && job.status === 'done' && (
        <a className="button primary small" href={evidenceApi.downloadUrl(job.id)} download data-testid="journey-export-download">
          {t('searchPage.journey.download')}
        </a>
      )}
      {job && job.status === 'failed' && <span className="error">{t('searchPage.journey.exportFailed', { message: job.error ?? '' })}</span>}
      {error !== null && (
        <span className="error" role="alert" data-testid="journey-export-error">
          {errorText(t, error)}
        </span>
      )}
    </div>
  );
}
