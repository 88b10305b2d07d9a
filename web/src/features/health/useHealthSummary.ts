import { useEffect, useState } from 'react';
import { isAbort } from '../../api/client';
import { healthApi } from './healthApi';
import type { HealthSummary } from './types';

/** The summary counts for the owner/district filter; reloads when `revision` changes. */
export function useHealthSummary(owner: string, district: string, revision: number): { summary: HealthSummary | null; error: unknown } {
  const [summary, setSummary] = useState<HealthSummary | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    const ac = new AbortController();
    healthApi.summary({ owner, district }, ac.signal).then(
      (s) => {
        setSummary(s);
        setError(null);
      },
      (err: unknown) => {
        if (isAbort(err)) return;
        console.error('Health summary failed', err);
        setError(err);
      },
    );
    return () => ac.abort();
  }, [owner, district, revision]);
  return { summary, error };
}
