import type { AuthService, LoginResult } from './auth.service';
import type { OidcClient } from './oidc';

/** Single sign-on as the routes see it: which methods exist, OIDC start and completion. */
export class SsoService {
  constructor(
    private readonly auth: AuthService,
    private readonly oidc: OidcClient | undefined,
    private readonly ldapEnabled: boolean,
  ) {}

  methods(): { oidc: { label: string } | null; ldap: boolean } {
    return { oidc: this.oidc ? { label: this.oidc.label } : null, ldap: this.ldapEnabled };
  }

  get oidcEnabled(): boolean {
    return !!this.oidc;
  }

  startOidc(): Promise<{ url: string; state: string }> {
    return this.oidc!.start('/');
  }

  /** Verifies the provider's answer and signs the person in (user created/updated, grants from groups). */
  async completeOidc(state: string, code: string, meta: { ip: string | null; userAgent: string | null }): Promise<LoginResult & { returnTo: string }> {
    const { identity, returnTo } = await this.oidc!.finish(state, code);
    const r = await this.auth.signInExternal(identity, this.oidc!.mappings, meta);
    return { ...r, returnTo: returnTo ?? '/' };
  }
}
