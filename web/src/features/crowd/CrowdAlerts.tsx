import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isAbort } from '../../api/client';
import { hrefFor } from '../../app/router';
import { errorText } from '../../app/errors';
import { useLive } from '../../live/live';
import { formatHkt } from '../../time/format';
import { alertsApi } from '../alerts/alertsApi';
import { NO_EVENT_FILTERS, type AnalyticsEvent } from '../alerts/types';
import { LEVEL_COLOUR } from './format';
import { LEVELS, type Level } from './types';

const FALLBACK_REFRESH_MS = 15_000;
const LIVE_DELAY_MS = 300;
export const CROWD_TYPES = ['crowd.density', 'crowd.surge', 'crowd.dispersal', 'crowd.counterflow'] as const;

const levelOf = (e: AnalyticsEvent): Level | null => {
  const l = e.detail.level;
  return typeof l === 'string' && (LEVELS as readonly string[]).includes(l) ? (l as Level) : null;
};

/** The crowd.* events (and so alerts) of the event's cameras since it started, newest first; refreshed live. */
export function CrowdAlerts({ cameraIds, fromMs }: { cameraIds: readonly string[]; fromMs: number }) {
  const { t } = useTranslation();
  const { subscribe } = useLive();
  const [items, setItems] = useState<AnalyticsEvent[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  const key = cameraIds.join(',');
  const keyRef = useRef(key);
  keyRef.current = key;

  useEffect(() => {
    const ac = new AbortController();
    const ids = key ? key.split(',') : [];
    Promise.all(ids.map((camera) => alertsApi.events({ ...NO_EVENT_FILTERS, camera }, 100, undefined, ac.signal).then((p) => p.items.filter((e) => e.startedAt >= fromMs)))).then(
      (lists) => {
        setItems(lists.flat().filter((e) => e.type.startsWith('crowd.')).sort((a, b) => b.startedAt - a.startedAt));
        setError(null);
      },
      (err: unknown) => {
        if (isAbort(err)) return;
        console.warn('Crowd alerts could not be read', err);
        setError(err);
      },
    );
    return () => ac.abort();
  }, [key, fromMs, tick]);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const unsubscribe = subscribe((e) => {
      if (e.name !== 'analytics.event' && e.name !== 'alert.raised') return;
      const cam = typeof e.data.cameraId === 'string' ? e.data.cameraId : null;
      if (cam && !keyRef.current.split(',').includes(cam)) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => setTick((n) => n + 1), LIVE_DELAY_MS);
    });
    const id = setInterval(() => setTick((n) => n + 1), FALLBACK_REFRESH_MS);
    return () => {
      unsubscribe();
      clearInterval(id);
      if (timer) clearTimeout(timer);
    };
  }, [subscribe]);

  return (
    <section className="card crowd-alerts" data-testid="crowd-alerts" data-count={items?.length ?? 0}>
      <div className="crowd-section-head">
        <h2>{t('crowdPage.alerts.title')}</h2>
        <a href={hrefFor('alerts')}>{t('crowdPage.alerts.all')}</a>
      </div>
      {error !== null && <p className="error">{errorText(t, error)}</p>}
      {items === null && error === null && <p className="muted">{t('common.loading')}</p>}
      {items !== null && items.length === 0 && <p className="muted">{t('crowdPage.alerts.none')}</p>}
      {items !== null && items.length > 0 && (
        <ul className="crowd-alert-list">
          {items.slice(0, 50).map((e) => {
            const level = levelOf(e);
            const known = (CROWD_TYPES as readonly string[]).includes(e.type);
            return (
              <li key={e.id} data-testid="crowd-alert" data-type={e.type} data-camera={e.cameraId}>
                {/* A density alert's level says more than its severity (which follows from it). */}
                {!level && <span className={`sev sev-${e.severity}`}>{t(`alerts.severities.${e.severity}`)}</span>}{' '}
                <strong>{known ? t(`crowdPage.alerts.kinds.${e.type.slice('crowd.'.length)}`) : e.type}</strong>
                {level && (
                  <span className="crowd-level small" style={{ background: LEVEL_COLOUR[level] }}>
                    {t(`crowdPage.level.${level}`)}
                  </span>
                )}{' '}
                <span className="muted">
                  {formatHkt(e.startedAt)} · <span className="mono">{e.cameraId}</span>
                  {e.ruleName ? ` · ${e.ruleName}` : ''}
                </span>{' '}
                <a href={e.playbackUrl}>{t('crowdPage.alerts.recording')}</a>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
