import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { freePort, startLdapServer, startOidcProvider, type TestOidcProvider } from '../support/idp';
import { startTestServer, type TestServer } from '../support/server';

/** A cookie jar per origin: enough to walk the redirect chain of an OIDC login by hand. */
class Jar {
  private readonly cookies = new Map<string, Map<string, string>>();
  header(url: string): string {
    return [...(this.cookies.get(new URL(url).host) ?? new Map<string, string>())].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  store(url: string, res: Response): void {
    const host = new URL(url).host;
    const jar = this.cookies.get(host) ?? new Map<string, string>();
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(';');
      const [k, v] = [pair!.slice(0, pair!.indexOf('=')), pair!.slice(pair!.indexOf('=') + 1)];
      if (attrs.some((a) => /expires=Thu, 01 Jan 1970/i.test(a)) || v === '') jar.delete(k);
      else jar.set(k, v);
    }
    this.cookies.set(host, jar);
  }
  get(url: string, name: string): string | undefined {
    return this.cookies.get(new URL(url).host)?.get(name);
  }
}

/** Follows redirects (keeping cookies) from `url` until it lands back on SmartView's '/'. */
async function walk(start: string, jar: Jar, home: string): Promise<{ final: string; hops: string[] }> {
  let url = start;
  const hops: string[] = [];
  for (let i = 0; i < 12; i++) {
    const res = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header(url) } });
    jar.store(url, res);
    await res.arrayBuffer();
    const loc = res.headers.get('location');
    if (res.status < 300 || res.status >= 400 || !loc) throw new Error(`${url} answered ${res.status} without a redirect`);
    url = new URL(loc, url).toString();
    hops.push(url);
    if (url.startsWith(`${home}/?`) || url === `${home}/`) return { final: url, hops };
  }
  throw new Error(`too many redirects: ${hops.join(' → ')}`);
}

async function me(srv: TestServer, jar: Jar) {
  const res = await fetch(`${srv.url}/api/auth/me`, { headers: { cookie: jar.header(srv.url) } });
  return { status: res.status, body: (await res.json()) as { username: string; authSource: string; grants: Array<{ role: string; districts: string[] | null }>; permissions: string[] } };
}

describe('single sign-on with OpenID Connect (oidc-provider)', () => {
  let srv: TestServer;
  let idp: TestOidcProvider;
  before(async () => {
    const port = await freePort();
    const redirectUri = `http://127.0.0.1:${port}/api/auth/oidc/callback`;
    idp = await startOidcProvider({ clientId: 'smartview', clientSecret: 'a-client-secret-of-some-length', redirectUri });
    srv = await startTestServer({
      config: {
        server: { port },
        security: {
          oidc: {
            issuer: idp.issuer, clientId: 'smartview', clientSecret: 'a-client-secret-of-some-length', redirectUrl: redirectUri, scopes: ['openid', 'profile', 'email', 'groups'],
            groupMappings: [
              { group: 'cctv-investigators', role: 'investigator', districts: ['Sha Tin'] },
              { group: 'cctv-auditors', role: 'auditor' },
            ],
          },
        },
      },
    });
  });
  after(async () => {
    await srv?.close();
    await idp?.close();
  });

  test('authorization code + PKCE end to end: user created with grants from groups; changed groups change grants', async () => {
    const methods = (await (await fetch(`${srv.url}/api/auth/methods`)).json()) as { oidc: { label: string } | null };
    assert.equal(methods.oidc?.label, 'Single sign-on');
    idp.signInAs({ id: 'u-1001', name: 'Alice Chan', email: 'alice.chan@police.example', groups: ['cctv-investigators', 'staff'] });
    const jar = new Jar();
    const { final, hops } = await walk(`${srv.url}/api/auth/oidc/start`, jar, srv.url);
    assert.equal(final, `${srv.url}/`, hops.join(' → '));
    const authorize = new URL(hops[0]!);
    assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
    assert.ok(authorize.searchParams.get('nonce') && authorize.searchParams.get('state'));
    const m = await me(srv, jar);
    assert.equal(m.status, 200);
    assert.equal(m.body.username, 'alice.chan');
    assert.equal(m.body.authSource, 'oidc');
    assert.deepEqual(m.body.grants.map((g) => [g.role, g.districts]), [['investigator', ['Sha Tin']]]);

    idp.signInAs({ id: 'u-1001', name: 'Alice Chan', email: 'alice.chan@police.example', groups: ['cctv-auditors'] });
    const jar2 = new Jar();
    await walk(`${srv.url}/api/auth/oidc/start`, jar2, srv.url);
    const m2 = await me(srv, jar2);
    assert.deepEqual(m2.body.grants.map((g) => g.role), ['auditor'], 'the investigator grant went with the group');
    assert.equal(m2.body.username, 'alice.chan', 'same user (matched by issuer and sub)');
    assert.ok(!m2.body.permissions.includes('search.run'));

    idp.signInAs({ id: 'u-1001', name: 'Alice Chan', email: 'alice.chan@police.example', groups: ['staff'] });
    const jar3 = new Jar();
    const refused = await walk(`${srv.url}/api/auth/oidc/start`, jar3, srv.url);
    assert.equal(refused.final, `${srv.url}/?sso_error=no_role`);
    assert.equal(jar3.get(srv.url, 'sv_session'), undefined);
    assert.equal((await me(srv, jar)).status, 403, 'an existing session of that user now holds no grant at all');
  });

  test('a callback with a forged or replayed state is refused', async () => {
    const jar = new Jar();
    const start = await fetch(`${srv.url}/api/auth/oidc/start`, { redirect: 'manual' });
    jar.store(srv.url, start);
    const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
    const forged = await fetch(`${srv.url}/api/auth/oidc/callback?code=abc&state=${state}x`, { redirect: 'manual', headers: { cookie: jar.header(srv.url) } });
    assert.equal(forged.headers.get('location'), '/?sso_error=sso_state');
    const badCode = await fetch(`${srv.url}/api/auth/oidc/callback?code=abc&state=${state}`, { redirect: 'manual', headers: { cookie: jar.header(srv.url) } });
    assert.equal(badCode.headers.get('location'), '/?sso_error=sso_refused');
    const replay = await fetch(`${srv.url}/api/auth/oidc/callback?code=abc&state=${state}`, { redirect: 'manual', headers: { cookie: jar.header(srv.url) } });
    assert.equal(replay.headers.get('location'), '/?sso_error=sso_state', 'a state is single use');
  });
});

describe('sign-in against LDAP (ldapjs server)', () => {
  let srv: TestServer;
  let dir: Awaited<ReturnType<typeof startLdapServer>>;
  const base = 'dc=example,dc=hk';
  before(async () => {
    dir = await startLdapServer({ base, serviceDn: `cn=smartview,ou=services,${base}`, servicePassword: 'service-bind-secret' });
    dir.addUser({ uid: 'wong', cn: 'Wong Ka Ming', password: 'Directory-pass-1' });
    dir.setGroups('wong', ['cctv-operators']);
    srv = await startTestServer({
      config: {
        security: {
          ldap: {
            url: dir.url, bindDn: `cn=smartview,ou=services,${base}`, bindPassword: 'service-bind-secret', userBaseDn: `ou=people,${base}`, groupBaseDn: `ou=groups,${base}`,
            groupMappings: [{ group: 'cctv-operators', role: 'operator', organisations: ['hk-police'] }, { group: 'cctv-supervisors', role: 'supervisor' }],
          },
        },
      },
    });
  });
  after(async () => {
    await srv?.close();
    await dir?.close();
  });

  const login = async (username: string, password: string) => {
    const res = await fetch(`${srv.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
    return { status: res.status, body: (await res.json()) as { user?: { username: string; authSource: string; grants: Array<{ role: string; organisations: string[] | null }> }; error?: { code: string } } };
  };

  test('bind + search: directory groups mapped to roles and scopes, replaced on every sign-in', async () => {
    const ok = await login('wong', 'Directory-pass-1');
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.user!.authSource, 'ldap');
    assert.deepEqual(ok.body.user!.grants.map((g) => [g.role, g.organisations]), [['operator', ['hk-police']]]);
    assert.equal((await login('wong', 'wrong-password')).body.error?.code, 'invalid_credentials');
    assert.equal((await login('nobody', 'Directory-pass-1')).body.error?.code, 'invalid_credentials');
    assert.equal((await login('wong*', 'Directory-pass-1')).body.error?.code, 'invalid_credentials', 'filter characters are escaped');
    dir.setGroups('wong', ['cctv-supervisors']);
    assert.deepEqual((await login('wong', 'Directory-pass-1')).body.user!.grants.map((g) => g.role), ['supervisor']);
    dir.setGroups('wong', []);
    assert.equal((await login('wong', 'Directory-pass-1')).body.error?.code, 'no_role');
    const stored = await srv.running.sv.store.db.selectFrom('users').select(['auth_source', 'external_id', 'password_hash']).where('username', '=', 'wong').executeTakeFirstOrThrow();
    assert.deepEqual(stored, { auth_source: 'ldap', external_id: `uid=wong,ou=people,${base}`, password_hash: '!sso' }, 'no directory password is kept');
  });
});
