import { useEffect, useState } from 'react';
import { isAbort } from '../../api/client';
import { useLive } from '../../live/live';
import { alertsApi } from './alertsApi';
import type { CameraEvents } from './types';

/**
 * A camera's analytics events in a window, for the playback timeline; read again (at most every
 * 5 s) when a new event of that camera arrives on the live socket. `enabled` false: none are read.
 */
export function useTimelineEvents(cameraId: string, fromMs: number, toMs: number, enabled: boolean): CameraEvents | null {
  const { subscribe } = useLive();
  const [events, setEvents] = useState<CameraEvents | null>(null);
  const [revision, setRevision] = useState(0);
  useEffect(() => {
    setEvents(null);
    if (!enabled) return;
    const ac = new AbortController();
    alertsApi.cameraEvents(cameraId, fromMs, toMs, ac.signal).then(setEvents, (err: unknown) => {
      // The timeline still works without its markers.
      if (!isAbort(err)) console.warn(`Analytics events of ${cameraId} could not be read for the timeline`, err);
    });
    return () => ac.abort();
  }, [cameraId, fromMs, toMs, enabled, revision]);
  useEffect(() => {
    if (!enabled) return;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const unsubscribe = subscribe((e) => {
      if (e.name !== 'analytics.event' || e.data.cameraId !== cameraId || timer) return;
      const at = typeof e.data.startedAt === 'number' ? e.data.startedAt : null;
      if (at === null || at < fromMs || at >= toMs) return;
      timer = setTimeout(() => {
        timer = null;
        setRevision((r) => r + 1);
      }, 5000);
    });
    return () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
    };
  }, [subscribe, cameraId, fromMs, toMs, enabled]);
  return events;
}
