import { useCallback, useEffect, useState } from 'react';
import { isAbort } from '../../api/client';
import { useLive } from '../../live/live';
import { analyticsApi } from './analyticsApi';
import type { Job } from './types';

const num = (v: unknown, fallback: number) => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);

/** Analysis jobs (of one camera, or all in scope), kept current by `analysis.job_progress` on the live socket. */
export function useJobs(cameraId: string | undefined) {
  const { subscribe } = useLive();
  const [jobs, setJobs] = useState<Job[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [revision, setRevision] = useState(0);
  const reload = useCallback(() => setRevision((r) => r + 1), []);

  useEffect(() => {
    const ac = new AbortController();
    setLoading(true);
    analyticsApi.jobs(cameraId, ac.signal).then(
      (r) => {
        setJobs(r.items);
        setError(null);
        setLoading(false);
      },
      (err: unknown) => {
        if (isAbort(err)) return;
        console.error('Analysis jobs could not be read', err);
        setError(err);
        setLoading(false);
      },
    );
    return () => ac.abort();
  }, [cameraId, revision]);

  useEffect(
    () =>
      subscribe((e) => {
        if (e.name !== 'analysis.job_progress') return;
        const d = e.data;
        const id = typeof d.jobId === 'string' ? d.jobId : null;
        if (!id || (cameraId && d.cameraId !== cameraId)) return;
        setJobs((list) => {
          if (!list.some((j) => j.id === id)) {
            // A job started elsewhere (another tab, the CLI): read the list again.
            setRevision((r) => r + 1);
            return list;
          }
          return list.map((j) =>
            j.id === id
              ? { ...j, state: (typeof d.state === 'string' ? d.state : j.state) as Job['state'], progress: num(d.progress, j.progress), frames: num(d.frames, j.frames), events: num(d.events, j.events), tracks: num(d.tracks, j.tracks), error: typeof d.error === 'string' ? d.error : j.error }
              : j,
          );
        });
      }),
    [subscribe, cameraId],
  );

  const put = useCallback((job: Job) => setJobs((list) => (list.some((j) => j.id === job.id) ? list.map((j) => (j.id === job.id ? job : j)) : [job, ...list])), []);
  return { jobs, error, loading, reload, put };
}
