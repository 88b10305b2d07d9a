import type { GroupMapping } from '../config/security.schema';
import type { Grant } from './permissions';
import type { AuthSource } from './user.repository';

/** A person as an identity provider (OIDC) or directory (LDAP) describes them after a successful sign-in. */
export interface ExternalIdentity {
  source: Exclude<AuthSource, 'local'>;
  /** Stable id at the provider: `<issuer>#<sub>` (OIDC) or the user's DN (LDAP). */
  externalId: string;
  /** Proposed SmartView user name (made unique if taken). */
  username: string;
  displayName: string;
  groups: string[];
}

/** Grants from group membership, by the configured mapping (case-insensitive group names). */
export function grantsFromGroups(groups: string[], mappings: GroupMapping[]): Grant[] {
  const have = new Set(groups.map((g) => g.toLowerCase()));
  return mappings
    .filter((m) => have.has(m.group.toLowerCase()))
    .map((m) => ({ role: m.role, organisations: m.organisations, districts: m.districts, expiresAt: null }));
}

/** A user name that satisfies the local rules (lower-case letters, digits, . _ -; 2–64 characters). */
export function usernameFrom(raw: string): string {
  const s = raw.toLowerCase().replace(/@.*$/, '').replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+/, '').slice(0, 56);
  return s.length >= 2 ? s : `user-${s || 'x'}`;
}
