import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { seedFootage, T0 } from '../../src/evidence/evidence.fixtures';
import { startTestServer, type TestServer } from '../support/server';
import { runCli } from '../support/cli';


const run = (args: string[]) => runCli(args);

let srv: TestServer;
let dir: string;
let cfg: string;
let token: string;
let tar: string;

before(async () => {
  srv = await startTestServer();
  dir = mkdtempSync(path.join(os.tmpdir(), 'sv-evidence-cli-'));
  cfg = path.join(dir, 'site.yaml');
  writeFileSync(cfg, `dataDir: ${JSON.stringify(srv.dataDir)}\nlog:\n  level: silent\n`);
  const sys = { principal: null, ip: null };
  await srv.running.sv.cameras.create(sys, { id: 'cam-7', name: 'Nathan Road', owner: 'police', location: { lat: 22.31, lon: 114.17, district: 'Yau Tsim Mong', address: '' }, source: { url: 'rtsp://10.0.0.7/main', transport: 'auto' }, tags: [] });
  await seedFootage(srv.running.sv.store.db, path.join(srv.dataDir, 'recordings'), 'cam-7', T0, { count: 2 });
  await srv.createUser('det', 'Mongkok-Harbour-Pass-88', [{ role: 'investigator' }]);
  token = await srv.token('det');
  // A real, open case naming det (the access policy's 'exports' row checks the reference against the cases).
  await srv.running.sv.forensic.cases.create(sys, { ref: 'HK-CLI-1', purpose: 'CLI test', authorisedUsers: ['det'], expiresAt: Date.now() + 86_400_000 });
});
after(async () => {
  await srv.close();
  rmSync(dir, { recursive: true, force: true });
});

test('export create exports through the API, shows progress on stderr and downloads the tar', async () => {
  tar = path.join(dir, 'case.tar');
  const r = await run(['export', 'create', '--camera', 'cam-7', '--from', '2026-03-02T09:00:02+08:00', '--to', '2026-03-02T01:00:15Z', '--case', 'HK-CLI-1', '--purpose', 'CLI test', '--out', tar, '--url', srv.url, '--token', token]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), tar);
  assert.match(r.stderr, /export ex-\S+ started/);
  assert.match(r.stderr, /export ex-\S+: 100\/100 \(100%\)/);
  const bad = await run(['export', 'create', '--camera', 'cam-7', '--from', '2026-03-02T09:00', '--to', '2026-03-02T09:01Z', '--case', 'X', '--purpose', 'p', '--url', srv.url, '--token', token]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /--from: expected an ISO 8601 time with its zone/);
  const noCase = await run(['export', 'create', '--camera', 'cam-7', '--from', '2026-03-02T09:00Z', '--to', '2026-03-02T09:01Z', '--purpose', 'p']);
  assert.equal(noCase.code, 2, 'commander refuses a missing --case');
});

test('export verify: OK with the site keys or --pubkey; tampering, unknown keys and missing trust exit 1 saying what failed', async () => {
  const site = await run(['export', 'verify', tar, '--config', cfg]);
  assert.equal(site.code, 0, site.stdout + site.stderr);
  assert.match(site.stdout, /VERIFIED: the signature is valid and every file matches the signed manifest/);
  assert.match(site.stdout, /trusted via this site's keys/);

  const keys = await run(['keys', 'show', '--config', cfg, '--json']);
  assert.equal(keys.code, 0, keys.stderr);
  const pem = path.join(dir, 'site.pem');
  writeFileSync(pem, JSON.parse(keys.stdout.trim().split('\n')[0]!).publicKeyPem);
  const json = await run(['export', 'verify', tar, '--pubkey', pem, '--json']);
  assert.equal(json.code, 0, json.stdout);
  assert.equal(JSON.parse(json.stdout).ok, true);

  const other = path.join(dir, 'other.pem');
  writeFileSync(other, generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }));
  const unknown = await run(['export', 'verify', tar, '--pubkey', other]);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stdout, /\[key\] manifest.sig: unknown key: the manifest is signed with key [0-9a-f]{16}/);

  const x = path.join(dir, 'x');
  mkdirSync(x);
  execFileSync('tar', ['-xf', tar, '-C', x]);
  const bundle = path.join(x, execFileSync('tar', ['-tf', tar], { encoding: 'utf8' }).split('/')[0]!);
  const clip = path.join(bundle, 'cameras/cam-7/original.mp4');
  const buf = readFileSync(clip);
  buf[1000]! ^= 0x10;
  writeFileSync(clip, buf);
  const tampered = await run(['export', 'verify', bundle, '--pubkey', pem]);
  assert.equal(tampered.code, 1);
  assert.match(tampered.stdout, /FAILED: 1 problem\(s\)\n {2}\[file\] cameras\/cam-7\/original.mp4: SHA-256 differs/);

  const nowhere = path.join(dir, 'nowhere.yaml');
  writeFileSync(nowhere, `dataDir: ${JSON.stringify(path.join(dir, 'no-site'))}\n`);
  const untrusted = await run(['export', 'verify', tar, '--config', nowhere]);
  assert.equal(untrusted.code, 1);
  assert.match(untrusted.stdout, /not a trusted key \(no keys in /);
});

test('keys rotate keeps the old public key: the old bundle still verifies with the site keys', async () => {
  const before = JSON.parse((await run(['keys', 'show', '--config', cfg, '--json'])).stdout.trim().split('\n')[0]!);
  const r = await run(['keys', 'rotate', '--config', cfg, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const fresh = JSON.parse(r.stdout);
  assert.equal(fresh.previousKeyId, before.keyId);
  assert.notEqual(fresh.keyId, before.keyId);
  const list = (await run(['keys', 'show', '--config', cfg, '--json'])).stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(list.map((k: { keyId: string; current: boolean }) => [k.keyId, k.current]).sort(), [[before.keyId, false], [fresh.keyId, true]].sort());
  const v = await run(['export', 'verify', tar, '--config', cfg]);
  assert.equal(v.code, 0, v.stdout);
  const audit = await srv.running.sv.audit.log.query(srv.running.sv.store.db, { action: 'keys.rotate' });
  assert.equal(audit.items[0]?.targetId, fresh.keyId);
});
