import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isAbort } from '../../api/client';
import { errorText } from '../../app/errors';
import { formatHkt } from '../../time/format';
import { crowdApi } from './crowdApi';
import { fmtCount } from './format';
import { HeadMarker } from './HeadMarker';
import type { CountCalibration as Fit, CrowdSample, Pt } from './types';

export const MIN_SAMPLES = 3;

/** Count calibration: take frames, mark every head on each, then fit the camera's correction and see the error to expect. */
export function CountCalibration({ cameraId, purpose, current, onFitted }: { cameraId: string; purpose: string; current: Fit | null; onFitted(f: Fit): void }) {
  const { t } = useTranslation();
  const [samples, setSamples] = useState<CrowdSample[] | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [heads, setHeads] = useState<Pt[]>([]);
  const [busy, setBusy] = useState<'take' | 'save' | 'fit' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [fit, setFit] = useState<Fit | null>(current);

  useEffect(() => {
    const ac = new AbortController();
    crowdApi.samples(cameraId, ac.signal).then(
      (r) => setSamples(r.items),
      (err: unknown) => {
        if (isAbort(err)) return;
        console.error(`Crowd samples of ${cameraId} could not be read`, err);
        setError(err);
      },
    );
    return () => ac.abort();
  }, [cameraId]);

  const run = async (what: 'take' | 'save' | 'fit', fn: () => Promise<void>) => {
    setBusy(what);
    setError(null);
    try {
      await fn();
    } catch (err) {
      console.error(`Count calibration step '${what}' failed for ${cameraId}`, err);
      setError(err);
    } finally {
      setBusy(null);
    }
  };
  const select = (s: CrowdSample) => {
    setSelected(s.id);
    setHeads(s.heads ?? []);
  };
  const put = (s: CrowdSample) => setSamples((list) => [s, ...(list ?? []).filter((x) => x.id !== s.id)].sort((a, b) => b.at - a.at));
  const sample = samples?.find((s) => s.id === selected) ?? null;
  const marked = (samples ?? []).filter((s) => s.heads !== null).length;

  return (
    <section className="card crowd-count-calib" data-testid="count-calibration" data-marked={marked}>
      <h3>{t('crowdPage.count.title')}</h3>
      <p className="muted">{t('crowdPage.count.help', { n: MIN_SAMPLES })}</p>
      <div className="toolbar">
        <button
          type="button"
          data-testid="take-sample"
          disabled={busy !== null || !purpose.trim()}
          title={purpose.trim() ? undefined : t('crowdPage.count.needPurpose')}
          onClick={() =>
            void run('take', async () => {
              const s = await crowdApi.takeSample(cameraId, purpose);
              put(s);
              select(s);
            })
          }
        >
          {busy === 'take' ? t('crowdPage.count.taking') : t('crowdPage.count.take')}
        </button>
        <button type="button" data-testid="fit-count" disabled={busy !== null || marked < MIN_SAMPLES} onClick={() => void run('fit', async () => {
          const f = await crowdApi.fitCount(cameraId);
          setFit(f);
          onFitted(f);
        })}>
          {t('crowdPage.count.fit', { n: marked })}
        </button>
      </div>
      {!purpose.trim() && <p className="muted">{t('crowdPage.count.needPurpose')}</p>}
      {error !== null && <p className="error" role="alert" data-testid="count-error">{errorText(t, error)}</p>}
      {fit && (
        <p className="crowd-fit" data-testid="count-fit" data-mae={fit.expectedMae} data-pct={fit.expectedErrorPct} data-samples={fit.samples}>
          {t('crowdPage.count.fitted', { a: fit.a.toFixed(3), b: fit.b.toFixed(2), samples: fit.samples, mae: fit.expectedMae.toFixed(1), pct: fit.expectedErrorPct.toFixed(1) })}
        </p>
      )}
      <ul className="crowd-samples" data-testid="samples">
        {(samples ?? []).map((s) => (
          <li key={s.id} className={s.id === selected ? 'selected' : undefined}>
            <button type="button" className="link" onClick={() => select(s)} data-testid="sample" data-id={s.id} data-marked={String(s.heads !== null)}>
              {formatHkt(s.at)}
            </button>{' '}
            <span className="muted">
              {t('crowdPage.count.sampleLine', { raw: fmtCount(s.rawCount), heads: s.heads ? s.heads.length : '—' })}
            </span>
          </li>
        ))}
      </ul>
      {sample && (
        <div className="crowd-sample-edit">
          <HeadMarker imageUrl={sample.imageUrl} heads={heads} modelPoints={sample.points} onChange={setHeads} />
          <div className="toolbar">
            <span data-testid="head-count">{t('crowdPage.count.marked', { n: heads.length, raw: fmtCount(sample.rawCount) })}</span>
            <button type="button" onClick={() => setHeads([])} disabled={heads.length === 0}>
              {t('common.clear')}
            </button>
            <button type="button" className="primary" data-testid="save-heads" disabled={busy !== null} onClick={() => void run('save', async () => put(await crowdApi.putHeads(sample.id, heads)))}>
              {t('crowdPage.count.save')}
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
