import { api } from '../../api/endpoints';
import type { AuditQuery, AuditRecord } from '../../api/types';
import { useCursorPages, type CursorPages } from '../../api/useCursorPages';

const PAGE_SIZE = 100;

export type AuditPages = CursorPages<AuditRecord>;

export function useAuditPages(query: AuditQuery): AuditPages {
  return useCursorPages((cursor, signal) => api.audit({ ...query, limit: PAGE_SIZE, cursor }, signal), JSON.stringify(query), 0, 'Audit query');
}
