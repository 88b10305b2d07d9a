import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { BusMessage } from '../bus/bus';
import { MemoryBus } from '../bus/memory';
import { silentLogger } from '../core/logger';
import { ENGINES, openTestStore, type TestStore } from '../../test/support/engines';
import { addEvent, OutboxRelay } from './outbox';

for (const engine of ENGINES) {
  describe(`outbox on ${engine}`, () => {
    let t: TestStore;
    before(async () => {
      t = await openTestStore(engine);
    });
    after(() => t.cleanup());

    test('events of a rolled-back transaction are never published; committed ones are, once', async () => {
      const bus = new MemoryBus();
      const got: BusMessage[] = [];
      await bus.subscribe('camera.>', (m) => void got.push(m));
      await assert.rejects(
        t.store.transaction(async (tx) => {
          await addEvent(tx, 'camera.created', { cameraId: 'rolled-back', owner: 'o', district: 'd' });
          throw new Error('boom');
        }),
        /boom/,
      );
      await t.store.transaction((tx) => addEvent(tx, 'camera.created', { cameraId: 'c1', owner: 'o', district: 'd' }));
      const relay = new OutboxRelay(t.store, bus, silentLogger());
      assert.equal(await relay.drain(), 1);
      assert.equal(await relay.drain(), 0, 'published events are marked');
      await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(got.map((m) => (m.data as { cameraId: string }).cameraId), ['c1']);
      assert.equal(got[0]!.subject, 'camera.created');
      await bus.close();
    });

    test('a bus failure leaves events in the outbox for the next pass', async () => {
      await t.store.transaction((tx) => addEvent(tx, 'camera.deleted', { cameraId: 'c2', owner: 'o', district: 'd' }));
      const broken = new MemoryBus();
      await broken.close(); // publishing on a closed bus fails
      await assert.rejects(new OutboxRelay(t.store, broken, silentLogger()).drain());
      const bus = new MemoryBus();
      const got: BusMessage[] = [];
      await bus.subscribe('camera.*', (m) => void got.push(m));
      assert.equal(await new OutboxRelay(t.store, bus, silentLogger()).drain(), 1);
      await new Promise((r) => setTimeout(r, 20));
      assert.equal(got.length, 1);
      await bus.close();
    });
  });
}
