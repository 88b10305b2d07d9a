import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../app/errors';
import { formatHkt, parseHktLocal } from '../../time/format';
import { analyticsApi } from './analyticsApi';
import { Field } from './Field';
import { fieldErrors } from './formErrors';
import type { Job } from './types';

const HOUR = 3_600_000;
const hktLocal = (ms: number) => {
  const s = formatHkt(ms);
  return `${s.slice(0, 10)}T${s.slice(11, 16)}`;
};

/** Start analysing a camera's recordings over a time range (Hong Kong time). */
export function JobForm({ cameraId, onStarted }: { cameraId: string; onStarted(job: Job): void }) {
  const { t } = useTranslation();
  const [from, setFrom] = useState(() => hktLocal(Date.now() - HOUR));
  const [to, setTo] = useState(() => hktLocal(Date.now()));
  const [fps, setFps] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const errors = fieldErrors(error);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const fromMs = parseHktLocal(from);
    const toMs = parseHktLocal(to);
    if (fromMs === null || toMs === null) {
      setError(new Error(t('analytics.jobs.badTime')));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onStarted(await analyticsApi.createJob({ cameraId, from: fromMs, to: toMs, fps: fps.trim() ? Number(fps) : undefined }));
    } catch (err) {
      console.error('Starting an analysis job failed', err);
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card job-form" onSubmit={(e) => void submit(e)} data-testid="job-form" noValidate>
      <h2>{t('analytics.jobs.start')}</h2>
      {error !== null && (
        <div className="notice bad" role="alert" data-testid="job-error">
          {errorText(t, error)}
        </div>
      )}
      <div className="form-inline">
        <Field id="job-from" label={t('analytics.jobs.from')} error={errors.get('from')}>
          <input id="job-from" type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} data-testid="job-from" />
        </Field>
        <Field id="job-to" label={t('analytics.jobs.to')} error={errors.get('to')}>
          <input id="job-to" type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} data-testid="job-to" />
        </Field>
        <Field id="job-fps" label={t('analytics.jobs.fps')} error={errors.get('fps')}>
          <input id="job-fps" type="number" min={0} max={30} step="any" value={fps} onChange={(e) => setFps(e.target.value)} placeholder={t('analytics.jobs.default')} />
        </Field>
        <button type="submit" className="primary" disabled={busy} data-testid="job-start">
          {t('analytics.jobs.run')}
        </button>
      </div>
    </form>
  );
}
