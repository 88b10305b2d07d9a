import { useCallback, useEffect, useRef, useState } from 'react';
import { isAbort } from '../../api/client';
import { api } from '../../api/endpoints';
import type { AuditQuery, AuditRecord } from '../../api/types';

const PAGE_SIZE = 100;

export interface AuditPages {
  items: AuditRecord[];
  hasMore: boolean;
  loading: boolean;
  error: unknown;
  loadMore(): void;
  reload(): void;
}

export function useAuditPages(query: AuditQuery): AuditPages {
  const [items, setItems] = useState<AuditRecord[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [revision, setRevision] = useState(0);
  const ctrl = useRef<AbortController | null>(null);

  const fetchPage = useCallback(
    (after: string | null) => {
      ctrl.current?.abort();
      const ac = new AbortController();
      ctrl.current = ac;
      setLoading(true);
      setError(null);
      api.audit({ ...query, limit: PAGE_SIZE, cursor: after ?? undefined }, ac.signal).then(
        (page) => {
          setItems((prev) => (after ? [...prev, ...page.items] : page.items));
          setCursor(page.nextCursor);
          setLoading(false);
        },
        (err: unknown) => {
          if (isAbort(err)) return;
          console.error('Audit query failed', err);
          setError(err);
          setLoading(false);
        },
      );
    },
    [query],
  );

  useEffect(() => {
    fetchPage(null);
    return () => ctrl.current?.abort();
  }, [fetchPage, revision]);

  return {
    items,
    hasMore: cursor !== null,
    loading,
    error,
    loadMore: () => {
      if (cursor) fetchPage(cursor);
    },
    reload: () => setRevision((r) => r + 1),
  };
}
