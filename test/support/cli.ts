import { spawn } from 'node:child_process';
import path from 'node:path';

/** The CLI entry the tests run (the same one users run). */
export const BIN = path.resolve(import.meta.dirname, '../../bin/smartview.mjs');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: Record<string, string>;
  cwd?: string;
  /** Written to stdin, which is then closed (stdin is closed at once without it). */
  input?: string;
  /** Called with all stderr so far on each chunk; `kill` signals the process (e.g. a Ctrl-C test). */
  onStderr?: (text: string, kill: (sig: NodeJS.Signals) => void) => void;
}

/** Runs `smartview …` in a child process and collects its output. Exit by SIGINT reports 130, like a shell. */
export function runCli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => {
      stderr += d;
      opts.onStderr?.(stderr, (sig) => p.kill(sig));
    });
    p.on('error', reject);
    p.on('close', (code, signal) => resolve({ code: code ?? (signal === 'SIGINT' ? 130 : -1), stdout, stderr }));
    p.stdin.end(opts.input ?? '');
  });
}
