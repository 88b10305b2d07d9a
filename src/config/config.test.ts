import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ConfigError, envOverrides, loadConfig, parseConfig } from './load';

test('defaults: embedded engines, Hong Kong map, 7-year audit retention', () => {
  const c = parseConfig({});
  assert.equal(c.store.engine, 'sqlite');
  assert.equal(c.bus.engine, 'memory');
  assert.deepEqual(c.map.center, [22.3193, 114.1694]);
  assert.ok(c.audit.retentionDays >= 7 * 365);
  assert.deepEqual(c.roles, ['api', 'recorder', 'analytics', 'scheduler']);
});

test('unknown keys are rejected and named with their path', () => {
  assert.throws(() => parseConfig({ sever: {}, server: { prot: 1 } }), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.ok(err.problems.some((p) => p.startsWith('sever: unknown key')), err.message);
    assert.ok(err.problems.some((p) => p.startsWith('server.prot: unknown key')), err.message);
    return true;
  });
});

test('wrong types name the key and what is expected', () => {
  assert.throws(() => parseConfig({ server: { port: 'eighty' } }), /server\.port: .*expected number/);
  assert.throws(() => parseConfig({ server: { port: 70000 } }), /server\.port/);
  assert.throws(() => parseConfig({ store: { engine: 'postgres' } }), /store\.postgresUrl: required when store\.engine is postgres/);
  assert.throws(() => parseConfig({ store: { engine: 'mysql' } }), /store\.engine/);
});

test('SMARTVIEW_* environment overrides nest with __ and parse JSON-looking values', () => {
  assert.deepEqual(envOverrides({ SMARTVIEW_SERVER__PORT: '9000', SMARTVIEW_STORE__POSTGRES_URL: 'postgres://h/db', SMARTVIEW_TOKEN: 'x', OTHER: '1' }), {
    server: { port: 9000 },
    store: { postgresUrl: 'postgres://h/db' },
  });
  const c = loadConfig({ env: { SMARTVIEW_BUS__ENGINE: 'nats', SMARTVIEW_BUS__NATS_SERVERS: '["nats://a:4222"]' } });
  assert.equal(c.bus.engine, 'nats');
  assert.deepEqual(c.bus.natsServers, ['nats://a:4222']);
});

test('YAML file: values, env on top, relative dataDir resolved beside the file, clear errors', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sv-cfg-'));
  const file = path.join(dir, 'smartview.yaml');
  writeFileSync(file, 'dataDir: ./data\nserver:\n  port: 8123\n');
  const c = loadConfig({ file, env: { SMARTVIEW_SERVER__HOST: '0.0.0.0' } });
  assert.equal(c.server.port, 8123);
  assert.equal(c.server.host, '0.0.0.0');
  assert.equal(c.dataDir, path.join(dir, 'data'));
  writeFileSync(file, 'server: [1, 2\n');
  assert.throws(() => loadConfig({ file, env: {} }), /not valid YAML/);
  writeFileSync(file, '- a\n- b\n');
  assert.throws(() => loadConfig({ file, env: {} }), /expected a mapping/);
  assert.throws(() => loadConfig({ file: path.join(dir, 'missing.yaml'), env: {} }), /Cannot read config file .*ENOENT/);
});
