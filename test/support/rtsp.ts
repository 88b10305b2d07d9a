import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/**
 * A real RTSP server for tests and benchmarks: test/support/rtsp-server.py (gst-rtsp-server)
 * serving pre-encoded H.264 files in a loop, one mount point each. The process is always cleaned
 * up: stop()/kill(), at exit of this process, and by itself when its parent dies.
 */
export const PYTHON = process.env.SMARTVIEW_GST_PYTHON ?? '/usr/bin/python3';
const SCRIPT = path.resolve(import.meta.dirname, 'rtsp-server.py');
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

export interface RtspMount {
  path: string; // e.g. /cam1
  file: string; // a pre-encoded H.264 file (mp4, ts, mkv)
}

export interface RtspServerOptions {
  port?: number;
  mounts: RtspMount[];
  auth?: { user: string; password: string };
  readyTimeoutMs?: number;
}

export interface RtspServer {
  readonly port: number;
  /** The server process (for CPU measurements); undefined while it is down. */
  readonly pid: number | undefined;
  /** rtsp://127.0.0.1:<port><path>, with the server's credentials in it when `withAuth`. */
  url(mountPath: string, withAuth?: boolean): string;
  /** Graceful stop (SIGTERM); resolves when the process is gone. */
  stop(): Promise<void>;
  /** Abrupt death (SIGKILL), like a camera losing power. */
  kill(): void;
  /** Starts it again on the same port. */
  restart(): Promise<void>;
}

/** Why the gst server cannot run here, or null. */
export function rtspUnavailable(): string | null {
  if (!existsSync(PYTHON)) return `${PYTHON} is missing: install python3-gi and gir1.2-gst-rtsp-server-1.0 (bash scripts/setup.sh --test)`;
  return null;
}

export async function startRtspServer(o: RtspServerOptions): Promise<RtspServer> {
  let child: ChildProcess | undefined;
  let port = o.port ?? 0;

  const launch = async (): Promise<void> => {
    const args = [SCRIPT, '--port', String(port), '--exit-on-stdin-eof', ...o.mounts.flatMap((m) => ['--mount', `${m.path}=${m.file}`])];
    if (o.auth) args.push('--user', o.auth.user, '--password', o.auth.password);
    const c = spawn(PYTHON, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    live.add(c);
    c.once('exit', () => live.delete(c));
    child = c;
    let stderr = '';
    c.stderr!.setEncoding('utf8').on('data', (d: string) => {
      stderr = (stderr + d).slice(-4000);
    });
    const bound = await new Promise<number>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => fail(`did not get ready within ${o.readyTimeoutMs ?? 30_000} ms`), o.readyTimeoutMs ?? 30_000);
      const fail = (why: string) => {
        clearTimeout(timer);
        c.kill('SIGKILL');
        reject(new Error(`RTSP test server ${why}. stderr: ${stderr.trim().slice(-1500) || '(empty)'}. Is gst-rtsp-server installed (bash scripts/setup.sh --test)?`));
      };
      c.once('error', (err) => fail(`could not start (${err.message})`));
      c.once('exit', (code, signal) => fail(`exited (${signal ?? code})`));
      c.stdout!.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        const m = /READY (\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          c.removeAllListeners('exit');
          c.once('exit', () => live.delete(c));
          resolve(Number(m[1]));
        }
      });
    });
    port = bound;
    await waitForPort(port, 5000);
  };

  const stopChild = async (signal: NodeJS.Signals): Promise<void> => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const gone = new Promise<void>((r) => c.once('exit', () => r()));
    c.kill(signal);
    const t = setTimeout(() => c.kill('SIGKILL'), 3000);
    await gone;
    clearTimeout(t);
  };

  await launch();
  return {
    get port() {
      return port;
    },
    get pid() {
      return child?.pid;
    },
    url(mountPath, withAuth = false) {
      const cred = withAuth && o.auth ? `${encodeURIComponent(o.auth.user)}:${encodeURIComponent(o.auth.password)}@` : '';
      return `rtsp://${cred}127.0.0.1:${port}${mountPath}`;
    },
    stop: () => stopChild('SIGTERM'),
    kill() {
      child?.kill('SIGKILL');
      child = undefined;
    },
    async restart() {
      await stopChild('SIGTERM');
      // The port may linger for a moment after an abrupt kill: retry for a few seconds.
      for (let attempt = 0; ; attempt++) {
        try {
          await launch();
          return;
        } catch (err) {
          if (attempt >= 10) throw err;
          await new Promise((r) => setTimeout(r, 300));
        }
      }
    },
  };
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > end) throw new Error(`RTSP test server: port ${port} does not accept connections`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
