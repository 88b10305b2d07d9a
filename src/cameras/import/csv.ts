/** Bulk camera import from CSV: header row of column names, one camera per row. */
import { CsvError, parse } from 'csv-parse/sync';
import { FORMULA_COLUMNS, mapRow, rawId, rejectDuplicateIds, unescapeFormula } from './row';
import { CAMERA_COLUMNS, REQUIRED_COLUMNS, type CameraColumn, type ParsedRow, type ParseResult, type RawRow } from './types';

const KNOWN = new Set<string>(CAMERA_COLUMNS);
const DELIMITERS = [',', ';', '\t'] as const;

/** Comma unless the header line clearly uses ';' (European spreadsheets) or tabs. */
function detectDelimiter(text: string): string {
  const firstLine = text.replace(/^\ufeff/, '').trimStart().split(/\r\n|\n|\r/, 1)[0] ?? '';
  let best: string = ',';
  let bestCount = 0;
  for (const d of DELIMITERS) {
    const count = firstLine.split(d).length - 1;
    if (count > bestCount) [best, bestCount] = [d, count];
  }
  return best;
}

const isBlank = (record: string[]): boolean => record.every((f) => f.trim() === '');
const quote = (s: string): string => JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s);

function syntaxError(err: CsvError): string {
  // `records` counts the records before the broken one, blank ones included: so this is its spreadsheet row.
  const where = typeof err.records === 'number' ? ` in row ${err.records + 1}` : typeof err.lines === 'number' ? ` at line ${err.lines}` : '';
  const why: Partial<Record<string, string>> = {
    CSV_QUOTE_NOT_CLOSED: 'a quoted field is never closed (a missing ")',
    CSV_INVALID_CLOSING_QUOTE: 'unexpected text right after a closing quote',
    CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'unexpected text right after a closing quote',
    CSV_MAX_RECORD_SIZE: 'a record is too large',
  };
  return `CSV syntax error${where}: ${why[err.code] ?? err.code}`;
}

/** File-level problems with the header, or the column names. */
function readHeader(record: string[]): { columns: CameraColumn[] } | { errors: string[] } {
  const names = record.map((h) => h.trim().toLowerCase());
  const errors: string[] = [];
  const blank = names.flatMap((n, i) => (n === '' ? [i + 1] : []));
  if (blank.length > 0) errors.push(`header: column${blank.length > 1 ? 's' : ''} ${blank.join(', ')} ha${blank.length > 1 ? 've' : 's'} no name`);
  const unknown = names.filter((n) => n !== '' && !KNOWN.has(n));
  if (unknown.length > 0) {
    errors.push(`header: unknown column${unknown.length > 1 ? 's' : ''} ${unknown.map(quote).join(', ')}; the known columns are ${CAMERA_COLUMNS.join(', ')}`);
  }
  const twice = [...new Set(names.filter((n, i) => n !== '' && names.indexOf(n) !== i))];
  if (twice.length > 0) errors.push(`header: column${twice.length > 1 ? 's' : ''} ${twice.map(quote).join(', ')} appear${twice.length > 1 ? '' : 's'} more than once`);
  const missing = REQUIRED_COLUMNS.filter((c) => !names.includes(c));
  if (missing.length > 0) errors.push(`header: missing required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  return errors.length > 0 ? { errors } : { columns: names as CameraColumn[] };
}

/**
 * Parse a camera CSV. Never throws on bad input: syntax and header problems are `fileErrors`,
 * everything else is reported per row (spreadsheet row numbers: header = 1).
 */
export function parseCameraCsv(text: string): ParseResult {
  let records: string[][];
  try {
    records = parse(text, {
      bom: true,
      delimiter: detectDelimiter(text),
      record_delimiter: ['\r\n', '\n', '\r'],
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false, // blank lines are skipped below, but still counted as spreadsheet rows
    }) as string[][];
  } catch (err) {
    if (err instanceof CsvError) return { rows: [], fileErrors: [syntaxError(err)] };
    throw err;
  }
  const headerIndex = records.findIndex((r) => !isBlank(r));
  const headerRecord = records[headerIndex];
  if (headerRecord === undefined) {
    return { rows: [], fileErrors: [`the file is empty: expected a header row such as ${REQUIRED_COLUMNS.join(',')}`] };
  }
  const header = readHeader(headerRecord);
  if ('errors' in header) return { rows: [], fileErrors: header.errors };
  const { columns } = header;
  const idIndex = columns.indexOf('id');
  const formula = columns.map((c) => FORMULA_COLUMNS.includes(c));

  const rows: ParsedRow[] = [];
  for (let i = headerIndex + 1; i < records.length; i++) {
    const record = records[i] as string[];
    if (isBlank(record)) continue;
    const row = i + 1;
    const id = record[idIndex]?.trim() || null;
    if (record.length !== columns.length) {
      rows.push({ row, id, errors: [`row: has ${record.length} fields but the header has ${columns.length} (an unquoted comma, or a missing quote?)`] });
      continue;
    }
    const raw: RawRow = {};
    for (let j = 0; j < columns.length; j++) {
      const cell = record[j] as string;
      raw[columns[j] as CameraColumn] = formula[j] ? unescapeFormula(cell.trim()) : cell;
    }
    const { input, errors } = mapRow(raw);
    rows.push(input ? { row, id: rawId(raw), input, errors } : { row, id: rawId(raw), errors });
  }
  rejectDuplicateIds(rows);
  return { rows, fileErrors: [] };
}
