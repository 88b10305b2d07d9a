import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isAbort } from '../../api/client';
import { useAuth } from '../../app/auth';
import { errorText } from '../../app/errors';
import { hrefFor } from '../../app/router';
import { formatHkt } from '../../time/format';
import { CrowdAlerts } from './CrowdAlerts';
import { crowdApi, reportUrl, type ReportFormat } from './crowdApi';
import { CrowdTile } from './CrowdTile';
import { EventForm } from './EventForm';
import { EventSummary } from './EventSummary';
import { DensityMap } from './DensityMap';
import { SeriesChart } from './SeriesChart';
import type { CrowdEvent } from './types';
import { useCrowdLive } from './useCrowdLive';

const FORMATS: readonly ReportFormat[] = ['json', 'csv', 'pdf'];
const HOURS = [1, 3, 6, 12] as const;

/** One public event: live tiles, the density map, the last hours per camera, crowd alerts, the report. */
export function EventDashboard({ eventId }: { eventId: string }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const [event, setEvent] = useState<CrowdEvent | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [hours, setHours] = useState<number>(3);
  const [ending, setEnding] = useState(false);
  const [editing, setEditing] = useState(false);

  useEffect(() => {
    const ac = new AbortController();
    setEvent(null);
    setError(null);
    crowdApi.event(eventId, ac.signal).then(setEvent, (err: unknown) => {
      if (isAbort(err)) return;
      console.error(`Crowd event ${eventId} could not be read`, err);
      setError(err);
    });
    return () => ac.abort();
  }, [eventId]);

  const now = Date.now();
  const running = event !== null && event.startsAt <= now && now < event.endsAt;
  const { live, stale, error: liveError, receivedAt } = useCrowdLive(running ? (event?.cameraIds ?? []) : []);

  if (error !== null) return <div className="notice bad">{errorText(t, error)}</div>;
  if (!event) return <p className="muted">{t('common.loading')}</p>;

  const endNow = async () => {
    setEnding(true);
    try {
      setEvent(await crowdApi.updateEvent(event.id, { endsAt: Date.now() }));
    } catch (err) {
      console.error(`Ending crowd event ${event.id} failed`, err);
      setError(err);
    } finally {
      setEnding(false);
    }
  };
  const cams = live?.cameras ?? [];
  const nameOf = (id: string) => cams.find((c) => c.cameraId === id)?.name ?? id;

  return (
    <div className="crowd-dashboard" data-testid="crowd-dashboard" data-event={event.id} data-running={String(running)}>
      <div className="toolbar">
        <h2 data-testid="event-title">{event.name}</h2>
        <span className="muted">
          {formatHkt(event.startsAt)} – {formatHkt(event.endsAt)}
        </span>
        <div className="toolbar-actions">
          <span className="muted">{t('crowdPage.report.title')}</span>
          {FORMATS.map((f) => (
            <a key={f} className="button" href={reportUrl(event.id, f)} download={`crowd-event-${event.id}.${f}`} data-testid={`report-${f}`}>
              {f.toUpperCase()}
            </a>
          ))}
          {can('crowd.manage') && (
            <button type="button" onClick={() => setEditing(!editing)} aria-expanded={editing} data-testid="event-edit">
              {t('crowdPage.event.edit')}
            </button>
          )}
          {running && can('crowd.manage') && (
            <button type="button" onClick={() => void endNow()} disabled={ending} data-testid="event-end">
              {t('crowdPage.event.endNow')}
            </button>
          )}
        </div>
      </div>
      {editing && (
        <EventForm
          initial={event}
          onCancel={() => setEditing(false)}
          onSaved={(e) => {
            setEvent(e);
            setEditing(false);
          }}
        />
      )}
      {!running && <p className="notice">{event.endsAt <= now ? t('crowdPage.event.ended') : t('crowdPage.event.notStarted')}</p>}
      {event.endsAt <= now && <EventSummary key={event.endsAt} eventId={event.id} />}
      {running && (
        <p className={`crowd-live-state${stale ? ' stale' : ''}`} role="status" data-testid="crowd-live-state" data-stale={String(stale)}>
          {stale
            ? t('crowdPage.live.stale', { at: receivedAt ? formatHkt(receivedAt) : '—' })
            : live
              ? t('crowdPage.live.at', { at: formatHkt(live.at) })
              : t('common.loading')}
          {liveError !== null && <span className="error"> · {errorText(t, liveError)}</span>}
        </p>
      )}
      {running && (
        <div className="crowd-tiles" data-testid="crowd-tiles">
          {cams.map((c) => (
            <CrowdTile key={c.cameraId} cam={c} allStale={stale} />
          ))}
        </div>
      )}
      <div className="crowd-grid">
        <DensityMap cameras={cams} />
        <CrowdAlerts cameraIds={event.cameraIds} fromMs={event.startsAt} />
      </div>
      <div className="crowd-section-head">
        <h2>{t('crowdPage.chart.title')}</h2>
        <label>
          {t('crowdPage.chart.hours')}{' '}
          <select value={hours} onChange={(e) => setHours(Number(e.target.value))} data-testid="chart-hours">
            {HOURS.map((h) => (
              <option key={h} value={h}>
                {t('crowdPage.chart.hoursN', { count: h })}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="crowd-charts">
        {event.cameraIds.map((id) => (
          <SeriesChart key={id} cameraId={id} name={nameOf(id)} hours={hours} toMs={running ? null : event.endsAt} />
        ))}
      </div>
      {can('crowd.manage') && (
        <p className="muted">
          {event.cameraIds.map((id) => (
            <a key={id} className="crowd-setup-link" href={hrefFor('crowd', { tab: 'setup', camera: id })}>
              {t('crowdPage.setup.link', { name: nameOf(id) })}
            </a>
          ))}
        </p>
      )}
    </div>
  );
}
