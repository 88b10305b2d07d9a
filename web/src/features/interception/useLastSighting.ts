import { useEffect, useState } from 'react';
import { isAbort } from '../../api/client';
import { platesApi } from '../plates/platesApi';
import type { Sighting } from '../plates/types';

/** The plate's latest sighting (position, crop), read again when `version` changes (a new prediction). */
export function useLastSighting(plate: string, version: number | null): Sighting | null {
  const [last, setLast] = useState<Sighting | null>(null);
  useEffect(() => {
    if (!plate) {
      setLast(null);
      return;
    }
    const ac = new AbortController();
    platesApi.feedOf(plate, ac.signal).then(
      (page) => setLast(page.items[0] ?? null),
      (err: unknown) => {
        if (!isAbort(err)) console.warn(`The last sighting of ${plate} could not be read`, err);
      },
    );
    return () => ac.abort();
  }, [plate, version]);
  return last;
}
