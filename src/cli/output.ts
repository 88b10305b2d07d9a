import { isAppError, errorMessage } from '../core/errors';

/**
 * CLI conventions (external scripts parse them): data on stdout — with --json one JSON object a
 * line; logs, progress and warnings on stderr only. Exit code 0 on success, 1 when the command
 * could not do its work, 2 for wrong usage.
 */
export function printJsonLine(obj: unknown): void {
  process.stdout.write(`${JSON.stringify(obj)}\n`);
}

export function printLine(text: string): void {
  process.stdout.write(`${text}\n`);
}

export function warn(text: string): void {
  process.stderr.write(`${text}\n`);
}

/** Prints an error for a person (stderr) and sets the exit code. */
export function fail(err: unknown, exitCode = 1): void {
  if (isAppError(err)) {
    warn(`error: ${err.message}`);
    const rejected = (err.details as { rejected?: Array<{ row: number; id: string | null; errors: string[] }> } | undefined)?.rejected;
    if (rejected) for (const r of rejected.slice(0, 200)) warn(`  row ${r.row}${r.id ? ` (${r.id})` : ''}: ${r.errors.join('; ')}`);
    if (rejected && rejected.length > 200) warn(`  … and ${rejected.length - 200} more rows`);
  } else {
    warn(`error: ${errorMessage(err)}`);
  }
  process.exitCode = exitCode;
}

/** A progress line on stderr, redrawn in place on a terminal and throttled otherwise. */
export function progress(label: string): (done: number, total?: number) => void {
  let last = 0;
  return (done, total) => {
    const now = Date.now();
    if (now - last < 200 && done !== total) return;
    last = now;
    const text = total ? `${label}: ${done}/${total} (${Math.floor((done / total) * 100)}%)` : `${label}: ${done}`;
    if (process.stderr.isTTY) process.stderr.write(`\r${text}${done === total ? '\n' : ''}`);
    else if (done === total) process.stderr.write(`${text}\n`);
  };
}
