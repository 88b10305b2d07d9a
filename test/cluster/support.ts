import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openSmartView } from '../../src/app/app';
import { cameraInputSchema } from '../../src/cameras/camera.model';
import { parseConfig } from '../../src/config/load';
import { silentLogger } from '../../src/core/logger';

const BIN = path.resolve(import.meta.dirname, '../../bin/smartview.mjs');

export interface ClusterEnv {
  root: string;
  pgUrl: string;
  nats: { stream: string; subjectPrefix: string; servers: string[] };
  key: string;
}

export interface NodeProc {
  id: string;
  child: ChildProcess;
  logFile: string;
  exited: Promise<number | null>;
  /** SIGKILL of the node and every process it started (ffmpeg): a machine losing power. */
  kill(): void;
  /** SIGTERM, then wait for the exit. */
  stop(): Promise<number | null>;
  log(): string;
}

export function clusterKey(): string {
  return `cluster-test-${randomBytes(12).toString('hex')}`;
}

/** Cameras playing a looped file in real time, created in the cluster's database (owner police). */
export async function createCameras(env: ClusterEnv, clip: string, ids: string[]): Promise<void> {
  const dataDir = path.join(env.root, 'setup');
  const sv = await openSmartView(parseConfig({ dataDir, store: { engine: 'postgres', postgresUrl: env.pgUrl }, log: { level: 'silent' } }), silentLogger());
  try {
    await sv.orgs.ensureDefault();
    for (const [i, id] of ids.entries()) {
      await sv.cameras.create({ principal: null, ip: null }, cameraInputSchema.parse({ id, name: `Cluster ${id}`, owner: 'police', location: { lat: 22.38 + i * 0.001, lon: 114.19, district: 'Sha Tin' }, source: { url: `file://${clip}` } }));
    }
  } finally {
    await sv.close();
  }
}

/** `smartview serve --roles <roles>` as its own process (own data dir, no HTTP unless api), in cluster mode. */
export function startNode(env: ClusterEnv, id: string, o: { roles?: string; key?: string; ttl?: { heartbeatMs: number; leaseTtlMs: number; fenceMarginMs: number }; config?: Record<string, Record<string, unknown>> } = {}): NodeProc {
  const dataDir = path.join(env.root, id);
  mkdirSync(dataDir, { recursive: true });
  const t = o.ttl ?? { heartbeatMs: 500, leaseTtlMs: 4000, fenceMarginMs: 1500 };
  const config = {
    dataDir,
    site: { id: 'svc' },
    server: { host: '127.0.0.1', port: 0 },
    store: { engine: 'postgres', postgresUrl: env.pgUrl, poolSize: 3 },
    bus: { engine: 'nats', natsServers: env.nats.servers, stream: env.nats.stream, subjectPrefix: env.nats.subjectPrefix },
    recording: { segmentSeconds: 2 },
    health: { enabled: false },
    analytics: { enabled: false },
    crowd: { enabled: false },
    cluster: { enabled: true, nodeId: id, ...t, capacity: { recorder: 10, analytics: 0 } },
    log: { level: 'info' },
  };
  // Per-test settings, merged into each section (e.g. analytics on, another server.host, cluster.advertisedUrl).
  for (const [section, values] of Object.entries(o.config ?? {})) {
    const c = config as Record<string, unknown>;
    c[section] = { ...(c[section] as Record<string, unknown> | undefined), ...values };
  }
  const file = path.join(dataDir, 'config.yaml');
  writeFileSync(file, JSON.stringify(config, null, 2)); // JSON is YAML
  const logFile = path.join(dataDir, 'node.log');
  const out = createWriteStream(logFile);
  const child = spawn(process.execPath, [BIN, 'serve', '--config', file, '--roles', o.roles ?? 'recorder'], {
    detached: true, // its own process group: kill() takes its ffmpeg children with it
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, SMARTVIEW_CLUSTER__KEY: o.key ?? env.key, SMARTVIEW_ADMIN_PASSWORD: 'Shatin-Harbour-Lights-42' },
  });
  child.stdout!.pipe(out);
  child.stderr!.pipe(out);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return {
    id, child, logFile, exited,
    kill() {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
      }
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const code = await Promise.race([exited, sleep(20_000).then(() => 'timeout' as const)]);
      if (code === 'timeout') {
        this.kill();
        return null;
      }
      return code;
    },
    log: () => readFileSync(logFile, 'utf8'),
  };
}

/** A free TCP port on loopback (for a node whose advertised URL must be known before it starts). */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as AddressInfo).port;
  await new Promise<void>((resolve, reject) => srv.close((err) => (err ? reject(err) : resolve())));
  return port;
}

export async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs: number, stepMs = 250): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await sleep(stepMs);
  }
}
