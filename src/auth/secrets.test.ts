import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseConfig } from '../config/load';
import { redactConfigSecrets } from '../config/security.schema';
import { createLogger } from '../core/logger';

describe('secrets stay out of logs and printed config', () => {
  const config = parseConfig({
    security: {
      oidc: { issuer: 'https://sso.example', clientId: 'sv', clientSecret: 'oidc-client-secret-123', redirectUrl: 'https://sv.example/api/auth/oidc/callback' },
      ldap: { url: 'ldaps://dir.example', bindDn: 'cn=sv,dc=example', bindPassword: 'ldap-bind-password-456', userBaseDn: 'dc=example' },
    },
    analytics: { delivery: { mqtt: { url: 'mqtt://bus:mqtt-password-789@broker.example:1883' } } },
  } as never);

  it('the printed effective config hides every secret and password', () => {
    const text = JSON.stringify(redactConfigSecrets(config));
    for (const s of ['oidc-client-secret-123', 'ldap-bind-password-456', 'mqtt-password-789']) assert.ok(!text.includes(s), s);
    assert.match(text, /"clientSecret":"\*\*\*"/);
    assert.match(text, /mqtt:\/\/\*\*\*@broker/);
  });

  it('the logger redacts single sign-on secrets', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sv-log-'));
    const file = path.join(dir, 'log.jsonl');
    const log = createLogger({ destination: file });
    log.info({ oidc: config.security.oidc, ldap: config.security.ldap, security: config.security }, 'config');
    await new Promise((r) => setTimeout(r, 300));
    log.flush();
    await new Promise((r) => setTimeout(r, 200));
    const text = readFileSync(file, 'utf8');
    assert.ok(text.includes('sso.example'), 'the line was written');
    assert.ok(!text.includes('oidc-client-secret-123') && !text.includes('ldap-bind-password-456'));
    rmSync(dir, { recursive: true, force: true });
  });
});
