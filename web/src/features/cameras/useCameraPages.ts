import { api } from '../../api/endpoints';
import type { Camera, CameraQuery } from '../../api/types';
import { useCursorPages, type CursorPages } from '../../api/useCursorPages';

const PAGE_SIZE = 50;

export type CameraPages = CursorPages<Camera>;

/** Cursor-paginated camera list; starts over when the query or `revision` changes. */
export function useCameraPages(query: Omit<CameraQuery, 'limit' | 'cursor'>, revision: number): CameraPages {
  return useCursorPages((cursor, signal) => api.cameras({ ...query, limit: PAGE_SIZE, cursor }, signal), JSON.stringify(query), revision, 'Camera list');
}
