import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** A PRIVATE nats-server with JetStream (own port and store dir) for tests that kill and restart it — never the shared one. */
export interface PrivateNats {
  url: string;
  /** SIGKILL (a crash); JetStream data stays in the store dir. */
  kill(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

const BIN = process.env.SMARTVIEW_TEST_NATS_SERVER ?? 'nats-server';

export function privateNatsUnavailable(): string | null {
  const r = spawnSync(BIN, ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? null : `nats-server is not on PATH (${r.error?.message ?? r.stderr})`;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function listening(port: number, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((r) => {
      const c = net.connect(port, '127.0.0.1', () => {
        c.destroy();
        r(true);
      });
      c.once('error', () => r(false));
    });
    if (ok) return;
    if (Date.now() > end) throw new Error(`private nats-server not listening on ${port} after ${timeoutMs} ms`);
    await sleep(100);
  }
}

export async function startPrivateNats(): Promise<PrivateNats> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sv-nats-'));
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(BIN, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], { stdio: 'ignore' });
    await listening(port, 10_000);
  };
  const kill = async () => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const gone = new Promise((r) => c.once('exit', r));
    c.kill('SIGKILL');
    await gone;
  };
  await start();
  return {
    url: `nats://127.0.0.1:${port}`,
    kill,
    start,
    async destroy() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
