import { useCallback, useEffect, useRef, useState } from 'react';
import { isAbort } from '../../api/client';
import { evidenceApi, type EvidenceExport, type NewExport } from './api';

const POLL_MS = 1000;

/** Starts an export and follows it until it is done or failed. */
export function useExportJob(): { job: EvidenceExport | null; error: unknown; busy: boolean; start(body: NewExport): Promise<void>; reset(): void } {
  const [job, setJob] = useState<EvidenceExport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const ac = useRef<AbortController | null>(null);

  useEffect(() => () => ac.current?.abort(), []);

  const follow = useCallback(async (id: string, signal: AbortSignal) => {
    for (;;) {
      await new Promise((r) => setTimeout(r, POLL_MS));
      if (signal.aborted) return;
      const next = await evidenceApi.get(id, signal);
      setJob(next);
      if (next.status !== 'running') return;
    }
  }, []);

  const start = useCallback(
    async (body: NewExport) => {
      ac.current?.abort();
      const ctrl = new AbortController();
      ac.current = ctrl;
      setBusy(true);
      setError(null);
      setJob(null);
      try {
        const created = await evidenceApi.create(body);
        setJob(created);
        if (created.status === 'running') await follow(created.id, ctrl.signal);
      } catch (err) {
        if (isAbort(err)) return;
        console.error('Evidence export failed', err);
        setError(err);
      } finally {
        if (!ctrl.signal.aborted) setBusy(false);
      }
    },
    [follow],
  );

  const reset = useCallback(() => {
    ac.current?.abort();
    setJob(null);
    setError(null);
    setBusy(false);
  }, []);

  return { job, error, busy, start, reset };
}
