import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import SQLite from 'better-sqlite3';
import { startTestServer, type TestServer } from '../support/server';
import { runCli, type CliOptions } from '../support/cli';


const run = (args: string[], opts: CliOptions = {}) => runCli(args, opts);

let dir: string;
let cfg: string;
let srv: TestServer;
before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'sv-cli-'));
  cfg = path.join(dir, 'smartview.yaml');
  writeFileSync(cfg, 'dataDir: ./data\nlog:\n  level: silent\n');
  srv = await startTestServer();
});
after(() => srv.close());

test('--help lists every command', async () => {
  const r = await run(['--help']);
  assert.equal(r.code, 0);
  for (const c of ['serve', 'config', 'cameras', 'orgs', 'users', 'tokens', 'audit', 'keys']) assert.match(r.stdout, new RegExp(`\\b${c}\\b`));
  const sub = await run(['cameras', 'import', '--help']);
  assert.match(sub.stdout, /--format/);
});

test('config validate names the bad key and exits non-zero', async () => {
  const bad = path.join(dir, 'bad.yaml');
  writeFileSync(bad, 'server:\n  port: "x"\n  hots: 1\n');
  const r = await run(['config', 'validate', '--config', bad]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /server\.port: .*expected number/);
  assert.match(r.stderr, /server\.hots: unknown key/);
  assert.equal(r.stdout, '', 'errors go to stderr only');
  const ok = await run(['config', 'validate', '--config', cfg, '--json']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(JSON.parse(ok.stdout).valid, true);
});

test('wrong usage exits 2', async () => {
  assert.equal((await run(['cameras', 'frobnicate'])).code, 2);
  assert.equal((await run(['users', 'add'])).code, 2);
});

test('users add, tokens create and audit verify act on the local store and say so', async () => {
  const add = await run(['users', 'add', 'alice', '--role', 'investigator', '--orgs', 'police', '--config', cfg, '--json']);
  assert.equal(add.code, 0, add.stderr);
  const user = JSON.parse(add.stdout);
  assert.equal(user.username, 'alice');
  assert.ok(user.password.length >= 20, 'a generated password is printed once');
  assert.match(add.stderr, /acting on the local sqlite store/);
  const tok = await run(['tokens', 'create', '--user', 'alice', '--config', cfg, '--json']);
  assert.equal(tok.code, 0, tok.stderr);
  assert.match(JSON.parse(tok.stdout).token, /^svt_/);
  const badRole = await run(['users', 'add', 'bob', '--role', 'wizard', '--config', cfg]);
  assert.equal(badRole.code, 1);
  assert.match(badRole.stderr, /--role: expected one of/);
  const v = await run(['audit', 'verify', '--config', cfg, '--json']);
  assert.equal(v.code, 0, v.stderr);
  const res = JSON.parse(v.stdout);
  assert.equal(res.ok, true);
  assert.ok(res.recordsChecked >= 2);
});

test('audit verify exits 1 and says where when a record was edited', async () => {
  const db = new SQLite(path.join(dir, 'data', 'smartview.db'));
  db.prepare("update audit_records set actor_name = 'mallory' where chain_seq = 1").run();
  db.close();
  const v = await run(['audit', 'verify', '--config', cfg]);
  assert.equal(v.code, 1);
  assert.match(v.stdout, /FAILED/);
  assert.match(v.stderr, /modified/);
});

test('cameras import/list/export go through the API with a token; rejected rows are listed', async () => {
  const token = await srv.token('admin');
  const env = { SMARTVIEW_URL: srv.url, SMARTVIEW_TOKEN: token };
  const csv = path.join(dir, 'cams.csv');
  writeFileSync(csv, 'id,name,lat,lon,district,owner,rtsp_url\nc-1,One,22.3,114.17,Yau Tsim Mong,police,rtsp://u:hunter2@10.0.0.1/s\nc-2,Two,22.31,114.18,Yau Tsim Mong,police,rtsp://10.0.0.2/s\n');
  const imp = await run(['cameras', 'import', csv, '--json'], { env });
  assert.equal(imp.code, 0, imp.stderr);
  assert.deepEqual(JSON.parse(imp.stdout), { source: csv, imported: 2 });
  const list = await run(['cameras', 'list', '--json'], { env });
  const lines = list.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((c) => c.id), ['c-1', 'c-2']);
  assert.ok(!list.stdout.includes('hunter2'));
  const exp = await run(['cameras', 'export', '--format', 'geojson'], { env });
  assert.equal(JSON.parse(exp.stdout).features.length, 2);
  const bad = path.join(dir, 'bad.csv');
  writeFileSync(bad, 'id,name,lat,lon,district,owner,rtsp_url\nc-3,Three,222,114.17,X,police,rtsp://10.0.0.3/s\n');
  const rej = await run(['cameras', 'import', bad], { env });
  assert.equal(rej.code, 1);
  assert.match(rej.stderr, /row 2 \(c-3\): lat/);
  const noToken = await run(['cameras', 'list'], { env: { SMARTVIEW_URL: srv.url, SMARTVIEW_TOKEN: '' } });
  assert.equal(noToken.code, 1);
  assert.match(noToken.stderr, /API token/);
  const down = await run(['cameras', 'list'], { env: { SMARTVIEW_URL: 'http://127.0.0.1:1', SMARTVIEW_TOKEN: token } });
  assert.equal(down.code, 1);
  assert.match(down.stderr, /Cannot reach the SmartView server/);
});
