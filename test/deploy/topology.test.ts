import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ClusterRepository } from '../../src/cluster/cluster.repository';
import { Store } from '../../src/store/store';
import { BIN } from '../support/cli';
import { openTestStore, type TestStore } from '../support/engines';
import { freePort } from '../support/idp';
import { privateNatsUnavailable, startPrivateNats, type PrivateNats } from '../support/private-nats';
import { ADMIN_PASSWORD } from '../support/server';

/**
 * The documented deployment (docs/deploy/systemd) as processes, since Docker cannot run here: the unit's
 * ExecStart (`serve --config smartview.yaml --roles $SV_ROLES`) with common.env + <role>.env, pointed
 * at a private PostgreSQL database and a private NATS; an api node and a recorder node join one cluster, and stop
 * cleanly on SIGTERM as systemd stops them.
 */
const DEPLOY = path.resolve(import.meta.dirname, '../../docs/deploy/systemd');
const skip = privateNatsUnavailable();

function envFile(name: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(path.join(DEPLOY, name), 'utf8').split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

let pg: TestStore;
let nats: PrivateNats;
const dirs: string[] = [];
const procs: ChildProcess[] = [];

async function startNode(role: 'api' | 'recorder', nodeId: string): Promise<{ child: ChildProcess; url: string }> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `sv-topo-${role}-`));
  dirs.push(dataDir);
  const env: Record<string, string> = {
    ...envFile('common.env'), ...envFile(`${role}.env`),
    // what differs from a real host: private services, loopback, temp dirs
    SMARTVIEW_STORE__POSTGRES_URL: pg.url!, SMARTVIEW_BUS__NATS_SERVERS: JSON.stringify([nats.url]), SMARTVIEW_CLUSTER__KEY: 'topology-test-cluster-key-0123456789',
    SMARTVIEW_SERVER__HOST: '127.0.0.1', SMARTVIEW_SERVER__PORT: String(await freePort()), SMARTVIEW_DATA_DIR: dataDir, SMARTVIEW_CLUSTER__NODE_ID: nodeId,
    SMARTVIEW_RECORDING__STORAGES: JSON.stringify([{ id: 'fast', path: path.join(dataDir, 'recordings') }, { id: 'nas', path: path.join(dataDir, 'nas') }]),
    SMARTVIEW_LOG__LEVEL: 'warn', SMARTVIEW_ADMIN_PASSWORD: ADMIN_PASSWORD, SMARTVIEW_HEALTH__ENABLED: 'false',
  };
  const child = spawn(process.execPath, [BIN, 'serve', '--config', path.join(DEPLOY, 'smartview.yaml'), '--roles', env.SV_ROLES!], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  procs.push(child);
  let err = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${role} node did not start in 60 s:\n${err}`)), 60_000);
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /SmartView is running at (\S+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`${role} node exited with ${code}:\n${err}`)));
  });
  return { child, url };
}

function exitCode(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((r) => child.once('exit', (code) => r(code)));
}

before(async () => {
  if (skip) return;
  pg = await openTestStore('postgres');
  await pg.store.close();
  nats = await startPrivateNats();
});
after(async () => {
  for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  await nats?.destroy();
  await pg?.cleanup();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test('the systemd topology as processes: api + recorder nodes join one cluster and stop cleanly on SIGTERM', { skip: skip ?? false }, async () => {
  const api = await startNode('api', 'api-1');
  const rec = await startNode('recorder', 'recorder-1');
  assert.equal((await fetch(`${api.url}/healthz`)).status, 200);
  assert.equal((await fetch(`${rec.url}/healthz`)).status, 200);
  const store = await Store.open({ engine: 'postgres', postgresUrl: pg.url, poolSize: 1 });
  try {
    const repo = new ClusterRepository(store.db, 'postgres');
    let nodes = await repo.nodes();
    for (let i = 0; i < 100 && (nodes.length < 2 || nodes.some((n) => !n.apiUrl)); i++) {
      await new Promise((r) => setTimeout(r, 100));
      nodes = await repo.nodes();
    }
    assert.deepEqual(nodes.map((n) => [n.nodeId, n.roles.sort(), n.status, n.apiUrl]), [
      ['api-1', ['api', 'scheduler'], 'up', api.url],
      ['recorder-1', ['api', 'recorder'], 'up', rec.url],
    ]);
    api.child.kill('SIGTERM');
    rec.child.kill('SIGTERM');
    assert.equal(await exitCode(api.child), 0);
    assert.equal(await exitCode(rec.child), 0);
    assert.deepEqual((await repo.nodes()).map((n) => n.status), ['left', 'left'], 'a clean stop leaves the cluster at once');
  } finally {
    await store.close();
  }
});
