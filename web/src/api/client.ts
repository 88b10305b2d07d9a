/**
 * The one fetch client of the web app. Same-origin cookie auth; every non-2xx answer carries
 * {"error":{"code","message","details"?,"requestId"}} and becomes an ApiError.
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
    readonly requestId?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type QueryValue = string | number | boolean | null | undefined;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  query?: Record<string, QueryValue>;
  /** A JSON body (serialised here) … */
  json?: unknown;
  /** … or a raw body with its content type. */
  body?: Blob | string;
  contentType?: string;
  /** Extra request headers (e.g. X-Case-Ref for case-bound calls). */
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

let onUnauthenticated: (() => void) | null = null;

/** Called when any request (other than login) answers 401: the session has gone. */
export function setUnauthenticatedHandler(fn: (() => void) | null): void {
  onUnauthenticated = fn;
}

export function buildUrl(path: string, query?: Record<string, QueryValue>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined || v === null || v === '') continue;
    params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

async function toApiError(res: Response): Promise<ApiError> {
  const text = await res.text();
  let parsed: unknown = null;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      // Not our error format (a proxy or a crash page): keep the HTTP status as the message.
      console.warn('Non-JSON error body', res.status, err);
    }
  }
  const e = isRecord(parsed) && isRecord(parsed.error) ? parsed.error : null;
  if (e) {
    return new ApiError(
      res.status,
      typeof e.code === 'string' ? e.code : `http_${res.status}`,
      typeof e.message === 'string' ? e.message : res.statusText,
      isRecord(e.details) ? e.details : undefined,
      typeof e.requestId === 'string' ? e.requestId : undefined,
    );
  }
  return new ApiError(res.status, `http_${res.status}`, `${res.status} ${res.statusText}`.trim());
}

export async function request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { ...opts.headers, Accept: 'application/json' };
  let body: BodyInit | undefined;
  if (opts.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.json);
  } else if (opts.body !== undefined) {
    if (opts.contentType) headers['Content-Type'] = opts.contentType;
    body = opts.body;
  }
  let res: Response;
  try {
    res = await fetch(buildUrl(path, opts.query), {
      method: opts.method ?? 'GET',
      headers,
      body,
      credentials: 'same-origin',
      signal: opts.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'network_error', err instanceof Error ? err.message : String(err));
  }
  if (!res.ok) {
    const apiErr = await toApiError(res);
    if (res.status === 401 && path !== '/api/auth/login' && onUnauthenticated) onUnauthenticated();
    throw apiErr;
  }
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('Content-Type') ?? '';
  if (!type.includes('json')) return (await res.text()) as T;
  return (await res.json()) as T;
}

export function isAbort(err: unknown): boolean {
  return err instanceof DOMException && err.name === 'AbortError';
}
