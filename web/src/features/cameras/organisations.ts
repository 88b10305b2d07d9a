import { useEffect, useMemo, useState } from 'react';
import { ApiError, isAbort } from '../../api/client';
import { api } from '../../api/endpoints';
import type { Organisation } from '../../api/types';

/** Distinct, colour-blind-friendlier hues for owner organisations (Tableau 10). */
const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
  return Math.abs(h);
}

export interface OrganisationsValue {
  items: Organisation[];
  error: ApiError | null;
  colorOf(owner: string): string;
  nameOf(owner: string): string;
}

export function useOrganisations(): OrganisationsValue {
  const [items, setItems] = useState<Organisation[]>([]);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    const ac = new AbortController();
    api.organisations(ac.signal).then(
      (res) => setItems([...res.items].sort((a, b) => a.id.localeCompare(b.id))),
      (err: unknown) => {
        if (isAbort(err)) return;
        console.error('Could not list organisations', err);
        setError(err instanceof ApiError ? err : new ApiError(0, 'unexpected', String(err)));
      },
    );
    return () => ac.abort();
  }, []);
  return useMemo(() => {
    const index = new Map(items.map((o, i) => [o.id, i]));
    const names = new Map(items.map((o) => [o.id, o.name]));
    return {
      items,
      error,
      colorOf: (owner) => PALETTE[(index.get(owner) ?? hash(owner)) % PALETTE.length] ?? '#4e79a7',
      nameOf: (owner) => names.get(owner) ?? owner,
    };
  }, [items, error]);
}
