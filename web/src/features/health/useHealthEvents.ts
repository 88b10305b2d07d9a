import { useEffect, useRef } from 'react';
import { useLive } from '../../live/live';

const EVENTS = new Set(['camera.status_changed', 'camera.tamper_changed', 'camera.created', 'camera.deleted', 'camera.imported']);

/**
 * Calls `onChange` when health-related events arrive, at most once per `everyMs` (throttled, not
 * debounced: a city's steady stream of status changes must not starve the refresh).
 */
export function useHealthEvents(onChange: () => void, everyMs = 5000): void {
  const { subscribe } = useLive();
  const cb = useRef(onChange);
  useEffect(() => {
    cb.current = onChange;
  }, [onChange]);
  useEffect(() => {
    let last = 0;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const fire = () => {
      timer = null;
      last = Date.now();
      cb.current();
    };
    const unsubscribe = subscribe((e) => {
      if (!EVENTS.has(e.name) || timer) return;
      timer = setTimeout(fire, Math.max(0, last + everyMs - Date.now()));
    });
    return () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
    };
  }, [subscribe, everyMs]);
}
