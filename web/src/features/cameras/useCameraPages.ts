import { useCallback, useEffect, useRef, useState } from 'react';
import { isAbort } from '../../api/client';
import { api } from '../../api/endpoints';
import type { Camera, CameraQuery } from '../../api/types';

const PAGE_SIZE = 50;

export interface CameraPages {
  items: Camera[];
  hasMore: boolean;
  loading: boolean;
  error: unknown;
  loadMore(): void;
}

/** Cursor-paginated camera list; starts over when the query or `revision` changes. */
export function useCameraPages(query: Omit<CameraQuery, 'limit' | 'cursor'>, revision: number): CameraPages {
  const [items, setItems] = useState<Camera[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const ctrl = useRef<AbortController | null>(null);
  const key = JSON.stringify(query);

  const fetchPage = useCallback(
    (after: string | null) => {
      ctrl.current?.abort();
      const ac = new AbortController();
      ctrl.current = ac;
      setLoading(true);
      setError(null);
      const q = JSON.parse(key) as CameraQuery;
      api.cameras({ ...q, limit: PAGE_SIZE, cursor: after ?? undefined }, ac.signal).then(
        (page) => {
          setItems((prev) => (after ? [...prev, ...page.items] : page.items));
          setCursor(page.nextCursor);
          setLoading(false);
        },
        (err: unknown) => {
          if (isAbort(err)) return;
          console.error('Camera list failed', err);
          setError(err);
          setLoading(false);
        },
      );
    },
    [key],
  );

  useEffect(() => {
    fetchPage(null);
    return () => ctrl.current?.abort();
  }, [fetchPage, revision]);

  const loadMore = useCallback(() => {
    if (cursor) fetchPage(cursor);
  }, [cursor, fetchPage]);

  return { items, hasMore: cursor !== null, loading, error, loadMore };
}
