import { useCallback, useEffect, useRef, useState } from 'react';
import { isAbort } from './client';
import type { Page } from './types';

export interface CursorPages<T> {
  items: T[];
  hasMore: boolean;
  loading: boolean;
  error: unknown;
  loadMore(): void;
  reload(): void;
}

/**
 * A cursor-paginated list. Starts over when `key` (the serialised query) or `revision` changes;
 * an older request still in flight is aborted so pages never arrive out of order.
 */
export function useCursorPages<T>(
  fetchPage: (cursor: string | undefined, signal: AbortSignal) => Promise<Page<T>>,
  key: string,
  revision = 0,
  label = 'list',
): CursorPages<T> {
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [reloads, setReloads] = useState(0);
  const ctrl = useRef<AbortController | null>(null);
  const fetcher = useRef(fetchPage);
  fetcher.current = fetchPage;

  const load = useCallback(
    (after: string | null) => {
      ctrl.current?.abort();
      const ac = new AbortController();
      ctrl.current = ac;
      setLoading(true);
      setError(null);
      fetcher.current(after ?? undefined, ac.signal).then(
        (page) => {
          setItems((prev) => (after ? [...prev, ...page.items] : page.items));
          setCursor(page.nextCursor);
          setLoading(false);
        },
        (err: unknown) => {
          if (isAbort(err)) return;
          console.error(`${label} failed`, err);
          setError(err);
          setLoading(false);
        },
      );
    },
    [key, label],
  );

  useEffect(() => {
    load(null);
    return () => ctrl.current?.abort();
  }, [load, revision, reloads]);

  const loadMore = useCallback(() => {
    if (cursor) load(cursor);
  }, [cursor, load]);

  return { items, hasMore: cursor !== null, loading, error, loadMore, reload: () => setReloads((r) => r + 1) };
}
