import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createAuditService } from '../app/audit-service';
import type { Clock } from '../core/time';
import { SecretBox } from '../keys/secret-box';
import { SiteKeyring } from '../keys/site-keys';
import { ENGINES, openTestStore, type TestStore } from '../../test/support/engines';
import { AuthService } from './auth.service';
import { can, scopesFor } from './permissions';
import { base32Decode, totp } from './totp';
import { TotpService } from './totp.service';
import { UserService } from './user.service';

const SYSTEM = { principal: null, ip: null };
const META = { ip: '10.0.0.7', userAgent: 'test' };
const code = (e: unknown) => (e as { code?: string }).code;

for (const engine of ENGINES) {
  describe(`auth hardening on ${engine}`, () => {
    let t: TestStore;
    let now = Date.UTC(2026, 10, 24, 8, 0, 0);
    const clock: Clock = { now: () => now };
    let auth: AuthService;
    let totpSvc: TotpService;
    let users: UserService;
    let audit: ReturnType<typeof createAuditService>;
    const secrets = SecretBox.ephemeral();

    before(async () => {
      t = await openTestStore(engine);
      const keyring = new SiteKeyring(mkdtempSync(path.join(os.tmpdir(), 'sv-keys-')));
      audit = createAuditService({ store: t.store, keyring, node: 'site-1', partition: 'month', clock });
      totpSvc = new TotpService(t.store, audit, clock, secrets, { issuer: 'SmartView', recoveryCodes: 4 });
      auth = new AuthService(t.store, audit, clock, {
        sessionTtlMs: 8 * 3_600_000, idleTimeoutMs: 15 * 60_000, lockout: { maxFailures: 3, baseLockMs: 60_000, maxLockMs: 600_000 },
        totpRequiredRoles: ['supervisor'], totp: totpSvc,
      });
      users = new UserService(t.store, audit, clock);
      await users.create(SYSTEM, { username: 'op', password: 'Harbour-lights-77', grants: [{ role: 'operator', organisations: null, districts: null }] });
      await users.create(SYSTEM, { username: 'sup', password: 'Kowloon-bay-88x', grants: [{ role: 'supervisor', organisations: ['hk-police'], districts: null }] });
    });
    after(() => t.cleanup());

    test('a session ends after the idle timeout, and at its absolute end even when used', async () => {
      const s = await auth.login('op', 'Harbour-lights-77', META);
      now += 14 * 60_000;
      assert.ok(await auth.fromSession(s.sessionToken), 'used within the idle timeout');
      now += 14 * 60_000;
      assert.ok(await auth.fromSession(s.sessionToken), 'the previous use counted');
      now += 15 * 60_000;
      assert.equal(await auth.fromSession(s.sessionToken), null, 'idle for 15 minutes');
      const s2 = await auth.login('op', 'Harbour-lights-77', META);
      for (let i = 0; i < 40; i++) {
        now += 12 * 60_000;
        if (i < 39) assert.ok(await auth.fromSession(s2.sessionToken), `use ${i}`);
      }
      assert.equal(await auth.fromSession(s2.sessionToken), null, 'past the 8-hour absolute lifetime');
    });

    test('a password change ends the user\'s other sessions; a reset or disabling ends all', async () => {
      const a = await auth.login('op', 'Harbour-lights-77', META);
      const b = await auth.login('op', 'Harbour-lights-77', META);
      await auth.changePassword({ principal: a.principal, ip: null }, 'Harbour-lights-77', 'Harbour-lights-78', a.sessionToken);
      assert.ok(await auth.fromSession(a.sessionToken), 'the session that changed it stays');
      assert.equal(await auth.fromSession(b.sessionToken), null);
      await users.setPassword(SYSTEM, 'op', 'Harbour-lights-77');
      assert.equal(await auth.fromSession(a.sessionToken), null, 'an administrator\'s reset ends every session');
    });

    test('lockout: locked after 3 failures, doubled on the next, right password refused while locked, freed by time or an administrator', async () => {
      for (let i = 0; i < 3; i++) await assert.rejects(auth.login('op', 'wrong-password', META), (e) => code(e) === 'invalid_credentials');
      await assert.rejects(auth.login('op', 'Harbour-lights-77', META), (e) => code(e) === 'account_locked');
      now += 60_001;
      await assert.rejects(auth.login('op', 'wrong-password', META), (e) => code(e) === 'invalid_credentials');
      await assert.rejects(auth.login('op', 'Harbour-lights-77', META), (e) => code(e) === 'account_locked');
      now += 119_000;
      await assert.rejects(auth.login('op', 'Harbour-lights-77', META), (e) => code(e) === 'account_locked', 'the second lock is 2 minutes');
      now += 1_001;
      assert.ok(await auth.login('op', 'Harbour-lights-77', META), 'free after the lock; the counter resets');
      for (let i = 0; i < 3; i++) await assert.rejects(auth.login('op', 'wrong-password', META));
      const op = (await users.list(SYSTEM)).find((u) => u.username === 'op')!;
      await auth.unlock(SYSTEM, op.id);
      assert.ok(await auth.login('op', 'Harbour-lights-77', META), 'unlocked by an administrator');
      const locks = await audit.log.query(t.store.db, { action: 'auth.lockout' });
      assert.ok(locks.items.length >= 3);
      assert.equal((await audit.log.query(t.store.db, { action: 'auth.unlock' })).items.length, 1);
    });

    test('an unknown user name locks exactly like a real one (the answer does not reveal which names exist)', async () => {
      const codes: string[] = [];
      for (const name of ['no-such-user', 'op']) {
        for (let i = 0; i < 4; i++) codes.push(await auth.login(name, 'wrong-password', META).then(() => 'ok', (e: unknown) => code(e)!));
      }
      assert.deepEqual(codes.slice(0, 4), codes.slice(4));
      assert.deepEqual(codes.slice(0, 4), ['invalid_credentials', 'invalid_credentials', 'invalid_credentials', 'account_locked']);
      now += 60_001;
      const op = (await users.list(SYSTEM)).find((u) => u.username === 'op')!;
      await auth.unlock(SYSTEM, op.id);
    });

    test('TOTP: required role is limited to its account until enrolled; then sign-in needs a code; recovery codes work once', async () => {
      const first = await auth.login('sup', 'Kowloon-bay-88x', META);
      assert.deepEqual(first.principal.permissionLimit, ['site.read']);
      assert.ok(!can(first.principal, 'search.run'));
      const ctx = { principal: first.principal, ip: null };
      const { secret, uri } = await totpSvc.begin(ctx);
      assert.match(uri, /^otpauth:\/\/totp\/SmartView:sup\?secret=/);
      const key = base32Decode(secret);
      await assert.rejects(totpSvc.confirm(ctx, '000000'), (e) => code(e) === 'validation_failed');
      const { recoveryCodes } = await totpSvc.confirm(ctx, totp(key, now));
      assert.equal(recoveryCodes.length, 4);
      await assert.rejects(auth.login('sup', 'Kowloon-bay-88x', META), (e) => code(e) === 'totp_required');
      await assert.rejects(auth.login('sup', 'Kowloon-bay-88x', { ...META, code: totp(key, now) }), (e) => code(e) === 'totp_invalid', 'the step used to confirm is spent');
      now += 30_000;
      const ok = await auth.login('sup', 'Kowloon-bay-88x', { ...META, code: totp(key, now) });
      assert.equal(ok.principal.permissionLimit, undefined, 'enrolled: full permissions');
      assert.ok(can(ok.principal, 'search.run'));
      await assert.rejects(auth.login('sup', 'Kowloon-bay-88x', { ...META, code: totp(key, now) }), (e) => code(e) === 'totp_invalid', 'no replay');
      assert.ok(await auth.login('sup', 'Kowloon-bay-88x', { ...META, code: recoveryCodes[0]! }));
      await assert.rejects(auth.login('sup', 'Kowloon-bay-88x', { ...META, code: recoveryCodes[0]! }), (e) => code(e) === 'totp_invalid');
      const sealed = await t.store.db.selectFrom('user_totp').select('secret_sealed').executeTakeFirstOrThrow();
      assert.ok(sealed.secret_sealed.startsWith('v1:') && !sealed.secret_sealed.includes(secret), 'the secret is sealed at rest');
      const actions = (await audit.log.query(t.store.db, { action: 'auth.totp' })).items.map((r) => r.action);
      assert.deepEqual(actions.sort(), ['auth.totp_enabled', 'auth.totp_enrol']);
    });

    test('scoped tokens: a subset of the owner\'s permissions, intersected scopes, never beyond the owner\'s current grants', async () => {
      const sup = (await users.list(SYSTEM)).find((u) => u.username === 'sup')!;
      const tok = await auth.createToken(SYSTEM, { name: 'reader', userId: sup.id, permissions: ['camera.read', 'search.run'], organisations: ['hk-police', 'mtr'], districts: ['Sha Tin'] });
      const p = (await auth.fromToken(tok.token))!;
      assert.ok(can(p, 'camera.read') && can(p, 'search.run'));
      assert.ok(!can(p, 'playback.view'), 'outside the token\'s set');
      assert.deepEqual(scopesFor(p, 'camera.read'), [{ organisations: ['hk-police'], districts: ['Sha Tin'] }]);
      await assert.rejects(auth.createToken(SYSTEM, { name: 'x', userId: sup.id, permissions: ['user.write'] }), (e) => code(e) === 'validation_failed');
      await users.setGrants(SYSTEM, sup.id, [{ role: 'viewer', organisations: null, districts: null }]);
      const after = (await auth.fromToken(tok.token))!;
      assert.ok(can(after, 'camera.read'));
      assert.ok(!can(after, 'search.run'), 'the owner lost search.run, so did the token');
      await assert.rejects(auth.createToken({ principal: after, ip: null }, { name: 'y', permissions: ['camera.read'] }), (e) => code(e) === 'forbidden', 'no token.manage in the token');
      const minter = (await auth.fromToken((await auth.createToken(SYSTEM, { name: 'minter', userId: sup.id, permissions: ['token.manage', 'camera.read'] })).token))!;
      await assert.rejects(auth.createToken({ principal: minter, ip: null }, { name: 'y', permissions: ['camera.read', 'live.view'] }), (e) => code(e) === 'validation_failed', 'a token cannot mint a wider token');
      await assert.rejects(auth.createToken({ principal: minter, ip: null }, { name: 'z' }), (e) => code(e) === 'validation_failed', 'nor an unlimited one');
      assert.ok(await auth.createToken({ principal: minter, ip: null }, { name: 'w', permissions: ['camera.read'] }));
    });
  });
}
