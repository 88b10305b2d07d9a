import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, test } from 'node:test';
import type { EventBus } from '../bus/bus';
import { createNatsBus } from '../bus/nats';
import { NATS_URL, deleteStream, natsSkip, tick, uniqueNatsNames, waitFor } from '../bus/testing';
import { parseConfig } from '../config/load';
import { silentLogger } from '../core/logger';
import { AlertDelivery } from './delivery';

const SECRET = 'cluster-secret-0123456789';

describe('delivery in a cluster (NATS JetStream)', { skip: natsSkip() }, () => {
  const names = uniqueNatsNames();
  const buses: EventBus[] = [];
  after(async () => {
    for (const b of buses) await b.close();
    await deleteStream(names.stream);
  });

  test('two api nodes share the durable consumer: every alert is delivered once, by one of them', async () => {
    const got: string[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        got.push((JSON.parse(body) as { id: string }).id);
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const config = parseConfig({ analytics: { delivery: { webhooks: [{ url, secret: SECRET }] } } }).analytics.delivery;
    const nodes: AlertDelivery[] = [];
    for (let i = 0; i < 2; i++) {
      const bus = await createNatsBus({ servers: [NATS_URL], ...names, logger: silentLogger(), connectTimeoutMs: 2000 });
      buses.push(bus);
      const d = new AlertDelivery({ bus, config, log: silentLogger() });
      await d.start();
      nodes.push(d);
    }
    for (let i = 0; i < 20; i++) await buses[i % 2]!.publish('alert.raised', { alertId: `a${i}`, cameraId: 'p-1', severity: 'high' }, { id: `alert-${i}` });
    await waitFor(() => got.length >= 20, '20 deliveries', 10_000);
    await tick(300);
    assert.equal(got.length, 20, 'no message delivered twice');
    assert.deepEqual([...got].sort(), Array.from({ length: 20 }, (_, i) => `alert-${i}`).sort());
    const sent = nodes.map((n) => n.stats().webhooks[0]!.sent);
    assert.equal(sent[0]! + sent[1]!, 20);
    for (const n of nodes) await n.stop();
    server.close();
  });
});
