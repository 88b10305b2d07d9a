import { useCallback, useEffect, useRef, useState } from 'react';
import { isAbort } from '../../api/client';
import type { Job } from '../analytics/types';
import { searchApi } from './searchApi';

const POLL_MS = 1000;
const FINISHED = new Set(['done', 'failed', 'cancelled']);

/**
 * On-demand analysis of footage not yet indexed: one recorded-footage job per unindexed range, followed
 * until every job has finished (polled: the jobs may run on another node). `onFinished` is called once then.
 */
export function useAnalysis(caseRef: string, onFinished: () => void) {
  const [jobs, setJobs] = useState<Job[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [starting, setStarting] = useState(false);
  const finished = useRef(onFinished);
  finished.current = onFinished;

  const running = jobs.some((j) => !FINISHED.has(j.state));
  useEffect(() => {
    if (!running) return;
    const ac = new AbortController();
    const timer = setInterval(() => {
      Promise.all(jobs.map((j) => (FINISHED.has(j.state) ? j : searchApi.job(j.id, ac.signal)))).then(
        (next) => {
          setJobs(next);
          if (next.every((j) => FINISHED.has(j.state))) finished.current();
        },
        (err: unknown) => {
          if (isAbort(err)) return;
          console.error('Analysis job progress could not be read', err);
          setError(err);
        },
      );
    }, POLL_MS);
    return () => {
      clearInterval(timer);
      ac.abort();
    };
  }, [running, jobs]);

  const start = useCallback(
    async (ranges: { cameraId: string; fromMs: number; toMs: number }[]) => {
      setStarting(true);
      setError(null);
      try {
        const started: Job[] = [];
        for (const r of ranges) started.push(await searchApi.analyse(caseRef, r.cameraId, r.fromMs, r.toMs));
        setJobs(started);
      } catch (err) {
        console.error('Starting on-demand analysis failed', err);
        setError(err);
      } finally {
        setStarting(false);
      }
    },
    [caseRef],
  );

  /** Follows jobs already under way (started in another tab, by a colleague or the CLI) instead of starting more. */
  const adopt = useCallback(async (ids: string[]) => {
    try {
      setJobs(await Promise.all(ids.map((id) => searchApi.job(id))));
    } catch (err) {
      console.error('Analysis jobs under way could not be read', err);
      setError(err);
    }
  }, []);

  const progress = jobs.length ? jobs.reduce((n, j) => n + (FINISHED.has(j.state) ? 1 : j.progress), 0) / jobs.length : 0;
  return { jobs, error, starting, running, progress, start, adopt };
}
