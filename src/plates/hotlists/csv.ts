import { CsvError, parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { normaliseQuery } from '../search/pattern';
import { PRIORITIES, type EntryInput, type HotlistEntry, type Priority, type RejectedRow } from './types';

export const CSV_COLUMNS = ['plate', 'reason', 'priority', 'fuzzy', 'valid_from', 'valid_to', 'case_ref'] as const;
const REQUIRED = ['plate', 'reason'];
const TRUE = new Set(['true', 'yes', '1', 'y']);
const FALSE = new Set(['false', 'no', '0', 'n', '']);

/** Spreadsheet formula injection: a cell starting with = + - @ is prefixed with ' on export and unprefixed on import. */
const escapeFormula = (s: string): string => (/^'*[=+\-@\t\r]/.test(s) ? `'${s}` : s);
const unescapeFormula = (s: string): string => (/^'+[=+\-@\t\r]/.test(s) ? s.slice(1) : s);

export interface ParsedEntries {
  entries: Array<{ row: number; input: EntryInput }>;
  rejected: RejectedRow[];
  fileErrors: string[];
}

/** UTC ms or ISO 8601 with a zone; empty = open. */
function parseTime(col: string, s: string, errors: string[]): number | null {
  const t = s.trim();
  if (!t) return null;
  if (/^\d{1,15}$/.test(t)) return Number(t);
  const ms = Date.parse(t);
  if (!/([zZ]|[+-]\d{2}:?\d{2})$/.test(t) || Number.isNaN(ms)) {
    errors.push(`${col}: expected UTC milliseconds or ISO 8601 with a zone (e.g. 2026-03-01T08:00:00+08:00), got '${t.slice(0, 40)}'`);
    return null;
  }
  return ms;
}

/**
 * Parses a hotlist CSV (header row; columns plate, reason, and optionally priority, fuzzy,
 * valid_from, valid_to, case_ref). Never throws on bad input: problems with the file are
 * `fileErrors`, problems with a row are reported for that row (spreadsheet numbering: header = 1).
 */
export function parseHotlistCsv(text: string, maxRows = 100_000): ParsedEntries {
  let records: string[][];
  try {
    records = parse(text.replace(/^\ufeff/, ''), { relax_column_count: true, skip_empty_lines: false, trim: false }) as string[][];
  } catch (err) {
    if (err instanceof CsvError) return { entries: [], rejected: [], fileErrors: [`CSV syntax error${typeof err.lines === 'number' ? ` at line ${err.lines}` : ''}: ${err.code}`] };
    throw err;
  }
  const header = (records[0] ?? []).map((h) => h.trim().toLowerCase());
  const fileErrors: string[] = [];
  const unknown = header.filter((h) => !(CSV_COLUMNS as readonly string[]).includes(h));
  if (unknown.length) fileErrors.push(`header: unknown column(s) ${unknown.map((u) => JSON.stringify(u)).join(', ')}; the columns are ${CSV_COLUMNS.join(', ')}`);
  const missing = REQUIRED.filter((c) => !header.includes(c));
  if (missing.length) fileErrors.push(`header: missing required column(s) ${missing.join(', ')}`);
  if (records.length - 1 > maxRows) fileErrors.push(`the file has ${records.length - 1} rows; at most ${maxRows} per import`);
  if (fileErrors.length) return { entries: [], rejected: [], fileErrors };

  const entries: ParsedEntries['entries'] = [];
  const rejected: RejectedRow[] = [];
  const seen = new Map<string, number>();
  records.slice(1).forEach((rec, i) => {
    const row = i + 2;
    if (rec.every((c) => c.trim() === '')) return;
    const get = (c: string) => {
      const k = header.indexOf(c);
      return k < 0 ? '' : unescapeFormula((rec[k] ?? '').trim());
    };
    const errors: string[] = [];
    if (rec.length > header.length && rec.slice(header.length).some((c) => c.trim())) errors.push(`${rec.length} cells but the header has ${header.length} columns`);
    const plate = normaliseQuery(get('plate'));
    if (!plate) errors.push('plate: empty');
    else if (!/^[\p{L}\p{N}]{1,16}$/u.test(plate)) errors.push(`plate: only letters and digits, at most 16 (got '${get('plate').slice(0, 40)}')`);
    const reason = get('reason');
    if (!reason) errors.push('reason: empty; say why the plate is wanted');
    else if (reason.length > 500) errors.push('reason: at most 500 characters');
    const pr = get('priority').toLowerCase() || 'high';
    if (!(PRIORITIES as readonly string[]).includes(pr)) errors.push(`priority: one of ${PRIORITIES.join(', ')} (got '${pr.slice(0, 20)}')`);
    const fz = get('fuzzy').toLowerCase();
    if (!TRUE.has(fz) && !FALSE.has(fz)) errors.push(`fuzzy: true or false (got '${fz.slice(0, 20)}')`);
    const validFrom = parseTime('valid_from', get('valid_from'), errors);
    const validTo = parseTime('valid_to', get('valid_to'), errors);
    if (validFrom !== null && validTo !== null && validTo <= validFrom) errors.push('valid_to: must be after valid_from');
    const caseRef = get('case_ref');
    if (caseRef.length > 100) errors.push('case_ref: at most 100 characters');
    if (plate && seen.has(plate)) errors.push(`plate: ${plate} is already on row ${seen.get(plate)}`);
    else if (plate) seen.set(plate, row);
    if (errors.length) rejected.push({ row, id: plate || null, errors });
    else entries.push({ row, input: { plate, reason, priority: pr as Priority, fuzzy: TRUE.has(fz), validFrom, validTo, caseRef: caseRef || null } });
  });
  return { entries, rejected, fileErrors };
}

const iso = (ms: number | null) => (ms === null ? '' : new Date(ms).toISOString());

export function hotlistToCsv(entries: Iterable<HotlistEntry>): string {
  const rows: string[][] = [[...CSV_COLUMNS]];
  for (const e of entries) rows.push([e.plate, escapeFormula(e.reason), e.priority, e.fuzzy ? 'true' : 'false', iso(e.validFrom), iso(e.validTo), escapeFormula(e.caseRef ?? '')]);
  return stringify(rows);
}
