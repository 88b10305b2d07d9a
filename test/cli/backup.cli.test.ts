import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { openSmartView } from '../../src/app/app';
import { MemoryBus } from '../../src/bus/memory';
import { loadConfig } from '../../src/config/load';
import { silentLogger } from '../../src/core/logger';
import { runCli } from '../support/cli';
import { PG_ADMIN_URL } from '../support/engines';
import { startTestServer, type TestServer } from '../support/server';

const PASSWORD = 'Kowloon-Bay-Cam-Pass-9';

async function emptyPgDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `sv_restore_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      const a = new pg.Client({ connectionString: PG_ADMIN_URL });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

for (const engine of ['sqlite', 'postgres'] as const) {
  describe(`backup and restore (${engine})`, () => {
    let srv: TestServer;
    let dir: string;
    let cfg: string;
    let target: { url: string; drop(): Promise<void> } | undefined;
    before(async () => {
      srv = await startTestServer({ engine });
      const admin = await srv.token('admin');
      for (const id of ['cam-1', 'cam-2']) {
        const r = await fetch(`${srv.url}/api/cameras`, {
          method: 'POST',
          headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
          body: JSON.stringify({ id, name: id, owner: 'police', location: { lat: 22.3, lon: 114.2, district: 'Central', address: '' }, source: { url: 'rtsp://10.0.0.9/main', username: 'viewer', password: PASSWORD } }),
        });
        assert.equal(r.status, 201, await r.text());
      }
      await srv.createUser('inv', 'Lantau-Peak-Pass-12', [{ role: 'investigator' }]);
      dir = mkdtempSync(path.join(os.tmpdir(), 'sv-backup-'));
      cfg = path.join(dir, 'smartview.yaml');
      const store = engine === 'postgres' ? `store:\n  engine: postgres\n  postgresUrl: ${JSON.stringify(srv.running.sv.config.store.postgresUrl)}\n` : '';
      writeFileSync(cfg, `dataDir: ${JSON.stringify(srv.dataDir)}\nsite:\n  id: site-1\n${store}log:\n  level: silent\n`);
      if (engine === 'postgres') target = await emptyPgDatabase();
    });
    after(async () => {
      await srv.close();
      await target?.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    test('create while the site runs, restore into an empty site: audit chain intact, cameras and users present, RTSP passwords decrypt', async () => {
      const out = path.join(dir, 'backup');
      const made = await runCli(['backup', 'create', out, '--config', cfg, '--json']);
      assert.equal(made.code, 0, made.stderr);
      const summary = JSON.parse(made.stdout) as { files: number; database: { method: string } };
      assert.equal(summary.database.method, engine === 'sqlite' ? 'sqlite-backup' : 'pg_dump');
      const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as { files: Array<{ path: string }> };
      const paths = manifest.files.map((f) => f.path);
      for (const want of ['keys/secrets.key', 'keys/site-ed25519.pem', 'config/smartview.yaml']) assert.ok(paths.includes(want), `${want} in ${paths.join(', ')}`);
      const verified = await runCli(['backup', 'verify', out, '--json']);
      assert.equal(verified.code, 0, verified.stderr);

      const occupied = path.join(dir, 'occupied');
      mkdirSync(occupied);
      writeFileSync(path.join(occupied, 'x'), 'x');
      const refused = await runCli(['backup', 'restore', out, '--data-dir', occupied, ...(target ? ['--postgres-url', target.url] : [])]);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /is not empty/);

      const restoredDir = path.join(dir, 'restored');
      const r = await runCli(['backup', 'restore', out, '--data-dir', restoredDir, ...(target ? ['--postgres-url', target.url] : []), '--json']);
      assert.equal(r.code, 0, r.stderr);
      const res = JSON.parse(r.stdout) as { audit: { ok: boolean; recordsChecked: number }; counts: { cameras: number; users: number }; configFile: string };
      assert.equal(res.audit.ok, true);
      assert.ok(res.audit.recordsChecked > 3);
      assert.equal(res.counts.cameras, 2);
      assert.equal(res.counts.users, 2);

      // the restored site on its own: passwords decrypt with the restored secret-box key, the chain verifies again
      const config = loadConfig({ file: res.configFile });
      assert.equal(config.dataDir, restoredDir);
      const sv = await openSmartView(config, silentLogger(), { busOverride: new MemoryBus() });
      try {
        const creds = await sv.store.db.selectFrom('camera_credentials').selectAll().orderBy('camera_id').execute();
        assert.deepEqual(creds.map((c) => [c.camera_id, c.username, sv.secrets.open(c.secret)]), [['cam-1', 'viewer', PASSWORD], ['cam-2', 'viewer', PASSWORD]]);
        assert.equal((await sv.audit.verifyAll()).ok, true);
        const actions = (await sv.store.db.selectFrom('audit_records').select('action').execute()).map((a) => a.action);
        assert.ok(actions.includes('backup.create') && actions.includes('backup.restore'));
        assert.ok((await sv.store.db.selectFrom('users').select('username').execute()).some((u) => u.username === 'inv'));
      } finally {
        await sv.close();
      }
    });

    test('a changed file or manifest is detected, and nothing is restored', async () => {
      const out = path.join(dir, 'backup-2');
      assert.equal((await runCli(['backup', 'create', out, '--config', cfg])).code, 0);
      appendFileSync(path.join(out, 'config', 'smartview.yaml'), '# tampered\n');
      const v = await runCli(['backup', 'verify', out]);
      assert.equal(v.code, 1);
      assert.match(v.stderr, /config\/smartview.yaml: (SHA-256 differs|\d+ bytes)/);
      const into = path.join(dir, 'restored-2');
      const r = await runCli(['backup', 'restore', out, '--data-dir', into, ...(target ? ['--postgres-url', target.url] : [])]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /does not verify; nothing was restored/);
      const m = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as { createdAt: number };
      m.createdAt += 1;
      writeFileSync(path.join(out, 'manifest.json'), JSON.stringify(m));
      const v2 = await runCli(['backup', 'verify', out]);
      assert.match(v2.stderr, /manifest signature does not verify/);
    });
  });
}
