/**
 * Shared by the CSV and GeoJSON parsers: one row of raw values (keyed by CSV column name) →
 * a validated camera input, or `column: message` errors that never contain a credential.
 * `cameraInputSchema` stays the one definition of validity; this only converts and explains.
 */
import type { z } from 'zod';
import { cameraInputSchema, splitCredentials, type ValidCameraInput } from '../camera.model';
import { redactUrl } from '../../core/logger';
import { CAMERA_COLUMNS, type CameraColumn, type ParsedRow, type RawRow } from './types';

/** Schema path (dotted) → column name. */
export const PATH_TO_COLUMN: Readonly<Record<string, CameraColumn>> = {
  id: 'id', name: 'name', owner: 'owner', tags: 'tags', bearingDeg: 'bearing', fovDeg: 'fov',
  'location.lat': 'lat', 'location.lon': 'lon', 'location.district': 'district', 'location.address': 'address',
  'source.url': 'rtsp_url', 'source.subUrl': 'sub_url', 'source.transport': 'transport',
  'source.username': 'username', 'source.password': 'password',
  'sharing.liveAllowed': 'live', 'sharing.playbackAllowed': 'playback', 'sharing.retentionDays': 'retention_days',
};

/** Free-text columns that a spreadsheet could run as a formula (CSV injection). */
export const FORMULA_COLUMNS: readonly CameraColumn[] = ['name', 'district', 'address', 'tags'];
/** Export side: `=cmd()` → `'=cmd()`, so a spreadsheet shows it as text (and `'=x` → `''=x`, to stay reversible). */
export const escapeFormula = (s: string): string => (/^'*[=+\-@\t\r]/.test(s) ? `'${s}` : s);
/** Import side: the inverse of escapeFormula. */
export const unescapeFormula = (s: string): string => (/^'+[=+\-@\t\r]/.test(s) ? s.slice(1) : s);

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const TRUE = new Set(['true', 'yes', '1', 'y']);
const FALSE = new Set(['false', 'no', '0', 'n']);
const USERINFO = /[a-z][a-z0-9+.-]*:\/\/(.*)@/is;

/** Redaction for echoed values: also hides `user:pa/ss@` that the URL parser (and redactUrl) cannot split. */
export function redactHard(s: string): string {
  return redactUrl(s).replace(/([a-z][a-z0-9+.-]*:\/\/).*@/gis, '$1***@');
}

function decodeOr(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch (err) {
    if (err instanceof URIError) return s; // not percent-encoded: the raw text is the secret
    throw err;
  }
}

class RowContext {
  readonly errors = new Map<CameraColumn, string[]>();
  /** Issues on a schema path that has no column (not expected while the two stay in step). */
  readonly other: string[] = [];
  private readonly secrets: string[] = [];

  constructor(readonly raw: RawRow) {}

  addSecret(s: string | undefined): void {
    if (!s) return;
    this.secrets.push(s, decodeOr(s));
  }

  /** Secrets that may hide in a URL the parser could not split (e.g. a '/' or '@' in the password). */
  addUrlSecrets(url: string): void {
    const userinfo = USERINFO.exec(url)?.[1];
    if (!userinfo) return;
    this.addSecret(userinfo);
    const colon = userinfo.indexOf(':');
    if (colon >= 0) this.addSecret(userinfo.slice(colon + 1));
  }

  fail(col: CameraColumn, message: string): undefined {
    const list = this.errors.get(col) ?? [];
    list.push(message);
    this.errors.set(col, list);
    return undefined;
  }

  /** A value quoted for a message: redacted, scrubbed of this row's secrets, short, control characters escaped. */
  show(v: string): string {
    const s = this.scrub(redactHard(v), 1);
    return JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s);
  }

  /** Whole messages get only secrets long enough not to mangle their wording; echoed values get all. */
  scrub(text: string, minLength = 6): string {
    let out = text;
    for (const s of this.secrets) if (s.length >= minLength) out = out.split(s).join('***');
    return out;
  }
}

/** 'a list', 'null', 'an object', 'a number'… for messages about a value of the wrong type. */
export function describe(v: unknown): string {
  return Array.isArray(v) ? 'a list' : v === null ? 'null' : typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

function text(ctx: RowContext, col: CameraColumn, trim = true): string | undefined {
  let v = ctx.raw[col];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number' || typeof v === 'boolean') v = String(v);
  if (typeof v !== 'string') return ctx.fail(col, `expected text, got ${describe(v)}`);
  if (v.trim() === '') return undefined;
  return trim ? v.trim() : v;
}

function num(ctx: RowContext, col: CameraColumn): number | undefined {
  const v = ctx.raw[col];
  if (typeof v === 'number') return Number.isFinite(v) ? v : ctx.fail(col, 'must be a finite number');
  const t = text(ctx, col);
  if (t === undefined) return undefined;
  if (NUMBER.test(t)) return Number(t);
  const hint = /^[+-]?\d+,\d+$/.test(t) ? ' (use a dot as the decimal separator)' : '';
  return ctx.fail(col, `not a number: ${ctx.show(t)}${hint}`);
}

function bool(ctx: RowContext, col: CameraColumn): boolean | undefined {
  const v = ctx.raw[col];
  if (typeof v === 'boolean') return v;
  const t = text(ctx, col)?.toLowerCase();
  if (t === undefined) return undefined;
  if (TRUE.has(t)) return true;
  if (FALSE.has(t)) return false;
  return ctx.fail(col, `expected true/false, yes/no or 1/0, got ${ctx.show(t)}`);
}

function tags(ctx: RowContext): string[] | undefined {
  const v = ctx.raw.tags;
  if (Array.isArray(v)) {
    if (!v.every((t) => typeof t === 'string')) return ctx.fail('tags', 'expected a list of text');
    return (v as string[]).map((t) => t.trim()).filter(Boolean);
  }
  const t = text(ctx, 'tags');
  return t === undefined ? undefined : t.split(';').map((s) => s.trim()).filter(Boolean);
}

/** Drop undefined members so absent cells stay absent (and defaults apply). */
function compact<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Friendlier defaults than zod's; custom messages of the schema take precedence over these. */
const friendly: z.core.$ZodErrorMap = (iss) => {
  switch (iss.code) {
    case 'invalid_type':
      if (iss.input === undefined) return 'required';
      return iss.expected === 'int' ? 'must be a whole number' : `expected ${iss.expected}`;
    case 'too_big':
      if (iss.origin === 'string') return `too long (at most ${iss.maximum} characters)`;
      if (iss.origin === 'array') return `too many (at most ${iss.maximum})`;
      return `must be at most ${iss.maximum}`;
    case 'too_small':
      if (iss.origin === 'string') return `too short (at least ${iss.minimum} characters)`;
      return iss.inclusive ? `must be at least ${iss.minimum}` : `must be greater than ${iss.minimum}`;
    case 'invalid_value':
      return `must be one of ${iss.values.map(String).join(', ')}`;
    default:
      return undefined;
  }
};

/** Convert and validate one row; errors are sorted in column order. */
export function mapRow(raw: RawRow): { input?: ValidCameraInput; errors: string[] } {
  const ctx = new RowContext(raw);
  const rawUrl = text(ctx, 'rtsp_url');
  const rawSub = text(ctx, 'sub_url');
  const colUser = text(ctx, 'username', false);
  const colPass = text(ctx, 'password', false);
  ctx.addSecret(colPass);
  const main = rawUrl === undefined ? undefined : splitCredentials(rawUrl);
  const sub = rawSub === undefined ? undefined : splitCredentials(rawSub);
  for (const u of [rawUrl, rawSub]) if (u !== undefined) ctx.addUrlSecrets(u);
  ctx.addSecret(main?.password);
  ctx.addSecret(sub?.password);

  // Columns win; otherwise credentials come out of rtsp_url, else out of sub_url. URLs never keep them.
  const urlUser = main?.username || sub?.username || undefined;
  const urlPass = main?.password || sub?.password || undefined;
  if (colUser === undefined && colPass === undefined && main?.username && sub?.username
    && (main.username !== sub.username || main.password !== sub.password)) {
    ctx.fail('sub_url', 'its credentials differ from those in rtsp_url (a camera has one set of credentials)');
  }
  const retention = num(ctx, 'retention_days');
  const sharing = compact({ liveAllowed: bool(ctx, 'live'), playbackAllowed: bool(ctx, 'playback'), retentionDays: retention });
  const candidate = compact({
    id: text(ctx, 'id'),
    name: text(ctx, 'name'),
    location: compact({ lat: num(ctx, 'lat'), lon: num(ctx, 'lon'), district: text(ctx, 'district'), address: text(ctx, 'address') }),
    owner: text(ctx, 'owner'),
    source: compact({
      url: main?.url,
      subUrl: sub?.url,
      transport: text(ctx, 'transport')?.toLowerCase(),
      username: colUser ?? urlUser,
      password: colPass ?? urlPass,
    }),
    bearingDeg: num(ctx, 'bearing'),
    fovDeg: num(ctx, 'fov'),
    tags: tags(ctx),
    sharing: Object.keys(sharing).length > 0 ? sharing : undefined,
  });

  const parsed = cameraInputSchema.safeParse(candidate, { error: friendly });
  const reported = new Set(ctx.errors.keys());
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const index = issue.path.find((p) => typeof p === 'number');
      const key = issue.path.filter((p) => typeof p === 'string').join('.');
      const col = PATH_TO_COLUMN[key];
      if (col === undefined) {
        ctx.other.push(`${key || 'row'}: ${issue.message}`);
        continue;
      }
      if (reported.has(col)) continue; // the conversion already explained this column
      let message = issue.message;
      if (col === 'rtsp_url' || col === 'sub_url') {
        const value = (col === 'rtsp_url' ? main?.url : sub?.url) ?? '';
        const weak = redactUrl(value.trim()).slice(0, 120);
        if (weak) message = message.split(weak).join(ctx.scrub(redactHard(value.trim()).slice(0, 120), 1));
      }
      ctx.fail(col, typeof index === 'number' ? `tag ${index + 1}: ${message}` : message);
    }
  }
  const errors = [
    ...CAMERA_COLUMNS.flatMap((col) => (ctx.errors.get(col) ?? []).map((m) => `${col}: ${m}`)),
    ...ctx.other,
  ].map((m) => ctx.scrub(m));
  if (errors.length > 0 || !parsed.success) return { errors: errors.length > 0 ? errors : ['row: invalid'] };
  return { input: parsed.data, errors: [] };
}

/** The id as given, for reporting (also for invalid rows). */
export function rawId(raw: RawRow): string | null {
  const v = raw.id;
  if (typeof v === 'number') return String(v);
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
}

/** Reject every later row whose id was already used by an earlier row of the file. */
export function rejectDuplicateIds(rows: ParsedRow[]): void {
  const first = new Map<string, number>();
  for (const r of rows) {
    if (r.id === null) continue;
    const seen = first.get(r.id);
    if (seen === undefined) {
      first.set(r.id, r.row);
      continue;
    }
    r.errors.unshift(`id: duplicate of row ${seen}`);
    delete r.input;
  }
}
