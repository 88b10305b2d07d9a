import assert from 'node:assert/strict';
import { test } from 'node:test';
import { prefetch } from './prefetch';

async function* counted(n: number, log: string[], failAt?: number): AsyncGenerator<number> {
  try {
    for (let i = 1; i <= n; i++) {
      await new Promise((r) => setTimeout(r, 1));
      if (i === failAt) throw new Error(`broken at ${i}`);
      log.push(`made ${i}`);
      yield i;
    }
  } finally {
    log.push('closed');
  }
}

test('prefetch yields everything in order, reading at most `ahead` items early', async () => {
  const log: string[] = [];
  const got: number[] = [];
  for await (const x of prefetch(counted(5, log), 2)) {
    const made = log.filter((l) => l.startsWith('made')).length;
    assert.ok(made <= x + 2, `item ${x}: ${made} made`);
    got.push(x);
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.deepEqual(got, [1, 2, 3, 4, 5]);
  assert.equal(log.at(-1), 'closed');
});

test('an early stop closes the source; a source error reaches the consumer', async () => {
  const log: string[] = [];
  for await (const x of prefetch(counted(100, log), 2)) if (x === 3) break;
  assert.equal(log.at(-1), 'closed');
  assert.ok(log.filter((l) => l.startsWith('made')).length <= 6);
  const seen: number[] = [];
  await assert.rejects(async () => {
    for await (const x of prefetch(counted(10, [], 4), 2)) seen.push(x);
  }, /broken at 4/);
  assert.deepEqual(seen, [1, 2, 3]);
});
