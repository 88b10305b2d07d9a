/**
 * Roles, permissions and scope. A user holds grants; each grant is a role limited to
 * organisations and/or districts (null = all). Permissions come from the roles; the scope of a
 * permission is the union of the scopes of the grants whose role includes it. Every list, map,
 * search and event is filtered by that scope.
 */
export const PERMISSIONS = [
  'site.read',
  'camera.read',
  'camera.write',
  'camera.import',
  'camera.export',
  'organisation.read',
  'organisation.write',
  'user.read',
  'user.write',
  'token.manage',
  'events.read',
  'audit.read',
  'audit.verify',
  'live.view',
  'playback.view',
  'export.create',
  'search.run',
  'hold.read',
  'hold.manage',
  'metrics.read',
  'analytics.read',
  'alert.manage',
  'rules.manage',
  'analytics.run',
  'plan.run',
  'sightings.read',
  'hotlist.manage',
  'case.manage',
  // #6 crowd analytics
  'crowd.read',
  'crowd.manage',
  // #12 governance
  'privacy.manage',
  'privacy.unmask',
  'release.review',
  'access.review',
  'breakglass.use',
  'report.read',
  'register.read',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ROLES = ['viewer', 'operator', 'investigator', 'supervisor', 'administrator', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

const viewer: Permission[] = ['site.read', 'camera.read', 'organisation.read', 'events.read', 'live.view', 'token.manage', 'analytics.read', 'crowd.read'];
const operator: Permission[] = [...viewer, 'playback.view', 'alert.manage', 'sightings.read'];
const investigator: Permission[] = [...operator, 'search.run', 'export.create', 'hold.read', 'hold.manage', 'analytics.run', 'case.manage', 'breakglass.use'];
const supervisor: Permission[] = [
  ...investigator, 'camera.export', 'user.read', 'metrics.read', 'rules.manage', 'plan.run', 'hotlist.manage',
  'crowd.manage', 'privacy.manage', 'privacy.unmask', 'release.review', 'access.review', 'report.read', 'register.read',
];

export const ROLE_PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  viewer: new Set(viewer),
  operator: new Set(operator),
  investigator: new Set(investigator),
  supervisor: new Set(supervisor),
  administrator: new Set<Permission>([
    'site.read', 'camera.read', 'camera.write', 'camera.import', 'camera.export', 'organisation.read', 'organisation.write',
    'user.read', 'user.write', 'token.manage', 'events.read', 'audit.read', 'audit.verify', 'live.view', 'playback.view',
    'hold.read', 'hold.manage', 'metrics.read', 'analytics.read', 'rules.manage', 'plan.run', 'hotlist.manage',
    'crowd.read', 'crowd.manage', 'privacy.manage', 'report.read', 'register.read',
  ]),
  auditor: new Set<Permission>(['site.read', 'camera.read', 'organisation.read', 'audit.read', 'audit.verify', 'token.manage', 'hold.read', 'report.read', 'register.read']),
};

export interface Grant {
  role: Role;
  organisations: string[] | null;
  districts: string[] | null;
  expiresAt?: number | null;
}

export interface Scope {
  organisations: string[] | null;
  districts: string[] | null;
}

export interface Principal {
  userId: string;
  username: string;
  displayName: string;
  grants: Grant[];
  via: 'session' | 'token';
  tokenId?: string;
  /**
   * When set, only these permissions count, whatever the grants say: a scoped API token, or a
   * session that must enrol a second factor first (src/auth, #12).
   */
  permissionLimit?: readonly Permission[];
  /** When set, every scope is intersected with this one (a token limited to organisations/districts). */
  scopeLimit?: Scope;
}

function intersectList(a: string[] | null, b: string[] | null): string[] | null {
  if (a === null) return b;
  if (b === null) return a;
  return a.filter((x) => b.includes(x));
}

/** The part of `s` inside `limit`, or null when nothing is left. */
export function intersectScope(s: Scope, limit: Scope): Scope | null {
  const organisations = intersectList(s.organisations, limit.organisations);
  const districts = intersectList(s.districts, limit.districts);
  return (organisations && organisations.length === 0) || (districts && districts.length === 0) ? null : { organisations, districts };
}

export function permissionsOf(grants: Grant[]): Set<Permission> {
  const out = new Set<Permission>();
  for (const g of grants) for (const p of ROLE_PERMISSIONS[g.role] ?? []) out.add(p);
  return out;
}

/** What the principal may actually do: its grants' permissions within its permission limit. */
export function effectivePermissions(principal: Principal): Set<Permission> {
  const all = permissionsOf(principal.grants);
  const limit = principal.permissionLimit;
  return limit ? new Set([...all].filter((p) => limit.includes(p))) : all;
}

export function can(principal: Principal, permission: Permission): boolean {
  if (principal.permissionLimit && !principal.permissionLimit.includes(permission)) return false;
  if (principal.scopeLimit) return scopesFor(principal, permission).length > 0;
  return principal.grants.some((g) => ROLE_PERMISSIONS[g.role]?.has(permission));
}

/** The scopes under which `permission` is held; [] = not held; a scope with both null = everything. */
export function scopesFor(principal: Principal, permission: Permission): Scope[] {
  if (principal.permissionLimit && !principal.permissionLimit.includes(permission)) return [];
  const limit = principal.scopeLimit;
  const scopes = principal.grants
    .filter((g) => ROLE_PERMISSIONS[g.role]?.has(permission))
    .map((g) => ({ organisations: g.organisations, districts: g.districts }))
    .flatMap((s) => (limit ? (intersectScope(s, limit) ?? []) : [s]));
  return scopes.some((s) => s.organisations === null && s.districts === null) ? [{ organisations: null, districts: null }] : scopes;
}

export function inScope(scopes: Scope[], owner: string, district: string): boolean {
  return scopes.some(
    (s) => (s.organisations === null || s.organisations.includes(owner)) && (s.districts === null || s.districts.includes(district)),
  );
}

export function isUnrestricted(scopes: Scope[]): boolean {
  return scopes.length === 1 && scopes[0]!.organisations === null && scopes[0]!.districts === null;
}
