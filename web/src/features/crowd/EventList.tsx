import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isAbort } from '../../api/client';
import { hrefFor } from '../../app/router';
import { errorText } from '../../app/errors';
import { formatHkt } from '../../time/format';
import { crowdApi } from './crowdApi';
import type { CrowdEvent } from './types';

/** The events in your scope, newest first, each a link to its dashboard. */
export function EventList() {
  const { t } = useTranslation();
  const [items, setItems] = useState<CrowdEvent[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    const ac = new AbortController();
    crowdApi.events(ac.signal).then(
      (r) => setItems([...r.items].sort((a, b) => b.startsAt - a.startsAt)),
      (err: unknown) => {
        if (isAbort(err)) return;
        console.error('Crowd events could not be read', err);
        setError(err);
      },
    );
    return () => ac.abort();
  }, []);
  const now = Date.now();
  return (
    <section className="card crowd-event-list" data-testid="event-list">
      <h2>{t('crowdPage.event.list')}</h2>
      {error !== null && <p className="error">{errorText(t, error)}</p>}
      {items === null && error === null && <p className="muted">{t('common.loading')}</p>}
      {items !== null && items.length === 0 && <p className="muted">{t('crowdPage.event.noEvents')}</p>}
      {items !== null && items.length > 0 && (
        <ul>
          {items.map((e) => (
            <li key={e.id}>
              <a href={hrefFor('crowd', { event: e.id })} data-testid="event-link" data-id={e.id}>
                {e.name}
              </a>{' '}
              <span className="muted">
                {formatHkt(e.startsAt)} – {formatHkt(e.endsAt)} · {t('crowdPage.event.cameraCount', { count: e.cameraIds.length })}
                {e.startsAt <= now && now < e.endsAt && <strong className="ok-text"> · {t('crowdPage.event.running')}</strong>}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
