import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import Provider from 'oidc-provider';
import ldap from 'ldapjs';

/** A free loopback port (the servers that must know each other's URLs before starting need it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface TestAccount {
  id: string;
  name: string;
  email: string;
  groups: string[];
}

export interface TestOidcProvider {
  issuer: string;
  /** Who the next interactive login signs in as (the test's "user at the keyboard"). */
  signInAs(account: TestAccount): void;
  close(): Promise<void>;
}

/**
 * A real OpenID Provider (oidc-provider) on a free port: one confidential client, a `groups`
 * claim, logins finished programmatically as `signInAs` says, consent pre-granted.
 */
export async function startOidcProvider(client: { clientId: string; clientSecret: string; redirectUri: string }): Promise<TestOidcProvider> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  let current: TestAccount | null = null;
  const accounts = new Map<string, TestAccount>();
  const provider = new Provider(issuer, {
    clients: [{ client_id: client.clientId, client_secret: client.clientSecret, redirect_uris: [client.redirectUri], grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_basic' }],
    claims: { openid: ['sub'], profile: ['name', 'preferred_username'], email: ['email'], groups: ['groups'] },
    scopes: ['openid', 'profile', 'email', 'groups'],
    cookies: { keys: ['test-cookie-key-0123456789abcdef'] },
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => true },
    async findAccount(_ctx: unknown, id: string) {
      const a = accounts.get(id);
      return a ? { accountId: id, claims: () => ({ sub: id, name: a.name, preferred_username: a.email.split('@')[0], email: a.email, groups: a.groups }) } : undefined;
    },
    async loadExistingGrant(ctx: { oidc: { client: { clientId: string }; session: { accountId: string } } }) {
      const grant = new provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope('openid profile email groups');
      await grant.save();
      return grant;
    },
  });
  const handler = provider.callback();
  const server: Server = createHttpServer((req, res) => {
    if (req.url?.startsWith('/interaction/')) {
      void (async () => {
        const details = await provider.interactionDetails(req, res);
        if (!current) throw new Error('signInAs() was not called');
        accounts.set(current.id, current);
        await provider.interactionFinished(req, res, details.prompt.name === 'login' ? { login: { accountId: current.id } } : {}, { mergeWithLastSubmission: true });
      })().catch((err: unknown) => {
        res.statusCode = 500;
        res.end(String(err));
      });
      return;
    }
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    issuer,
    signInAs(a) {
      current = a;
      accounts.set(a.id, a);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface DirectoryUser {
  uid: string;
  cn: string;
  password: string;
}

/**
 * A real LDAP server (ldapjs) on a free port: a service account, users under ou=people and groups
 * (groupOfNames with member DNs) under ou=groups, both changeable by the test.
 */
export async function startLdapServer(opts: { base: string; serviceDn: string; servicePassword: string }) {
  const users = new Map<string, DirectoryUser>();
  const groups = new Map<string, Set<string>>(); // cn → member DNs
  const userDn = (uid: string) => `uid=${uid},ou=people,${opts.base}`;
  const server = ldap.createServer();
  const norm = (dn: string) => dn.replace(/\s+/g, '').toLowerCase();
  server.bind(opts.base, (req, res, next) => {
    const dn = norm(req.dn.toString());
    if (dn === norm(opts.serviceDn) && req.credentials === opts.servicePassword) return (res.end(), next());
    const u = [...users.values()].find((x) => norm(userDn(x.uid)) === dn);
    if (u && req.credentials === u.password) return (res.end(), next());
    return next(new ldap.InvalidCredentialsError());
  });
  server.search(opts.base, (req, res, next) => {
    for (const u of users.values()) {
      const attrs = { objectclass: ['inetOrgPerson'], uid: u.uid, cn: u.cn };
      if (req.filter.matches(attrs)) res.send({ dn: userDn(u.uid), attributes: attrs });
    }
    for (const [cn, members] of groups) {
      const attrs = { objectclass: ['groupOfNames'], cn, member: [...members] };
      if (req.filter.matches(attrs)) res.send({ dn: `cn=${cn},ou=groups,${opts.base}`, attributes: attrs });
    }
    res.end();
    next();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `ldap://127.0.0.1:${server.address().port}`,
    userDn,
    addUser(u: DirectoryUser) {
      users.set(u.uid, u);
    },
    setGroups(uid: string, names: string[]) {
      for (const members of groups.values()) members.delete(userDn(uid));
      for (const n of names) {
        if (!groups.has(n)) groups.set(n, new Set());
        groups.get(n)!.add(userDn(uid));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
