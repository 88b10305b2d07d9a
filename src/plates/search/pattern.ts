import { ValidationError } from '../../core/errors';
import { cleanPlateText, plateKey } from '../grammar/index';
import { deletionVariants } from './fuzzy';

export const SEARCH_MODES = ['exact', 'prefix', 'wildcard', 'fuzzy'] as const;
export type SearchMode = (typeof SEARCH_MODES)[number];

/** How a plate query is run against the indexes (built once per query, the same on both engines). */
export type PlatePlan =
  | { mode: 'exact'; plate: string }
  /** plate >= from AND plate < to: a B-tree range on (plate, seen_at). */
  | { mode: 'prefix'; prefix: string; from: string; to: string }
  /**
   * The literal prefix before the first wildcard as a range (when there is one), then LIKE as the
   * filter. `ranges` (when set) narrows that range: a single `?` followed by literals is expanded
   * over the plate alphabet, so `AB?12*` probes ABA12…ABZ12 instead of every AB plate.
   */
  | { mode: 'wildcard'; pattern: string; like: string; range: { from: string; to: string } | null; ranges?: Array<{ from: string; to: string }> }
  /** Candidate keys: the query key and its one-deletion variants, looked up in plate_key_variants. */
  | { mode: 'fuzzy'; key: string; variants: string[] };

const MAX_LEN = 16;

/** Upper case without spaces or separators, as plates are stored (grammar cleanPlateText), wildcards kept. */
export function normaliseQuery(raw: string): string {
  return raw
    .split(/([?*])/)
    .map((p) => (p === '?' || p === '*' ? p : cleanPlateText(p)))
    .join('');
}

/** The smallest string greater than every string starting with `prefix` (byte / code point order). */
export function prefixUpperBound(prefix: string): string {
  const cps = [...prefix];
  const last = cps.pop()!;
  return cps.join('') + String.fromCodePoint(last.codePointAt(0)! + 1);
}

/**
 * Parses a plate query. `mode` defaults to wildcard when the text holds `?` or `*`, else exact.
 * Wildcards: `?` = one character, `*` = any run (also `%`/`_`-free: plates never hold them).
 */
export function planQuery(raw: string, mode?: SearchMode): PlatePlan {
  const hasWild = /[?*]/.test(raw);
  const m: SearchMode = mode ?? (hasWild ? 'wildcard' : 'exact');
  const text = normaliseQuery(raw);
  if (!text.replace(/[?*]/g, '')) throw new ValidationError('plate: give at least one letter or digit of the plate');
  if ([...text].length > MAX_LEN) throw new ValidationError(`plate: at most ${MAX_LEN} characters`);
  if (m !== 'wildcard' && hasWild) throw new ValidationError(`plate: '?' and '*' are wildcards; use mode=wildcard (or leave mode out) for '${raw}'`);
  switch (m) {
    case 'exact':
      return { mode: 'exact', plate: text };
    case 'prefix':
      return { mode: 'prefix', prefix: text, from: text, to: prefixUpperBound(text) };
    case 'fuzzy': {
      const key = plateKey(text);
      return { mode: 'fuzzy', key, variants: deletionVariants(key) };
    }
    case 'wildcard': {
      const lead = text.split(/[?*]/)[0]!;
      const like = text.replace(/\?/g, '_').replace(/\*+/g, '%');
      if (!lead) return { mode: 'wildcard', pattern: text, like, range: null };
      const range = { from: lead, to: prefixUpperBound(lead) };
      const after = /^\?([^?*]+)/.exec(text.slice(lead.length))?.[1];
      return after ? { mode: 'wildcard', pattern: text, like, range, ranges: expandOne(lead, after) } : { mode: 'wildcard', pattern: text, like, range };
    }
  }
}

/** What cleanPlateText lets through: digits, A–Z, and CJK (U+4E00–U+9FFF). */
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/**
 * `lead ? literal`: one prefix range per character the `?` can be, plus one range for every CJK
 * character there; together exactly the plates of the lead's range that have `literal` after one
 * character.
 */
function expandOne(lead: string, literal: string): Array<{ from: string; to: string }> {
  const out = [...ALPHABET].map((c) => ({ from: lead + c + literal, to: prefixUpperBound(lead + c + literal) }));
  out.push({ from: lead + '\u4e00', to: prefixUpperBound(lead) });
  return out;
}

/** JS twin of the SQL LIKE of a wildcard plan (tests, and filtering in memory). */
export function wildcardRegExp(pattern: string): RegExp {
  const body = [...pattern].map((c) => (c === '?' ? '.' : c === '*' ? '.*' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, 'u');
}
