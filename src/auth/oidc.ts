import { createHash, randomBytes } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import type { SecurityConfig } from '../config/security.schema';
import { AuthenticationError, OperationalError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { Clock } from '../core/time';
import type { SecretBox } from '../keys/secret-box';
import type { Store } from '../store/store';
import type { ExternalIdentity } from './external';
import { SecurityRepository } from './security.repository';

type OidcConfig = NonNullable<SecurityConfig['oidc']>;
interface Discovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
  userinfo_endpoint?: string;
}

const b64url = (b: Buffer) => b.toString('base64url');
const sha256 = (s: string) => createHash('sha256').update(s).digest();
const STATE_TTL_MS = 10 * 60_000;

/**
 * OpenID Connect relying party: authorization code flow with PKCE (S256), state and nonce; the
 * provider is found by discovery; the ID token is verified with jose against the provider's JWKS
 * (signature, issuer, audience, expiry, nonce). Pending logins live in `sso_states` (the PKCE
 * verifier sealed), single use, ten minutes.
 */
export class OidcClient {
  private discovered?: Promise<Discovery>;
  private jwks?: ReturnType<typeof createRemoteJWKSet>;

  constructor(
    private readonly cfg: OidcConfig,
    private readonly clientSecret: string | undefined,
    private readonly store: Store,
    private readonly secrets: SecretBox,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  get label(): string {
    return this.cfg.label;
  }

  get mappings() {
    return this.cfg.groupMappings;
  }

  /** The provider URL to send the browser to, and the state to bind to the browser (cookie). */
  async start(returnTo: string | null): Promise<{ url: string; state: string }> {
    const d = await this.discovery();
    const state = b64url(randomBytes(32));
    const nonce = b64url(randomBytes(24));
    const verifier = b64url(randomBytes(48));
    const now = this.clock.now();
    await new SecurityRepository(this.store.db).insertSsoState({ id: sha256(state).toString('hex'), nonce, verifierSealed: this.secrets.seal(verifier), returnTo, createdAt: now, expiresAt: now + STATE_TTL_MS });
    const u = new URL(d.authorization_endpoint);
    const q = { response_type: 'code', client_id: this.cfg.clientId, redirect_uri: this.cfg.redirectUrl, scope: this.cfg.scopes.join(' '), state, nonce, code_challenge: b64url(sha256(verifier)), code_challenge_method: 'S256' };
    for (const [k, v] of Object.entries(q)) u.searchParams.set(k, v);
    return { url: u.toString(), state };
  }

  /** Completes the login: exchanges the code, verifies the ID token, reads the claims. */
  async finish(state: string, code: string): Promise<{ identity: ExternalIdentity; returnTo: string | null }> {
    const pending = await new SecurityRepository(this.store.db).takeSsoState(sha256(state).toString('hex'));
    if (!pending || pending.expiresAt <= this.clock.now()) throw new AuthenticationError('This sign-in link has expired or was already used: start again from the login page', 'sso_state');
    const d = await this.discovery();
    const body = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: this.cfg.redirectUrl, code_verifier: this.secrets.open(pending.verifierSealed), client_id: this.cfg.clientId });
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
    if (this.clientSecret) headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(this.cfg.clientId)}:${encodeURIComponent(this.clientSecret)}`).toString('base64')}`;
    const res = await this.fetch(d.token_endpoint, { method: 'POST', headers, body });
    const tokens = (await res.json()) as { id_token?: string; access_token?: string; error?: string; error_description?: string };
    if (!res.ok || !tokens.id_token) {
      this.log.warn({ status: res.status, error: tokens.error, description: tokens.error_description }, 'OIDC token exchange refused');
      throw new AuthenticationError(`The identity provider refused the sign-in (${tokens.error ?? res.status}); start again from the login page`, 'sso_refused');
    }
    let claims: JWTPayload;
    try {
      ({ payload: claims } = await jwtVerify(tokens.id_token, (this.jwks ??= createRemoteJWKSet(new URL(d.jwks_uri))), { issuer: d.issuer, audience: this.cfg.clientId, currentDate: new Date(this.clock.now()) }));
    } catch (err) {
      this.log.warn({ err }, 'OIDC ID token failed verification');
      throw new AuthenticationError('The identity provider\'s answer failed verification; start again from the login page', 'sso_invalid_token');
    }
    const sub = claims.sub;
    if (claims.nonce !== pending.nonce || typeof sub !== 'string') throw new AuthenticationError('The identity provider\'s answer does not belong to this sign-in', 'sso_invalid_token');
    if (d.userinfo_endpoint && tokens.access_token) {
      const ui = await this.fetch(d.userinfo_endpoint, { headers: { authorization: `Bearer ${tokens.access_token}`, accept: 'application/json' } });
      const info = (await ui.json()) as Record<string, unknown>;
      if (ui.ok && info.sub === sub) claims = { ...info, ...claims };
    }
    const str = (k: string) => (typeof claims[k] === 'string' ? (claims[k] as string) : undefined);
    const rawGroups = claims[this.cfg.groupsClaim];
    const groups = Array.isArray(rawGroups) ? rawGroups.filter((g): g is string => typeof g === 'string') : typeof rawGroups === 'string' ? [rawGroups] : [];
    const username = str(this.cfg.usernameClaim) ?? str('email') ?? sub;
    return {
      identity: { source: 'oidc', externalId: `${d.issuer}#${sub}`, username, displayName: str('name') ?? username, groups },
      returnTo: pending.returnTo,
    };
  }

  private discovery(): Promise<Discovery> {
    this.discovered ??= (async () => {
      const url = `${this.cfg.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
      const res = await this.fetch(url, { headers: { accept: 'application/json' } });
      if (!res.ok) throw new OperationalError('oidc_discovery', `OIDC discovery at ${url} answered ${res.status}: check security.oidc.issuer`);
      const d = (await res.json()) as Discovery;
      if (d.issuer !== this.cfg.issuer) throw new OperationalError('oidc_discovery', `The provider calls itself ${d.issuer}, not ${this.cfg.issuer}: set security.oidc.issuer to the exact issuer`);
      return d;
    })();
    return this.discovered.catch((err: unknown) => {
      this.discovered = undefined; // try again next time
      throw err;
    });
  }

  private async fetch(url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
    } catch (err) {
      throw new OperationalError('oidc_unreachable', `The identity provider at ${new URL(url).origin} cannot be reached; try again later`, { cause: err });
    }
  }
}
