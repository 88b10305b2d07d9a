import { useCallback, useEffect, useState } from 'react';
import { isAbort } from '../../api/client';
import { journeyChain } from './journey';
import { searchApi } from './searchApi';
import type { JourneyStep, Proposals, Track } from './types';

const HORIZON_MS = 15 * 60_000;

export interface JourneyState {
  /** Confirmed journey in the order reached, starting with the anchor. */
  tracks: Track[];
  steps: JourneyStep[];
  proposals: Proposals | null;
  busy: boolean;
  error: unknown;
}

/**
 * Following a target from an anchor track: the confirmed journey so far (from the case's decided steps),
 * proposals from its last track, and confirm / reject, after which proposals come from the new last track.
 */
export function useJourney(caseRef: string, anchorId: string | null, onDecided?: () => void) {
  const [s, setS] = useState<JourneyState>({ tracks: [], steps: [], proposals: null, busy: false, error: null });
  const [revision, setRevision] = useState(0);

  useEffect(() => {
    if (!anchorId || !caseRef) {
      setS({ tracks: [], steps: [], proposals: null, busy: false, error: null });
      return;
    }
    const ac = new AbortController();
    setS((x) => ({ ...x, busy: true, error: null }));
    (async () => {
      const { items: steps } = await searchApi.steps(caseRef, ac.signal);
      const { trackIds, rejected } = journeyChain(anchorId, steps);
      const tracks = await Promise.all(trackIds.map((id) => searchApi.track(caseRef, id, ac.signal)));
      const last = tracks[tracks.length - 1]!;
      const proposals = await searchApi.propose(caseRef, last.id, HORIZON_MS, ac.signal);
      const inJourney = new Set(trackIds);
      // What was decided from the last track is not proposed again (rejections stay in the case's record).
      const items = proposals.items.filter((p) => !inJourney.has(p.id) && !rejected.has(`${last.id}\u0000${p.id}`));
      return { tracks, steps, proposals: { ...proposals, items } };
    })().then(
      (r) => setS({ ...r, busy: false, error: null }),
      (err: unknown) => {
        if (isAbort(err)) return;
        console.error('The journey could not be read', err);
        setS((x) => ({ ...x, busy: false, error: err }));
      },
    );
    return () => ac.abort();
  }, [caseRef, anchorId, revision]);

  const decide = useCallback(
    async (toTrackId: string, decision: 'confirmed' | 'rejected') => {
      const last = s.tracks[s.tracks.length - 1];
      if (!last) return;
      setS((x) => ({ ...x, busy: true, error: null }));
      try {
        await searchApi.decide(caseRef, last.id, toTrackId, decision);
        setRevision((r) => r + 1);
        onDecided?.();
      } catch (err) {
        console.error(`Journey decision ${decision} on ${toTrackId} failed`, err);
        setS((x) => ({ ...x, busy: false, error: err }));
      }
    },
    [caseRef, s.tracks, onDecided],
  );

  return { journey: s, decide, reload: useCallback(() => setRevision((r) => r + 1), []) };
}
