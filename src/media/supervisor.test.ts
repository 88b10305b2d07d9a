import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { Supervisor, type ExitInfo, type SupervisorOptions } from './supervisor';

const sh = (script: string) => () => spawn('sh', ['-c', script], { stdio: 'ignore' });

function supervise(o: Partial<SupervisorOptions> & Pick<SupervisorOptions, 'spawn'>): { sup: Supervisor; exits: ExitInfo[]; starts: number[] } {
  const sup = new Supervisor({ initialDelayMs: 40, maxDelayMs: 160, stallTimeoutMs: 10_000, stopGraceMs: 300, ...o });
  const exits: ExitInfo[] = [];
  const starts: number[] = [];
  sup.on('exited', (e) => exits.push(e));
  sup.on('started', () => starts.push(Date.now()));
  return { sup, exits, starts };
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('a process that keeps exiting is restarted with exponential back-off up to the maximum', async () => {
  const { sup, exits, starts } = supervise({ spawn: sh('exit 3') });
  sup.start();
  await until(() => exits.length >= 5);
  await sup.stop();
  assert.deepEqual(exits.slice(0, 5).map((e) => e.nextDelayMs), [40, 80, 160, 160, 160]);
  assert.ok(exits.every((e) => e.cause === 'exited' && (e.code === 3 || e.nextDelayMs === null)));
  for (let i = 1; i < 4; i++) assert.ok(starts[i]! - starts[i - 1]! >= exits[i - 1]!.nextDelayMs! - 5, `attempt ${i} waited its back-off`);
  const n = starts.length;
  await new Promise((r) => setTimeout(r, 250));
  assert.equal(starts.length, n, 'no restart after stop');
  assert.equal(sup.state, 'stopped');
});

test('too many restarts in the window: failed is reported and attempts wait the maximum delay', async () => {
  const { sup, exits } = supervise({ spawn: sh('exit 1'), initialDelayMs: 1, maxDelayMs: 120, maxRestarts: 3, restartWindowMs: 60_000 });
  const failed: number[] = [];
  sup.on('failed', (f) => failed.push(f.restarts));
  sup.start();
  await until(() => exits.length >= 5);
  await sup.stop();
  assert.deepEqual(failed, [4], 'failed once, on the 4th restart in the window');
  assert.deepEqual(exits.slice(0, 3).map((e) => e.nextDelayMs), [1, 2, 4]);
  assert.equal(exits[3]!.nextDelayMs, 120);
});

test('a run that reports no progress for stallTimeoutMs is killed and restarted; progress keeps it alive', async () => {
  const stalls: number[] = [];
  const { sup, exits, starts } = supervise({ spawn: () => spawn('sleep', ['30'], { stdio: 'ignore' }), stallTimeoutMs: 500 });
  sup.on('stalled', (s) => stalls.push(s.idleMs));
  sup.start();
  const t0 = Date.now();
  const keepAlive = setInterval(() => sup.touch(), 50);
  await new Promise((r) => setTimeout(r, 700));
  clearInterval(keepAlive);
  assert.equal(exits.length, 0, 'touched regularly: not stalled');
  await until(() => exits.length >= 1);
  assert.ok(Date.now() - t0 >= 1150, 'stalled only after the last progress + timeout');
  assert.equal(exits[0]!.cause, 'stalled');
  assert.equal(exits[0]!.signal, 'SIGKILL');
  assert.ok(stalls[0]! >= 500);
  await until(() => starts.length >= 2);
  await sup.stop();
  assert.equal(exits.at(-1)!.cause, 'stopped');
});

test('stop sends SIGINT and resolves when the process is gone', async () => {
  const { sup, exits } = supervise({ spawn: () => spawn('sleep', ['30'], { stdio: 'ignore' }) });
  const started = once(sup, 'started');
  sup.start();
  await started;
  const t = Date.now();
  await sup.stop();
  assert.ok(Date.now() - t < 1000);
  assert.equal(exits.length, 1);
  assert.equal(exits[0]!.cause, 'stopped');
  assert.equal(exits[0]!.signal, 'SIGINT');
  assert.equal(exits[0]!.nextDelayMs, null);
});

test('a process that ignores SIGINT is killed after the grace period', async () => {
  let ready!: Promise<unknown>;
  const spawnIgnoring = () => {
    const c = spawn('sh', ['-c', 'trap "" INT; echo ready; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
    ready = once(c.stdout, 'data'); // the trap is installed
    return c;
  };
  const { sup, exits } = supervise({ spawn: spawnIgnoring, stopGraceMs: 200 });
  sup.start();
  await ready;
  const t = Date.now();
  await sup.stop();
  assert.ok(Date.now() - t >= 190, 'waited the grace period');
  assert.equal(exits[0]!.signal, 'SIGKILL');
  assert.equal(exits[0]!.cause, 'stopped');
});

test('a command that cannot be spawned is reported and retried', async () => {
  const { sup, exits } = supervise({ spawn: () => spawn('/nonexistent/smartview-no-such-tool', [], { stdio: 'ignore' }) });
  sup.start();
  await until(() => exits.length >= 2);
  await sup.stop();
  assert.equal(exits[0]!.cause, 'spawn_failed');
  assert.match(exits[0]!.error ?? '', /ENOENT/);
});

test('restart() replaces a running process at once, without back-off', async () => {
  const { sup, exits, starts } = supervise({ spawn: () => spawn('sleep', ['30'], { stdio: 'ignore' }), initialDelayMs: 5000, maxDelayMs: 5000 });
  const started = once(sup, 'started');
  sup.start();
  await started;
  sup.restart();
  await until(() => starts.length >= 2, 2000);
  assert.equal(exits[0]!.cause, 'restarted');
  assert.equal(exits[0]!.nextDelayMs, 0);
  await sup.stop();
});
