import { useEffect, useState, type FormEvent } from 'react';
import { Dialog } from '../../app/Dialog';
import { useTranslation } from 'react-i18next';
import { formatHkt } from '../../time/format';
import { evidenceApi } from './api';
import { exportErrorText } from './errors';
import { defaultRange, parseCameraIds, readRange } from './range';
import { useExportJob } from './useExportJob';
import './evidence.css';

interface Props {
  /** Cameras to start with (the camera whose detail opened the dialog). */
  cameraIds: string[];
  onClose(): void;
}

type Problem = 'cameras' | 'invalid' | 'order' | 'caseRef' | 'purpose';

/** Evidence export: cameras, a range in HKT, case reference and purpose → a signed bundle to download, with progress. */
export function ExportDialog({ cameraIds, onClose }: Props) {
  const { t } = useTranslation();
  const [cameras, setCameras] = useState(cameraIds.join(', '));
  const [range, setRange] = useState(() => defaultRange(Date.now()));
  const [caseRef, setCaseRef] = useState('');
  const [purpose, setPurpose] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const { job, error, busy, start, reset } = useExportJob();

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const ids = parseCameraIds(cameras);
    const r = readRange(range.from, range.to);
    const p: Problem | null = !ids.length ? 'cameras' : r.problem ?? (!caseRef.trim() ? 'caseRef' : !purpose.trim() ? 'purpose' : null);
    setProblem(p);
    if (p) return;
    void start({ cameraIds: ids, fromMs: r.fromMs, toMs: r.toMs, caseRef: caseRef.trim(), purpose: purpose.trim() });
  };

  const running = busy || job?.status === 'running';
  const percent = Math.round((job?.progress ?? 0) * 100);
  const locked = running || job?.status === 'done';

  return (
    <Dialog id="export" title={t('evidence.title')} testId="export-dialog" onClose={onClose}>
      <p className="muted">{t('evidence.help')}</p>
      <form onSubmit={submit} className="export-form" noValidate>
        <label className="wide">
          {t('evidence.cameras')}
          <input value={cameras} onChange={(e) => setCameras(e.target.value)} disabled={locked} placeholder={t('evidence.camerasHint')} data-testid="export-cameras" />
        </label>
        <label>
          {t('evidence.from')}
          <input type="datetime-local" step={1} value={range.from} onChange={(e) => setRange({ ...range, from: e.target.value })} disabled={locked} data-testid="export-from" />
        </label>
        <label>
          {t('evidence.to')}
          <input type="datetime-local" step={1} value={range.to} onChange={(e) => setRange({ ...range, to: e.target.value })} disabled={locked} data-testid="export-to" />
        </label>
        <label>
          {t('evidence.caseRef')}
          <input value={caseRef} onChange={(e) => setCaseRef(e.target.value)} maxLength={100} disabled={locked} required data-testid="export-case" />
        </label>
        <label className="wide">
          {t('evidence.purpose')}
          <input value={purpose} onChange={(e) => setPurpose(e.target.value)} maxLength={500} disabled={locked} required data-testid="export-purpose" />
        </label>
        {job?.status === 'done' ? (
          <button type="button" onClick={reset} data-testid="export-again">
            {t('evidence.again')}
          </button>
        ) : (
          <button type="submit" className="primary" disabled={running} data-testid="export-submit">
            {running ? t('evidence.running') : t('evidence.submit')}
          </button>
        )}
      </form>
      {problem && (
        <p className="error" role="alert" data-testid="export-problem">
          {t(`evidence.problems.${problem}`)}
        </p>
      )}
      {running && (
        <div className="export-progress" role="status">
          <progress max={100} value={percent} aria-label={t('evidence.progress')} data-testid="export-progress" />
          <span>{t('evidence.percent', { percent })}</span>
        </div>
      )}
      {job?.status === 'done' && (
        <div className="export-done" role="status" data-testid="export-done">
          <p className="ok-text">{t('evidence.done', { id: job.id })}</p>
          <p>
            <a href={evidenceApi.downloadUrl(job.id)} download={`${job.id}.tar`} className="button primary" data-testid="export-download">
              {t('evidence.download')}
            </a>
          </p>
          <p className="muted">
            {t('evidence.manifest')}: <span className="mono break">{job.manifestSha256}</span>
          </p>
          <p className="muted">
            {t('evidence.requested', { from: formatHkt(job.fromMs), to: formatHkt(job.toMs) })} · {t('evidence.keyframeNote')}
          </p>
          <p className="muted">{t('evidence.verifyHint')}</p>
        </div>
      )}
      {job?.status === 'failed' && (
        <p className="error" role="alert" data-testid="export-error">
          {t('evidence.failed', { message: job.error ?? '' })}
        </p>
      )}
      {error !== null && (
        <p className="error" role="alert" data-testid="export-error">
          {exportErrorText(t, error)}
        </p>
      )}
    </Dialog>
  );
}
