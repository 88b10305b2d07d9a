import { createHash, createPublicKey, randomBytes } from 'node:crypto';
import { AuthenticationError } from '../../core/errors';
import type { SiteKeyring } from '../../keys/site-keys';
import { verifySignature } from '../../keys/site-keys';

/**
 * Site-to-site request signing (docs/design/federation.md). Every request from one SmartView site to a peer
 * carries these headers; the signature is Ed25519 by the caller's site key over a canonical string of the
 * method, path (with query), SHA-256 of the body, time, nonce, caller site, remote user, roles, case and purpose.
 * The receiver verifies against the key it PINNED for that site id, inside a clock window, and remembers
 * nonces for that window (a replayed request is refused).
 */
export const H = {
  site: 'x-sv-fed-site',
  key: 'x-sv-fed-key',
  time: 'x-sv-fed-time',
  nonce: 'x-sv-fed-nonce',
  user: 'x-sv-fed-user',
  roles: 'x-sv-fed-roles',
  caseRef: 'x-sv-fed-case',
  purpose: 'x-sv-fed-purpose',
  signature: 'x-sv-fed-signature',
} as const;

/** Who asks, as the caller's site signed it. */
export interface RemoteIdentity {
  site: string;
  user: string;
  roles: string[];
  caseRef?: string;
  purpose?: string;
}

export interface PinnedPeer {
  siteId: string;
  publicKeyPem: string;
}

export function keyIdOf(publicKeyPem: string): string {
  const der = createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex').slice(0, 16);
}

function canonical(method: string, path: string, body: string, time: string, nonce: string, id: RemoteIdentity): string {
  const bodyHash = createHash('sha256').update(body).digest('hex');
  // encodeURIComponent keeps the fields free of the separator
  const f = [id.site, id.user, id.roles.join(','), id.caseRef ?? '', id.purpose ?? ''].map((x) => encodeURIComponent(x));
  return ['smartview-federation-v1', method.toUpperCase(), path, bodyHash, time, nonce, ...f].join('\n');
}

/** The headers of a signed request from this site (`id.site` must be this site's id). */
export function signRequest(keyring: SiteKeyring, method: string, path: string, body: string, id: RemoteIdentity, now = Date.now()): Record<string, string> {
  const time = String(now);
  const nonce = randomBytes(16).toString('hex');
  const { keyId, signature } = keyring.sign(canonical(method, path, body, time, nonce, id));
  const headers: Record<string, string> = {
    [H.site]: id.site, [H.key]: keyId, [H.time]: time, [H.nonce]: nonce, [H.user]: encodeURIComponent(id.user),
    [H.roles]: id.roles.join(','), [H.signature]: signature,
  };
  if (id.caseRef) headers[H.caseRef] = encodeURIComponent(id.caseRef);
  if (id.purpose) headers[H.purpose] = encodeURIComponent(id.purpose);
  return headers;
}

/** Why a signed request was refused (audited by the receiver). */
export class PeerAuthError extends AuthenticationError {
  constructor(readonly reason: string, message: string, readonly claimedSite: string | null) {
    super(message, 'peer_unauthenticated');
  }
}

type Headers = Record<string, string | string[] | undefined>;
const one = (h: Headers, k: string): string | undefined => {
  const v = h[k];
  return Array.isArray(v) ? v[0] : v;
};

/** Verifies signatures against pinned keys; remembers nonces within the clock window (replay protection). */
export class RequestVerifier {
  private readonly pinned = new Map<string, { keyId: string; pem: string }>();
  private readonly nonces = new Map<string, number>();

  constructor(peers: PinnedPeer[], private readonly windowMs: number, private readonly now: () => number = Date.now) {
    for (const p of peers) this.pinned.set(p.siteId, { keyId: keyIdOf(p.publicKeyPem), pem: p.publicKeyPem });
  }

  verify(headers: Headers, method: string, path: string, body: string): RemoteIdentity {
    const site = one(headers, H.site) ?? null;
    const fail = (reason: string, message: string): never => {
      throw new PeerAuthError(reason, message, site);
    };
    const [keyId, time, nonce, userEnc, roles, signature] = [H.key, H.time, H.nonce, H.user, H.roles, H.signature].map((k) => one(headers, k));
    if (!site || !keyId || !time || !nonce || !userEnc || roles === undefined || !signature) return fail('unsigned', 'Site-to-site request without a complete signature: sign it with the calling site\'s key (x-sv-fed-* headers)');
    const pin = this.pinned.get(site);
    if (!pin) return fail('unknown_site', `Site '${site}' is not a pinned peer of this site: add it to federation.peers with its public key`);
    if (pin.keyId !== keyId) return fail('unknown_key', `Site '${site}' signed with key ${keyId}, not the pinned key ${pin.keyId}: if the peer rotated its key, pin the new one in federation.peers`);
    const t = Number(time);
    const now = this.now();
    if (!Number.isSafeInteger(t) || Math.abs(now - t) > this.windowMs) return fail('clock_window', `The request time ${time} is outside this site's clock window (±${this.windowMs} ms of ${now}): check both sites' clocks (NTP)`);
    const id: RemoteIdentity = {
      site,
      user: decodeURIComponent(userEnc),
      roles: roles ? roles.split(',') : [],
      caseRef: one(headers, H.caseRef) ? decodeURIComponent(one(headers, H.caseRef)!) : undefined,
      purpose: one(headers, H.purpose) ? decodeURIComponent(one(headers, H.purpose)!) : undefined,
    };
    let ok = false;
    try {
      ok = verifySignature(pin.pem, canonical(method, path, body, time, nonce, id), signature);
    } catch (err) {
      return fail('bad_signature', `The signature of site '${site}' could not be checked (${(err as Error).message})`);
    }
    if (!ok) return fail('bad_signature', `The signature of site '${site}' does not match the request: the request was altered or signed with another key`);
    this.sweep(now);
    const nk = `${site}\u0000${nonce}`;
    if (this.nonces.has(nk)) return fail('replay', `Request nonce ${nonce} of site '${site}' was already used: a replayed request is refused`);
    this.nonces.set(nk, t);
    return id;
  }

  private sweep(now: number): void {
    if (this.nonces.size < 1024) return;
    for (const [k, t] of this.nonces) if (Math.abs(now - t) > this.windowMs) this.nonces.delete(k);
  }
}
