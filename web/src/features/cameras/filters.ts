import { useEffect, useState } from 'react';

export interface CameraFilterValues {
  q: string;
  owner: string;
  district: string;
  tag: string;
  /** Restrict the table to the map's visible bounding box. */
  onlyMap: boolean;
}

export const EMPTY_FILTERS: CameraFilterValues = { q: '', owner: '', district: '', tag: '', onlyMap: false };

/** `value`, once it has stopped changing for `ms`. */
export function useDebounced<T>(value: T, ms = 300): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setV(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return v;
}
