import { useCallback, useRef, useState } from 'react';
import { isAbort } from '../../api/client';
import { searchApi } from './searchApi';
import type { ResultTrack, SimilarResult, TrackFilter } from './types';

const PAGE = 60;
const SIMILAR = 50;

export type Query =
  | { kind: 'description'; filter: TrackFilter }
  | { kind: 'similar'; filter: TrackFilter; trackId?: string; image?: string; imageIsCrop?: boolean; label: string };

export interface Results {
  query: Query | null;
  items: ResultTrack[];
  nextCursor: string | null;
  /** Of a "find similar" answer: the model and how many tracks were compared. */
  similar: Pick<SimilarResult, 'model' | 'candidates' | 'method'> | null;
  busy: boolean;
  error: unknown;
}

const EMPTY: Results = { query: null, items: [], nextCursor: null, similar: null, busy: false, error: null };

/** The result grid's state: a description search paged by cursor, or a ranked "find similar" answer. */
export function useResults(caseRef: string) {
  const [r, setR] = useState<Results>(EMPTY);
  const inflight = useRef<AbortController | null>(null);

  const run = useCallback(
    async (query: Query, cursor?: string) => {
      inflight.current?.abort();
      const ac = new AbortController();
      inflight.current = ac;
      setR((s) => ({ ...(cursor ? s : { ...EMPTY, items: [] }), query, busy: true, error: null }));
      try {
        if (query.kind === 'description') {
          const page = await searchApi.tracks(caseRef, { filter: query.filter, limit: PAGE, cursor }, ac.signal);
          setR((s) => ({ query, items: cursor ? [...s.items, ...page.items] : page.items, nextCursor: page.nextCursor, similar: null, busy: false, error: null }));
        } else {
          const source = query.trackId ? { trackId: query.trackId } : { image: query.image };
          const ans = await searchApi.similar(caseRef, { ...source, imageIsCrop: query.imageIsCrop ?? false, filter: query.filter, limit: SIMILAR }, ac.signal);
          setR({ query, items: ans.items, nextCursor: null, similar: { model: ans.model, candidates: ans.candidates, method: ans.method }, busy: false, error: null });
        }
      } catch (err) {
        if (isAbort(err)) return;
        console.error(`Search (${query.kind}) failed`, err);
        setR((s) => ({ ...s, busy: false, error: err }));
      }
    },
    [caseRef],
  );

  const more = useCallback(() => {
    if (r.query && r.nextCursor) void run(r.query, r.nextCursor);
  }, [r.query, r.nextCursor, run]);
  const reset = useCallback(() => {
    inflight.current?.abort();
    setR(EMPTY);
  }, []);

  return { results: r, run, more, reset };
}
