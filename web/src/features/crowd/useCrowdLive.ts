import { useEffect, useState } from 'react';
import { isAbort } from '../../api/client';
import { crowdApi } from './crowdApi';
import type { CrowdLive } from './types';

/** How often the page asks for the live state (the server samples at ~1 fps). */
export const POLL_MS = 1_500;
/** After this long without an answer the whole view is shown as stale. */
export const STALE_AFTER_MS = 5_000;

export interface CrowdLiveState {
  live: CrowdLive | null;
  /** When the last answer arrived (browser clock), null before the first. */
  receivedAt: number | null;
  error: unknown;
  /** True when the last answer is older than STALE_AFTER_MS (the server or the network is not answering). */
  stale: boolean;
  polls: number;
}

/** Polls GET /api/crowd/live for the cameras every POLL_MS while mounted; one request at a time. */
export function useCrowdLive(cameraIds: readonly string[]): CrowdLiveState {
  const key = cameraIds.join(',');
  const [state, setState] = useState<CrowdLiveState>({ live: null, receivedAt: null, error: null, stale: false, polls: 0 });
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    setState({ live: null, receivedAt: null, error: null, stale: false, polls: 0 });
    if (!key) return;
    const ac = new AbortController();
    let timer: ReturnType<typeof setTimeout> | null = null;
    const ids = key.split(',');
    const poll = () => {
      crowdApi.live(ids, ac.signal).then(
        (live) => setState((s) => ({ live, receivedAt: Date.now(), error: null, stale: false, polls: s.polls + 1 })),
        (err: unknown) => {
          if (isAbort(err)) return;
          console.warn('Crowd live state could not be read', err);
          setState((s) => ({ ...s, error: err, polls: s.polls + 1 }));
        },
      ).finally(() => {
        if (!ac.signal.aborted) timer = setTimeout(poll, POLL_MS);
      });
    };
    poll();
    return () => {
      ac.abort();
      if (timer) clearTimeout(timer);
    };
  }, [key]);

  // A clock so "stale" turns on even when no answer comes at all.
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(id);
  }, []);

  const stale = state.receivedAt !== null ? now - state.receivedAt > STALE_AFTER_MS : state.error !== null;
  return { ...state, stale };
}
