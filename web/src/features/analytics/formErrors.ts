import { ApiError } from '../../api/client';

/**
 * Field-by-field messages from a 400 of the API. Request validation answers details.issues as
 * 'body.polygon.2: …'; the services answer 'rule.polygon: …' or 'polygon: …' (details.field names the
 * first). The key is the first path part after 'body.'/'rule.'/'settings.' ('' when none is named).
 */
export function fieldErrors(err: unknown): Map<string, string> {
  const out = new Map<string, string>();
  if (!(err instanceof ApiError) || !err.details) return out;
  const issues = Array.isArray(err.details.issues) ? err.details.issues.filter((x): x is string => typeof x === 'string') : [];
  for (const issue of issues) {
    const i = issue.indexOf(': ');
    if (i < 0) continue;
    const path = issue.slice(0, i).split('.').filter((p) => !['body', 'rule', 'settings', 'querystring', 'params'].includes(p));
    const key = path[0] ?? '';
    const msg = path.length > 1 ? `${path.slice(1).join('.')}: ${issue.slice(i + 2)}` : issue.slice(i + 2);
    out.set(key, out.has(key) ? `${out.get(key)}; ${msg}` : msg);
  }
  const field = err.details.field;
  if (issues.length === 0 && typeof field === 'string') out.set(field.split('.')[0] ?? '', err.message.replace(new RegExp(`^${field}: `), ''));
  return out;
}
