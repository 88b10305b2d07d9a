import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, test } from 'node:test';
import { MemoryBus } from '../bus/memory';
import { waitFor } from '../bus/testing';
import { parseConfig } from '../config/load';
import { createLogger, silentLogger } from '../core/logger';
import { AlertDelivery } from './delivery';
import { SIGNATURE_HEADER, signBody, verifySignature, WebhookSender } from './webhook';

const SECRET = 'test-secret-0123456789abcdef';

interface Received {
  body: string;
  headers: IncomingMessage['headers'];
}

/** A real receiver on a loopback port; `answers` are the status codes it gives, in turn (then 200). */
async function receiver(answers: number[] = []): Promise<{ url: string; got: Received[]; server: Server }> {
  const got: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (body += d));
    req.on('end', () => {
      got.push({ body, headers: req.headers });
      res.statusCode = answers.shift() ?? 200;
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook?token=abc`, got, server };
}

const msg = (id: string, severity = 'high') => ({ id, name: 'alert.raised', at: 1_700_000_000_000, data: { alertId: id, cameraId: 'p-1', severity } });

describe('webhooks', () => {
  const servers: Server[] = [];
  after(() => servers.forEach((s) => s.close()));

  test('signature: t=<ms>,v1=<hex HMAC-SHA256 of "<t>.<body>">, verified, tampering and stale times refused', () => {
    const body = '{"a":1}';
    const sig = signBody(SECRET, 1000, body);
    assert.match(sig, /^t=1000,v1=[0-9a-f]{64}$/);
    assert.equal(verifySignature(SECRET, sig, body, 1000), true);
    assert.equal(verifySignature(SECRET, sig, '{"a":2}', 1000), false);
    assert.equal(verifySignature('another-secret-0123456789', sig, body, 1000), false);
    assert.equal(verifySignature(SECRET, sig, body, 1000 + 600_000), false, 'too old');
  });

  test('delivers signed JSON; retries after a 500 with back-off; gives up on a 400', async () => {
    const r = await receiver([500, 503]);
    servers.push(r.server);
    const w = new WebhookSender({ url: r.url, secret: SECRET, minSeverity: 'info' }, { timeoutMs: 2000, maxAttempts: 4, queueSize: 10, baseDelayMs: 20 }, silentLogger());
    const started = Date.now();
    w.offer(msg('a-1'));
    await w.idle();
    assert.equal(r.got.length, 3, 'two failures then success');
    assert.ok(Date.now() - started >= 20 + 40, 'back-off doubled between tries');
    for (const g of r.got) {
      const sig = String(g.headers[SIGNATURE_HEADER]);
      assert.ok(verifySignature(SECRET, sig, g.body), `signature verifies: ${sig}`);
      assert.equal(g.headers['content-type'], 'application/json');
      assert.equal(g.headers['x-smartview-event'], 'alert.raised');
      assert.equal(g.headers['x-smartview-delivery'], 'a-1');
    }
    assert.deepEqual(JSON.parse(r.got[2]!.body), msg('a-1'));
    assert.deepEqual(w.stats, { sent: 1, retries: 2, failed: 0, dropped: 0, queued: 0 });

    const refusing = await receiver([400]);
    servers.push(refusing.server);
    const w2 = new WebhookSender({ url: refusing.url, secret: SECRET, minSeverity: 'info' }, { timeoutMs: 2000, maxAttempts: 4, queueSize: 10, baseDelayMs: 20 }, silentLogger());
    w2.offer(msg('a-2'));
    await w2.idle();
    assert.equal(refusing.got.length, 1, 'a 4xx is not retried');
    assert.equal(w2.stats.failed, 1);
  });

  test('a receiver that never answers times out and is retried; an unreachable one is given up after maxAttempts', async () => {
    const hang = createServer(() => undefined);
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
    servers.push(hang);
    const w = new WebhookSender({ url: `http://127.0.0.1:${(hang.address() as AddressInfo).port}/`, secret: SECRET, minSeverity: 'info' }, { timeoutMs: 150, maxAttempts: 2, queueSize: 10, baseDelayMs: 10 }, silentLogger());
    w.offer(msg('t-1'));
    await w.idle();
    assert.deepEqual({ retries: w.stats.retries, failed: w.stats.failed }, { retries: 1, failed: 1 });
    hang.closeAllConnections();
  });

  test('minSeverity filters; a full queue drops the oldest (counted); the secret never reaches the log', async () => {
    const r = await receiver();
    servers.push(r.server);
    const logged: string[] = [];
    const log = createLogger({ level: 'debug' });
    const spy = Object.assign(Object.create(log) as typeof log, {
      warn: (o: object, m: string) => logged.push(JSON.stringify(o) + m),
      info: (o: object, m: string) => logged.push(JSON.stringify(o) + m),
      debug: (o: object, m: string) => logged.push(JSON.stringify(o) + m),
    });
    const w = new WebhookSender({ url: r.url, secret: SECRET, minSeverity: 'high' }, { timeoutMs: 2000, maxAttempts: 1, queueSize: 2, baseDelayMs: 10 }, spy);
    w.offer(msg('low-1', 'low'));
    for (let i = 0; i < 5; i++) w.offer(msg(`m-${i}`, i % 2 ? 'critical' : 'high'));
    await w.idle();
    const ids = r.got.map((g) => (JSON.parse(g.body) as { id: string }).id);
    assert.ok(!ids.includes('low-1'), 'below minSeverity is not sent');
    assert.equal(ids[0], 'm-0', 'the first went out at once');
    assert.deepEqual(ids.slice(1), ['m-3', 'm-4'], 'the queue of 2 kept the newest');
    assert.equal(w.stats.dropped, 2);
    assert.ok(logged.some((l) => l.includes('dropped the oldest')));
    assert.ok(logged.every((l) => !l.includes(SECRET) && !l.includes('token=abc')), 'neither the secret nor the query string is logged');
  });

  test('AlertDelivery: alert.raised and alert.updated from the bus reach every webhook; analytics.event does not', async () => {
    const r = await receiver([500]);
    servers.push(r.server);
    const bus = new MemoryBus();
    const config = parseConfig({ analytics: { delivery: { webhooks: [{ url: r.url, secret: SECRET }], webhookMaxAttempts: 3 } } }).analytics.delivery;
    const d = new AlertDelivery({ bus, config, log: silentLogger() });
    await d.start();
    await bus.publish('alert.raised', { alertId: 'x1', cameraId: 'p-1', owner: 'police', district: 'Wan Chai', severity: 'medium', at: 123 }, { id: 'evt-1' });
    await bus.publish('analytics.event', { eventId: 'e1', cameraId: 'p-1', severity: 'info' });
    await bus.publish('alert.updated', { alertId: 'x1', cameraId: 'p-1', severity: 'medium', state: 'acknowledged' }, { id: 'evt-2' });
    await waitFor(() => d.stats().webhooks[0]!.sent === 2, 'two deliveries (one after a retry of ~1 s)', 5000);
    await d.idle();
    const bodies = r.got.map((g) => JSON.parse(g.body) as { id: string; name: string; at: number; data: Record<string, unknown> });
    assert.deepEqual(bodies.map((b) => b.name), ['alert.raised', 'alert.raised', 'alert.updated']);
    assert.equal(bodies[0]!.id, 'evt-1');
    assert.equal(bodies[0]!.at, 123);
    assert.equal(bodies[0]!.data.at, undefined, 'at moves to the envelope');
    assert.ok(r.got.every((g) => verifySignature(SECRET, String(g.headers[SIGNATURE_HEADER]), g.body)));
    await d.stop();
    await bus.close();
  });
});
