import type { Config } from '../config/schema';
import { OperationalError } from '../core/errors';
import type { AuditAppender } from '../core/context';
import type { Logger } from '../core/logger';
import type { Clock } from '../core/time';
import type { SecretBox } from '../keys/secret-box';
import type { Store } from '../store/store';
import { AuthService } from './auth.service';
import { configSecret, LdapDirectory } from './ldap';
import { OidcClient } from './oidc';
import { SsoService } from './sso.service';
import { TotpService } from './totp.service';

export interface AuthRuntime {
  auth: AuthService;
  totp: TotpService;
  sso: SsoService;
}

/** Assembles the auth room from the configuration (TOTP, lockout, sessions, OIDC, LDAP). */
export function createAuth(deps: { config: Config; store: Store; audit: AuditAppender; clock: Clock; secrets: SecretBox; log: Logger }): AuthRuntime {
  const { config, store, audit, clock, secrets } = deps;
  const sec = config.security;
  const log = deps.log.child({ scope: 'auth' });
  const totp = new TotpService(store, audit, clock, secrets, { issuer: sec.totp.issuer, recoveryCodes: sec.totp.recoveryCodes });
  let directory: LdapDirectory | undefined;
  if (sec.ldap) {
    const pw = configSecret(sec.ldap.bindPassword, sec.ldap.bindPasswordFile);
    if (!pw) throw new OperationalError('config_invalid', 'security.ldap needs bindPassword or bindPasswordFile (or SMARTVIEW_SECURITY__LDAP__BINDPASSWORD)');
    directory = new LdapDirectory(sec.ldap, pw, log);
  }
  const auth = new AuthService(store, audit, clock, {
    sessionTtlMs: config.auth.sessionTtlMs,
    idleTimeoutMs: sec.session.idleTimeoutMs,
    lockout: sec.lockout,
    totpRequiredRoles: sec.totp.requiredRoles,
    totp,
    directory,
  });
  const oidc = sec.oidc ? new OidcClient(sec.oidc, configSecret(sec.oidc.clientSecret, sec.oidc.clientSecretFile), store, secrets, clock, log) : undefined;
  return { auth, totp, sso: new SsoService(auth, oidc, !!directory) };
}
