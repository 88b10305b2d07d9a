import { useCallback, useEffect, useRef, useState } from 'react';
import { isAbort } from '../../api/client';
import { useLive } from '../../live/live';
import { alertsApi } from './alertsApi';
import { matchesAlertFilters } from './severity';
import type { Alert, AlertFilterValues } from './types';

/**
 * Alerts that arrived or changed over the live socket since the list was loaded: `raised` (newest
 * first, only those matching the filters) and `changed` (the latest version of any alert by id).
 * The list starts over (and these are dropped) whenever the filters change.
 */
export function useLiveAlerts(filters: AlertFilterValues, revision: number): { raised: Alert[]; changed: Map<string, Alert>; put(a: Alert): void } {
  const { subscribe } = useLive();
  const [raised, setRaised] = useState<Alert[]>([]);
  const [changed, setChanged] = useState<Map<string, Alert>>(() => new Map());
  const filtersRef = useRef(filters);
  filtersRef.current = filters;

  useEffect(() => {
    setRaised([]);
    setChanged(new Map());
  }, [JSON.stringify(filters), revision]);

  const put = useCallback((a: Alert) => setChanged((m) => new Map(m).set(a.id, a)), []);

  useEffect(() => {
    const ac = new AbortController();
    const unsubscribe = subscribe((e) => {
      if (e.name !== 'alert.raised' && e.name !== 'alert.updated') return;
      const id = typeof e.data.alertId === 'string' ? e.data.alertId : null;
      if (!id) return;
      alertsApi.get(id, ac.signal).then(
        ({ notes: _notes, ...alert }) => {
          if (e.name === 'alert.raised' && matchesAlertFilters(alert, filtersRef.current)) {
            setRaised((list) => (list.some((a) => a.id === alert.id) ? list : [alert, ...list]));
          }
          put(alert);
        },
        (err: unknown) => {
          if (!isAbort(err)) console.warn(`Live alert ${id} could not be read`, err);
        },
      );
    });
    return () => {
      unsubscribe();
      ac.abort();
    };
  }, [subscribe, put]);

  return { raised, changed, put };
}
