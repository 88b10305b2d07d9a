import { useEffect, useState } from 'react';
import { isAbort } from '../../api/client';
import { alertsApi } from './alertsApi';
import type { AnalyticsEvent } from './types';

/** Events never change once stored (except their end), so one read per page load is enough. */
const cache = new Map<string, AnalyticsEvent>();

/** The analytics event behind an alert: its snapshot and the link to its recordings. */
export function useAlertEvent(eventId: string): AnalyticsEvent | null {
  const [event, setEvent] = useState<AnalyticsEvent | null>(() => cache.get(eventId) ?? null);
  useEffect(() => {
    const hit = cache.get(eventId);
    if (hit) {
      setEvent(hit);
      return;
    }
    const ac = new AbortController();
    alertsApi.event(eventId, ac.signal).then(
      (e) => {
        if (cache.size > 2000) cache.clear();
        cache.set(eventId, e);
        setEvent(e);
      },
      (err: unknown) => {
        if (!isAbort(err)) console.warn(`Event ${eventId} of an alert could not be read`, err);
      },
    );
    return () => ac.abort();
  }, [eventId]);
  return event;
}
