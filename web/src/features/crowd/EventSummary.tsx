import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isAbort, request } from '../../api/client';
import { errorText } from '../../app/errors';
import { formatHkt } from '../../time/format';
import { reportUrl } from './crowdApi';
import { fmtCount, fmtDensity } from './format';
import { readSummary } from './report';

/** After an event: its peaks per camera and how many crowd alerts it raised, from the JSON report. */
export function EventSummary({ eventId }: { eventId: string }) {
  const { t } = useTranslation();
  const [summary, setSummary] = useState<ReturnType<typeof readSummary> | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    const ac = new AbortController();
    request<unknown>(reportUrl(eventId, 'json'), { signal: ac.signal }).then(
      (r) => setSummary(readSummary(r)),
      (err: unknown) => {
        if (isAbort(err)) return;
        console.error(`The report of crowd event ${eventId} could not be read`, err);
        setError(err);
      },
    );
    return () => ac.abort();
  }, [eventId]);
  return (
    <section className="card crowd-summary" data-testid="event-summary">
      <h2>{t('crowdPage.summary.title')}</h2>
      {error !== null && <p className="error">{errorText(t, error)}</p>}
      {!summary && error === null && <p className="muted">{t('common.loading')}</p>}
      {summary && (
        <>
          <table className="crowd-zones">
            <thead>
              <tr>
                <th>{t('crowdPage.summary.camera')}</th>
                <th>{t('crowdPage.summary.peakCount')}</th>
                <th>{t('crowdPage.summary.peakDensity')}</th>
                <th>{t('crowdPage.summary.crossings')}</th>
              </tr>
            </thead>
            <tbody>
              {summary.cameras.map((c) => (
                <tr key={c.cameraId} data-testid="summary-camera" data-camera={c.cameraId} data-peak={c.peakCount ?? ''}>
                  <td>{c.name}</td>
                  <td>
                    {fmtCount(c.peakCount)} {c.peakCountAt !== null && <span className="muted">({formatHkt(c.peakCountAt)})</span>}
                  </td>
                  <td>{c.peakDensityPerM2 !== null ? t('crowdPage.tile.perM2', { d: fmtDensity(c.peakDensityPerM2) }) : '—'}</td>
                  <td>{t('crowdPage.summary.inOut', { in: c.crossedIn ?? '—', out: c.crossedOut ?? '—' })}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted">{t('crowdPage.summary.alerts', { count: summary.alerts })}</p>
        </>
      )}
    </section>
  );
}
