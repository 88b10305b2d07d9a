import { useCallback, useEffect, useState } from 'react';
import { isAbort } from '../../api/client';
import { analyticsApi } from './analyticsApi';
import type { AnalyticsView, Rule } from './types';

/** A camera's analytics settings and rules, read together; `reload` reads them again. */
export function useCameraAnalytics(cameraId: string) {
  const [view, setView] = useState<AnalyticsView | null>(null);
  const [rules, setRules] = useState<Rule[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [revision, setRevision] = useState(0);
  useEffect(() => {
    const ac = new AbortController();
    setError(null);
    Promise.all([analyticsApi.settings(cameraId, ac.signal), analyticsApi.rules(cameraId, ac.signal)]).then(
      ([v, r]) => {
        setView(v);
        setRules(r.items);
      },
      (err: unknown) => {
        if (isAbort(err)) return;
        console.error(`Analytics of camera ${cameraId} could not be read`, err);
        setError(err);
      },
    );
    return () => ac.abort();
  }, [cameraId, revision]);
  const reload = useCallback(() => setRevision((r) => r + 1), []);
  return { view, setView, rules, setRules, error, reload };
}
