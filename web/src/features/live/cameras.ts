import { useEffect, useState } from 'react';
import { isAbort } from '../../api/client';
import { api } from '../../api/endpoints';
import type { Camera } from '../../api/types';

/** One camera by id (null while loading or when it cannot be read; the error is returned). */
export function useCamera(id: string | null): { camera: Camera | null; error: unknown } {
  const [camera, setCamera] = useState<Camera | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    setCamera(null);
    setError(null);
    if (!id) return;
    const ac = new AbortController();
    api.camera(id, ac.signal).then(setCamera, (err: unknown) => {
      if (isAbort(err)) return;
      console.error(`Camera ${id} could not be read`, err);
      setError(err);
    });
    return () => ac.abort();
  }, [id]);
  return { camera, error };
}

/** Cameras in scope matching a search (first 50), for pickers. */
export function useCameraSearch(q: string): { items: Camera[]; error: unknown; loading: boolean } {
  const [items, setItems] = useState<Camera[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  useEffect(() => {
    const ac = new AbortController();
    setLoading(true);
    const timer = setTimeout(() => {
      api.cameras({ q: q || undefined, limit: 50 }, ac.signal).then(
        (page) => {
          setItems(page.items);
          setError(null);
          setLoading(false);
        },
        (err: unknown) => {
          if (isAbort(err)) return;
          console.error('Camera search failed', err);
          setError(err);
          setLoading(false);
        },
      );
    }, 200);
    return () => {
      clearTimeout(timer);
      ac.abort();
    };
  }, [q]);
  return { items, error, loading };
}
