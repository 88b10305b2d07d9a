import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createAuditService } from '../app/audit-service';
import type { Clock } from '../core/time';
import { SiteKeyring } from '../keys/site-keys';
import { ENGINES, openTestStore, type TestStore } from '../../test/support/engines';
import { AuthService } from './auth.service';
import { UserService } from './user.service';

const SYSTEM = { principal: null, ip: null };

for (const engine of ENGINES) {
  describe(`auth on ${engine}`, () => {
    let t: TestStore;
    let now = Date.UTC(2026, 10, 24, 8, 0, 0);
    const clock: Clock = { now: () => now };
    let auth: AuthService;
    let users: UserService;
    let audit: ReturnType<typeof createAuditService>;

    before(async () => {
      t = await openTestStore(engine);
      const keyring = new SiteKeyring(mkdtempSync(path.join(os.tmpdir(), 'sv-keys-')));
      audit = createAuditService({ store: t.store, keyring, node: 'site-1', partition: 'month', clock });
      auth = new AuthService(t.store, audit, clock, { sessionTtlMs: 3_600_000 });
      users = new UserService(t.store, audit, clock);
    });
    after(() => t.cleanup());

    test('the initial admin gets a generated password that expires', async () => {
      const first = await users.ensureInitialAdmin(86_400_000);
      assert.ok(first && first.password.length >= 20);
      assert.equal(await users.ensureInitialAdmin(86_400_000), null, 'only on the very first start');
      const ok = await auth.login('admin', first.password, { ip: '127.0.0.1', userAgent: 'test' });
      assert.equal(ok.principal.username, 'admin');
      now += 86_400_001;
      await assert.rejects(auth.login('admin', first.password, { ip: '127.0.0.1', userAgent: null }), (e: Error & { code?: string }) => e.code === 'password_expired');
      await users.setPassword(SYSTEM, 'admin', 'A-new-long-password-1');
      assert.equal((await auth.login('admin', 'A-new-long-password-1', { ip: null, userAgent: null })).principal.username, 'admin');
    });

    test('wrong passwords and unknown users fail alike, and are audited as denied', async () => {
      await users.create(SYSTEM, { username: 'op1', password: 'Operator-secret-1', grants: [{ role: 'operator', organisations: ['housing'], districts: null }] });
      for (const [u, p] of [['op1', 'wrong-password-x'], ['nobody', 'whatever-pass-1']]) {
        await assert.rejects(auth.login(u!, p!, { ip: '10.0.0.9', userAgent: null }), (e: Error & { code?: string }) => e.code === 'invalid_credentials' && e.message === 'Wrong user name or password');
      }
      const page = await audit.log.query(t.store.db, { action: 'auth.login' });
      const denied = page.items.filter((i) => i.outcome === 'denied' && i.ip === '10.0.0.9');
      assert.deepEqual(denied.map((d) => d.details.reason).sort(), ['bad_password', 'unknown_user']);
    });

    test('sessions resolve to a principal with grants and expire', async () => {
      const r = await auth.login('op1', 'Operator-secret-1', { ip: null, userAgent: null });
      const p = await auth.fromSession(r.sessionToken);
      assert.deepEqual(p?.grants.map((g) => [g.role, g.organisations]), [['operator', ['housing']]]);
      assert.equal(await auth.fromSession('not-a-session'), null);
      now += 3_600_001;
      assert.equal(await auth.fromSession(r.sessionToken), null);
    });

    test('API tokens: shown once, stored hashed, revocable', async () => {
      const op = (await users.list(SYSTEM)).find((u) => u.username === 'op1')!;
      const created = await auth.createToken(SYSTEM, { name: 'script', userId: op.id });
      assert.match(created.token, /^svt_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
      const row = await t.store.db.selectFrom('api_tokens').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
      // The secret is everything after 'svt_<12 chars>_' (it may itself contain '_': base64url).
      const secret = created.token.slice('svt_'.length + 12 + 1);
      assert.equal(secret.length, 43);
      assert.ok(!row.token_hash.includes(secret), 'only a hash is stored');
      const p = await auth.fromToken(created.token);
      assert.equal(p?.username, 'op1');
      assert.equal(p?.via, 'token');
      assert.equal(await auth.fromToken(created.token.slice(0, -1) + (created.token.endsWith('A') ? 'B' : 'A')), null);
      await auth.revokeToken({ principal: p!, ip: null }, created.id);
      assert.equal(await auth.fromToken(created.token), null);
    });

    test('disabled users and expired grants lose access', async () => {
      const u = await users.create(SYSTEM, { username: 'temp', password: 'Harbour-view-7788', grants: [{ role: 'viewer', organisations: null, districts: null, expiresAt: now + 1000 }] });
      const tok = await auth.createToken(SYSTEM, { name: 't', userId: u.id });
      assert.equal((await auth.fromToken(tok.token))?.grants.length, 1);
      now += 1001;
      assert.equal((await auth.fromToken(tok.token))?.grants.length, 0, 'the grant expired');
      await users.setDisabled(SYSTEM, u.id, true);
      assert.equal(await auth.fromToken(tok.token), null);
      await assert.rejects(auth.login('temp', 'Harbour-view-7788', { ip: null, userAgent: null }), /Wrong user name or password/);
    });

    test('password policy and duplicate users', async () => {
      await assert.rejects(users.create(SYSTEM, { username: 'short', password: 'short', grants: [{ role: 'viewer', organisations: null, districts: null }] }), /at least 12/);
      await assert.rejects(users.create(SYSTEM, { username: 'op1', password: 'Another-pass-12', grants: [{ role: 'viewer', organisations: null, districts: null }] }), /already exists/);
    });

    test('the audit chain verifies after all of this', async () => {
      const r = await audit.verifyAll();
      assert.equal(r.ok, true, JSON.stringify(r.problems));
      assert.ok(r.recordsChecked >= 8);
    });
  });
}
