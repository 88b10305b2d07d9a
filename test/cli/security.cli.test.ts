import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import SQLite from 'better-sqlite3';
import { runCli } from '../support/cli';


const run = (args: string[], input = '') => runCli(args, { input });

let dir: string;
let cfg: string;
before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'sv-cli-sec-'));
  cfg = path.join(dir, 'smartview.yaml');
  writeFileSync(cfg, `dataDir: ${path.join(dir, 'data')}\nlog:\n  level: silent\nsecurity:\n  ldap:\n    url: ldaps://dir.example\n    bindDn: cn=sv,dc=example\n    bindPassword: ldap-bind-password-456\n    userBaseDn: dc=example\n`);
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('users unlock, users totp-reset and scoped tokens from the CLI; config validate hides the bind password', async () => {
  assert.equal((await run(['users', 'add', 'kwan', '--role', 'operator', '--password-stdin', '-c', cfg], 'Cheung-Chau-Ferry-31')).code, 0);
  const db = new SQLite(path.join(dir, 'data', 'smartview.db'));
  db.prepare("update users set failed_logins = 7, locked_until = ? where username = 'kwan'").run(Date.now() + 3_600_000);
  const unlock = await run(['users', 'unlock', 'kwan', '-c', cfg]);
  assert.equal(unlock.code, 0, unlock.stderr);
  assert.deepEqual(db.prepare("select failed_logins, locked_until from users where username = 'kwan'").get(), { failed_logins: 0, locked_until: null });
  assert.equal((await run(['users', 'totp-reset', 'kwan', '-c', cfg])).code, 0);
  const tok = await run(['tokens', 'create', '--user', 'kwan', '--permissions', 'camera.read,site.read', '--districts', 'Sha Tin', '--json', '-c', cfg]);
  assert.equal(tok.code, 0, tok.stderr);
  const row = db.prepare('select permissions, districts from api_tokens').get() as { permissions: string; districts: string };
  assert.deepEqual([JSON.parse(row.permissions), JSON.parse(row.districts)], [['camera.read', 'site.read'], ['Sha Tin']]);
  const wider = await run(['tokens', 'create', '--user', 'kwan', '--permissions', 'user.write', '-c', cfg]);
  assert.notEqual(wider.code, 0);
  assert.match(wider.stderr, /does not hold: user\.write/);
  const actions = db.prepare("select action from audit_records where action in ('auth.unlock', 'auth.totp_reset', 'token.create') order by seq").all() as Array<{ action: string }>;
  assert.deepEqual(actions.map((a) => a.action), ['auth.unlock', 'auth.totp_reset', 'token.create']);
  db.close();
  const shown = await run(['config', 'validate', '-c', cfg]);
  assert.equal(shown.code, 0);
  assert.ok(!shown.stdout.includes('ldap-bind-password-456'));
  assert.match(shown.stdout, /"bindPassword": "\*\*\*"/);
});
