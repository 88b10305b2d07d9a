import type { ActionContext } from '../../core/context';
import { ForbiddenError, OperationalError, UserError } from '../../core/errors';
import type { SiteKeyring } from '../../keys/site-keys';
import { permissionsOf } from '../../auth/permissions';
import { signRequest, type RemoteIdentity } from './signing';

export interface PeerSite {
  siteId: string;
  name?: string;
  url: string;
}

/** How a call to a peer ended when it did not give a result. */
export class PeerCallError extends OperationalError {
  constructor(readonly state: 'timeout' | 'down' | 'refused', readonly peerStatus: number, message: string, cause?: unknown) {
    super(`peer_${state}`, message, { cause, details: { state } });
  }
}

/** The signed identity this site sends for the user behind `ctx` (roles from the user's live grants). */
export function identityOf(siteId: string, ctx: ActionContext): RemoteIdentity {
  const p = ctx.principal;
  const now = Date.now();
  const roles = p ? [...new Set(p.grants.filter((g) => !g.expiresAt || g.expiresAt > now).map((g) => g.role))] : [];
  if (p && permissionsOf(p.grants).size === 0) roles.length = 0;
  return { site: siteId, user: p?.username ?? ctx.systemActor ?? 'system', roles, caseRef: ctx.caseRef, purpose: ctx.purpose };
}

/** Signed JSON calls to one peer with a timeout; failures are classified (timeout / down / refused). */
export class PeerClient {
  constructor(private readonly keyring: SiteKeyring, readonly peer: PeerSite) {}

  headers(method: string, path: string, body: string, id: RemoteIdentity): Record<string, string> {
    return signRequest(this.keyring, method, path, body, id);
  }

  wsUrl(path: string): string {
    const u = new URL(path, this.peer.url);
    u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
    return u.toString();
  }

  /** A signed GET whose response (status checked: 2xx or 416) is handed back to be streamed on. */
  async raw(path: string, id: RemoteIdentity, timeoutMs: number, extra: Record<string, string> = {}): Promise<Response> {
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), timeoutMs);
    let res: Response;
    try {
      res = await fetch(new URL(path, this.peer.url), { headers: { ...this.headers('GET', path, '', id), ...extra }, signal: ac.signal });
    } catch (err) {
      if (ac.signal.aborted) throw new PeerCallError('timeout', 504, `Site '${this.peer.siteId}' did not answer within ${timeoutMs} ms`, err);
      throw new PeerCallError('down', 503, `Site '${this.peer.siteId}' is unreachable at ${this.peer.url}: ${(err as Error).message}`, err);
    } finally {
      clearTimeout(timer);
    }
    if (res.ok || res.status === 416) return res;
    const text = await res.text();
    if (res.status === 400) throw new UserError('peer_rejected', `Site '${this.peer.siteId}' rejected the request: ${messageOf(text) ?? res.statusText}`);
    // the owner's policy answers are the user's answers (403 / 404); a 401 means this site's key is not accepted there
    if (res.status === 403) throw new ForbiddenError('playback.view', `Site '${this.peer.siteId}' refused: ${messageOf(text) ?? res.statusText}`);
    if (res.status === 404) throw new UserError('not_found', `Site '${this.peer.siteId}': ${messageOf(text) ?? res.statusText}`, undefined, 404);
    if (res.status === 401) throw new PeerCallError('refused', res.status, `Site '${this.peer.siteId}' does not accept this site's signature: ${messageOf(text) ?? res.statusText}`);
    throw new PeerCallError('down', res.status, `Site '${this.peer.siteId}' answered ${res.status}: ${messageOf(text) ?? res.statusText}`);
  }

  async json<T>(method: 'GET' | 'POST', path: string, id: RemoteIdentity, timeoutMs: number, body?: unknown): Promise<T> {
    const text = body === undefined ? '' : JSON.stringify(body);
    const headers = this.headers(method, path, text, id);
    if (body !== undefined) headers['content-type'] = 'application/json';
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), timeoutMs);
    let res: Response;
    try {
      res = await fetch(new URL(path, this.peer.url), { method, headers, body: body === undefined ? undefined : text, signal: ac.signal });
      const out = await res.text();
      if (res.status === 401 || res.status === 403 || res.status === 404) {
        throw new PeerCallError('refused', res.status, `Site '${this.peer.siteId}' refused: ${messageOf(out) ?? res.statusText}`);
      }
      if (res.status === 400) throw new UserError('peer_rejected', `Site '${this.peer.siteId}' rejected the request: ${messageOf(out) ?? res.statusText}`);
      if (!res.ok) throw new PeerCallError('down', res.status, `Site '${this.peer.siteId}' answered ${res.status}: ${messageOf(out) ?? res.statusText}`);
      return JSON.parse(out) as T;
    } catch (err) {
      if (err instanceof PeerCallError || err instanceof UserError) throw err;
      if (ac.signal.aborted) throw new PeerCallError('timeout', 504, `Site '${this.peer.siteId}' did not answer within ${timeoutMs} ms`, err);
      throw new PeerCallError('down', 503, `Site '${this.peer.siteId}' is unreachable at ${this.peer.url}: ${(err as Error).message}`, err);
    } finally {
      clearTimeout(timer);
    }
  }
}

function messageOf(body: string): string | undefined {
  try {
    const j = JSON.parse(body) as { error?: { message?: string } };
    return j.error?.message;
  } catch (err) {
    return body ? `${body.slice(0, 200)} (${(err as Error).message})` : undefined;
  }
}
