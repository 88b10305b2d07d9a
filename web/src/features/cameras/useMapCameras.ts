import { useEffect, useState } from 'react';
import { isAbort } from '../../api/client';
import { api } from '../../api/endpoints';
import type { BBox, Camera, CameraQuery } from '../../api/types';

/** At most this many markers are drawn; the API pages by 1000. */
export const MAP_LIMIT = 2000;
const PAGE = 1000;

export interface MapCameras {
  cameras: Camera[];
  /** More cameras match in view than are drawn. */
  truncated: boolean;
  loading: boolean;
  error: unknown;
}

type Filter = Omit<CameraQuery, 'bbox' | 'limit' | 'cursor'>;

/** Cameras inside the visible bounding box (re-queried on every move, filter change or `revision`). */
export function useMapCameras(bbox: BBox | null, filter: Filter, revision: number): MapCameras {
  const [state, setState] = useState<MapCameras>({ cameras: [], truncated: false, loading: false, error: null });
  const { q, owner, district, tag } = filter;

  useEffect(() => {
    if (!bbox) return;
    const ac = new AbortController();
    setState((s) => ({ ...s, loading: true, error: null }));
    (async () => {
      const cameras: Camera[] = [];
      let cursor: string | undefined;
      let more = false;
      do {
        const page = await api.cameras({ q, owner, district, tag, bbox, limit: PAGE, cursor }, ac.signal);
        cameras.push(...page.items);
        cursor = page.nextCursor ?? undefined;
        more = cursor !== undefined;
      } while (more && cameras.length < MAP_LIMIT);
      return { cameras: cameras.slice(0, MAP_LIMIT), truncated: more || cameras.length > MAP_LIMIT };
    })().then(
      (r) => setState({ ...r, loading: false, error: null }),
      (err: unknown) => {
        if (isAbort(err)) return;
        console.error('Map query failed', err);
        setState((s) => ({ ...s, loading: false, error: err }));
      },
    );
    return () => ac.abort();
  }, [bbox, q, owner, district, tag, revision]);

  return state;
}
