/** Shared by the benchmarks: arguments, machine facts, a real server and API calls (statistics: stats.ts). */
import { execSync } from 'node:child_process';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { startTestServer, type TestServer } from '../../test/support/server';
import { OWNERS } from './hk';

export type EngineName = 'sqlite' | 'postgres';

/** `--name value` and `--flag` options; unknown options are an error. */
export function args<F extends string>(spec: Record<F, 'string' | 'boolean'>): Record<F, string | boolean | undefined> {
  const options = Object.fromEntries(Object.entries(spec).map(([k, type]) => [k, { type: type as 'string' | 'boolean' }]));
  return parseArgs({ options, strict: true, allowPositionals: false }).values as Record<F, string | boolean | undefined>;
}

export function intArg(v: string | boolean | undefined, fallback: number): number {
  if (v === undefined || typeof v === 'boolean') return fallback;
  const n = Number(v.replace(/_/g, ''));
  if (!Number.isInteger(n) || n <= 0) throw new Error(`expected a positive whole number, got '${v}'`);
  return n;
}

export function enginesArg(v: string | boolean | undefined, fallback: string, allowBoth: boolean): EngineName[] {
  const e = typeof v === 'string' ? v : fallback;
  if (e === 'both' && allowBoth) return ['sqlite', 'postgres'];
  if (e === 'sqlite' || e === 'postgres') return [e];
  throw new Error(`--engine must be sqlite, postgres${allowBoth ? ' or both' : ''}; got '${e}'`);
}

/** Facts about the machine, printed with every result (the numbers mean little without them). */
export function machine(): Record<string, string | number> {
  const sh = (cmd: string): string => {
    try {
      return execSync(cmd, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return 'n/a';
    }
  };
  return {
    nproc: Number(sh('nproc')) || os.availableParallelism(),
    cpu: os.cpus()[0]?.model ?? 'unknown',
    memTotal: sh("free -h | awk '/^Mem:/ {print $2}'"),
    memAvailable: sh("free -h | awk '/^Mem:/ {print $7}'"),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    postgres: sh("psql -h 127.0.0.1 -U postgres -Atc 'show server_version' 2>/dev/null"),
  };
}

/** A real SmartView server (composition root via startTestServer) and an admin API token. */
export async function startBenchServer(engine: EngineName): Promise<{ srv: TestServer; token: string }> {
  const srv = await startTestServer({ engine });
  try {
    return { srv, token: await srv.token('admin') };
  } catch (err) {
    await srv.close();
    throw err;
  }
}

export async function call(base: string, token: string, method: string, path: string, body?: string, contentType = 'application/json'): Promise<{ status: number; text: string }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': contentType } : {}) },
    body,
  });
  return { status: res.status, text: await res.text() };
}

/** Creates the owner organisations through the API (PUT /api/organisations/:id). */
export async function createOwners(base: string, token: string): Promise<void> {
  for (const o of OWNERS) {
    const r = await call(base, token, 'PUT', `/api/organisations/${o.id}`, JSON.stringify({ name: o.name, kind: o.kind, policy: o.policy }));
    if (r.status !== 200) throw new Error(`creating organisation ${o.id}: HTTP ${r.status} ${r.text.slice(0, 300)}`);
  }
}

/** The one final machine-readable JSON line on stdout (progress goes to stderr through `log`). */
export function finish(result: Record<string, unknown>): void {
  console.log(JSON.stringify(result));
}

export const log = (...parts: unknown[]): void => console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...parts);
