import { ApiError } from '../../api/client';
import type { ImportFormat, ImportRejection, RejectedRow } from '../../api/types';

export function guessFormat(file: File): ImportFormat {
  const name = file.name.toLowerCase();
  if (name.endsWith('.csv') || file.type === 'text/csv') return 'csv';
  return 'geojson';
}

function isRow(v: unknown): v is RejectedRow {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o.row === 'number' && Array.isArray(o.errors);
}

/** The details of a 422 import_rejected answer, or null for any other error. */
export function rejectionOf(err: unknown): ImportRejection | null {
  if (!(err instanceof ApiError) || err.code !== 'import_rejected' || !err.details) return null;
  const { total, rejected } = err.details;
  if (!Array.isArray(rejected)) return null;
  const rows = rejected.filter(isRow).map((r) => ({
    row: r.row,
    id: typeof r.id === 'string' ? r.id : null,
    errors: r.errors.map(String),
  }));
  return { total: typeof total === 'number' ? total : rows.length, rejected: rows };
}
