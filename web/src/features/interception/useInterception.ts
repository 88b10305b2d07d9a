import { useEffect, useRef, useState } from 'react';
import { isAbort } from '../../api/client';
import { useLive } from '../../live/live';
import { interceptionApi } from './interceptionApi';
import type { Prediction, Unit } from './types';

const REFRESH_DELAY_MS = 400;

export interface InterceptionState {
  result: Prediction | null;
  error: string | null;
  busy: boolean;
  /** How many times the prediction was refreshed by a new sighting of the plate. */
  updates: number;
}

/**
 * The prediction for a plate (and the places a unit reaches first), asked again whenever the plate
 * is read anywhere (`plate.sighted` on the live socket) or the unit changes.
 */
export function useInterception(plate: string, caseRef: string, unit: Unit | null): InterceptionState {
  const { subscribe } = useLive();
  const [state, setState] = useState<InterceptionState>({ result: null, error: null, busy: false, updates: 0 });
  const [tick, setTick] = useState(0);
  const ticks = useRef(0);

  useEffect(() => {
    if (!plate || !caseRef.trim()) {
      setState((s) => ({ ...s, result: null, error: null, busy: false }));
      return;
    }
    const ac = new AbortController();
    setState((s) => ({ ...s, busy: true }));
    interceptionApi.next(plate, unit, caseRef, ac.signal).then(
      (result) => setState({ result, error: null, busy: false, updates: ticks.current }),
      (err: unknown) => {
        if (isAbort(err)) return;
        setState({ result: null, error: err instanceof Error ? err.message : String(err), busy: false, updates: ticks.current });
      },
    );
    return () => ac.abort();
  }, [plate, caseRef, unit?.lat, unit?.lon, unit?.speedKmh, tick]);

  useEffect(() => {
    if (!plate) return;
    const timers = new Set<ReturnType<typeof setTimeout>>();
    const unsubscribe = subscribe((e) => {
      if (e.name !== 'plate.sighted' || e.data.plate !== plate) return;
      // The server's movement model learns from the same event: give it a moment first.
      const timer = setTimeout(() => {
        timers.delete(timer);
        ticks.current += 1;
        setTick(ticks.current);
      }, REFRESH_DELAY_MS);
      timers.add(timer);
    });
    return () => {
      unsubscribe();
      for (const timer of timers) clearTimeout(timer);
    };
  }, [subscribe, plate]);

  return state;
}
