import { z } from 'zod';

/** Roles as strings (config must not import src/auth); checked against ROLES when the auth room starts. */
const ROLE = z.enum(['viewer', 'operator', 'investigator', 'supervisor', 'administrator', 'auditor']);

const groupMapping = z.strictObject({
  group: z.string().min(1).describe('Group name as the directory / identity provider sends it (OIDC groups claim value, LDAP group cn or DN)'),
  role: ROLE.describe('Role granted to members of the group'),
  organisations: z.array(z.string().min(1)).nullable().default(null).describe('Organisations the grant is limited to (null = all)'),
  districts: z.array(z.string().min(1)).nullable().default(null).describe('Districts the grant is limited to (null = all)'),
});

const secretField = (what: string) => z.string().min(1).optional().describe(`${what} (prefer the *File variant or the SMARTVIEW_* environment; never stored in the database)`);
const secretFile = (what: string) => z.string().min(1).optional().describe(`File holding the ${what} (read at start-up; keep it mode 0600)`);

/** The `security` section of the configuration (strict: unknown keys are errors). */
export const securitySchema = z
  .strictObject({
    totp: z
      .strictObject({
        issuer: z.string().min(1).max(60).default('SmartView').describe('Issuer shown in authenticator apps'),
        requiredRoles: z.array(ROLE).default([]).describe('Local users holding any of these roles must enrol a TOTP second factor; until they do, they can only reach their Account page'),
        recoveryCodes: z.number().int().min(4).max(20).default(10).describe('Single-use recovery codes issued when TOTP is confirmed'),
      })
      .prefault({})
      .describe('TOTP second factor for local accounts (RFC 6238, SHA-1, 30 s, 6 digits)'),
    session: z
      .strictObject({
        idleTimeoutMs: z.number().int().min(60_000).default(30 * 60_000).describe('A web session unused for this long ends (auth.sessionTtlMs is the absolute limit)'),
      })
      .prefault({})
      .describe('Web sessions'),
    lockout: z
      .strictObject({
        maxFailures: z.number().int().min(1).max(100).default(5).describe('Consecutive failed sign-ins of one account before it is locked'),
        baseLockMs: z.number().int().min(1000).default(60_000).describe('First lock duration; doubles with each further failure'),
        maxLockMs: z.number().int().min(1000).default(60 * 60_000).describe('Longest lock duration'),
      })
      .prefault({})
      .describe('Account lockout after failed sign-ins (in addition to the per-address rate limit)'),
    rateLimit: z
      .strictObject({
        searchPerMinute: z.number().int().positive().default(60).describe('Search requests (forensic, plate) per user and minute'),
      })
      .prefault({})
      .describe('Rate limits (login: auth.loginRateLimitPerMinute)'),
    oidc: z
      .strictObject({
        issuer: z.string().url().describe('Issuer URL; discovery at <issuer>/.well-known/openid-configuration'),
        clientId: z.string().min(1).describe('Client id registered at the provider'),
        clientSecret: secretField('Client secret'),
        clientSecretFile: secretFile('client secret'),
        redirectUrl: z.string().url().describe('This server\'s callback, e.g. https://smartview.example/api/auth/oidc/callback'),
        scopes: z.array(z.string().min(1)).default(['openid', 'profile', 'email']).describe('Scopes requested'),
        usernameClaim: z.string().min(1).default('preferred_username').describe('Claim that becomes the SmartView user name (falls back to email, then sub)'),
        groupsClaim: z.string().min(1).default('groups').describe('Claim holding the user\'s groups'),
        groupMappings: z.array(groupMapping).default([]).describe('Groups → grants; replaced on every sign-in (a removed group removes its grant)'),
        label: z.string().min(1).max(60).default('Single sign-on').describe('Button label on the login page'),
      })
      .optional()
      .describe('Single sign-on through OpenID Connect (authorization code + PKCE)'),
    ldap: z
      .strictObject({
        url: z.string().regex(/^ldaps?:\/\//, 'ldap:// or ldaps://').describe('Directory URL'),
        bindDn: z.string().min(1).describe('Service account DN used to find users'),
        bindPassword: secretField('Service account password'),
        bindPasswordFile: secretFile('service account password'),
        userBaseDn: z.string().min(1).describe('Where users are searched'),
        userFilter: z.string().min(1).default('(uid={username})').describe('Filter finding one user; {username} is escaped'),
        groupBaseDn: z.string().min(1).optional().describe('Where groups are searched (default: userBaseDn)'),
        groupFilter: z.string().min(1).default('(member={dn})').describe('Filter finding the user\'s groups; {dn} is escaped'),
        groupNameAttribute: z.string().min(1).default('cn').describe('Group attribute compared with groupMappings[].group'),
        displayNameAttribute: z.string().min(1).default('cn').describe('User attribute used as display name'),
        groupMappings: z.array(groupMapping).default([]).describe('Groups → grants; replaced on every sign-in'),
        timeoutMs: z.number().int().positive().default(5000).describe('Directory operation timeout'),
      })
      .optional()
      .describe('Sign-in against an LDAP directory (users not found locally)'),
  })
  .prefault({})
  .describe('Security hardening: second factor, sessions, lockout, single sign-on, rate limits');

export type SecurityConfig = z.infer<typeof securitySchema>;
export type GroupMapping = z.infer<typeof groupMapping>;

/** A copy of the effective config with every secret value (keys named *secret* or *password*) replaced, for printing. */
export function redactConfigSecrets<T>(value: T): T {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, /secret|password/i.test(k) && !/file$/i.test(k) && typeof x === 'string' ? '***' : walk(x)]));
    }
    return typeof v === 'string' ? v.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)([^/@\s]*)@/gi, '$1***@') : v;
  };
  return walk(value) as T;
}
