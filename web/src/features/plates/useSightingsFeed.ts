import { useCallback, useEffect, useState } from 'react';
import { isAbort } from '../../api/client';
import { useLive } from '../../live/live';
import { platesApi } from './platesApi';
import type { Sighting } from './types';

const PAGE = 50;
const KEEP = 500;

/**
 * The newest sightings in my scope: one page loaded, then every `plate.sighted` on the live socket
 * read back by id (the server's answer carries the crops' presence and respects scope) and put on top.
 */
export function useSightingsFeed(): { items: Sighting[]; fresh: Set<string>; error: string | null; loading: boolean; more: (() => void) | null } {
  const { subscribe } = useLive();
  const [items, setItems] = useState<Sighting[]>([]);
  const [fresh, setFresh] = useState<Set<string>>(() => new Set());
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);

  const merge = useCallback((incoming: Sighting[], atTop: boolean) => {
    setItems((list) => {
      const seen = new Set(list.map((s) => s.id));
      const add = incoming.filter((s) => !seen.has(s.id));
      return (atTop ? [...add, ...list] : [...list, ...add]).slice(0, KEEP);
    });
  }, []);

  const load = useCallback(
    (after: string | undefined, signal?: AbortSignal) => {
      setLoading(true);
      platesApi.feed(PAGE, after, signal).then(
        (page) => {
          merge(page.items, false);
          setCursor(page.nextCursor);
          setError(null);
          setLoading(false);
        },
        (err: unknown) => {
          if (isAbort(err)) return;
          setError(err instanceof Error ? err.message : String(err));
          setLoading(false);
        },
      );
    },
    [merge],
  );

  useEffect(() => {
    const ac = new AbortController();
    load(undefined, ac.signal);
    return () => ac.abort();
  }, [load]);

  useEffect(() => {
    const ac = new AbortController();
    const unsubscribe = subscribe((e) => {
      if (e.name !== 'plate.sighted' || typeof e.data.sightingId !== 'string') return;
      const id = e.data.sightingId;
      platesApi.sighting(id, ac.signal).then(
        (s) => {
          merge([s], true);
          setFresh((f) => new Set(f).add(s.id));
        },
        (err: unknown) => {
          if (!isAbort(err)) console.warn(`Live sighting ${id} could not be read`, err);
        },
      );
    });
    return () => {
      unsubscribe();
      ac.abort();
    };
  }, [subscribe, merge]);

  return { items, fresh, error, loading, more: cursor ? () => load(cursor) : null };
}
