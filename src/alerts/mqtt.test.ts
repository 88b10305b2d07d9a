import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { connect, type MqttClient } from 'mqtt';
import { MemoryBus } from '../bus/memory';
import { waitFor } from '../bus/testing';
import { parseConfig } from '../config/load';
import { silentLogger } from '../core/logger';
import { AlertDelivery } from './delivery';
import { MqttPublisher } from './mqtt';

/** The Mosquitto broker of this machine and CI (SMARTVIEW_SKIP_MQTT=1 only where there is none). */
const BROKER = process.env.SMARTVIEW_MQTT_URL ?? 'mqtt://127.0.0.1:1883';
const skip = process.env.SMARTVIEW_SKIP_MQTT === '1' ? 'SMARTVIEW_SKIP_MQTT=1: MQTT tests skipped' : false;

async function subscriber(topic: string): Promise<{ client: MqttClient; got: Array<{ topic: string; msg: Record<string, unknown>; qos: number }> }> {
  const client = connect(BROKER, { connectTimeout: 3000, reconnectPeriod: 0 });
  const got: Array<{ topic: string; msg: Record<string, unknown>; qos: number }> = [];
  client.on('message', (t, payload, packet) => got.push({ topic: t, msg: JSON.parse(payload.toString()) as Record<string, unknown>, qos: packet.qos }));
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  await client.subscribeAsync(topic, { qos: 1 });
  return { client, got };
}

describe('MQTT delivery through the real broker', { skip }, () => {
  const clients: MqttClient[] = [];
  after(async () => {
    for (const c of clients) await c.endAsync(true);
  });

  test('alerts go to <prefix>/alerts/<camera>, events to <prefix>/events/<camera>, at QoS 1', async () => {
    const prefix = `svtest-${randomBytes(5).toString('hex')}`;
    const sub = await subscriber(`${prefix}/#`);
    clients.push(sub.client);
    const bus = new MemoryBus();
    const config = parseConfig({ analytics: { delivery: { mqtt: { url: BROKER, topicPrefix: prefix } } } }).analytics.delivery;
    const d = new AlertDelivery({ bus, config, log: silentLogger() });
    await d.start();
    await bus.publish('alert.raised', { alertId: 'a1', cameraId: 'p-1', owner: 'police', district: 'Wan Chai', severity: 'high', at: 5 }, { id: 'm-1' });
    await bus.publish('analytics.event', { eventId: 'e1', cameraId: 'h-1', owner: 'housing', district: 'Sha Tin', type: 'appeared', severity: 'info' }, { id: 'm-2' });
    await bus.publish('alert.updated', { alertId: 'a1', cameraId: 'p-1', severity: 'high', state: 'closed' }, { id: 'm-3' });
    await waitFor(() => sub.got.length === 3, 'three MQTT messages', 5000);
    const byTopic = Object.fromEntries(sub.got.map((g) => [`${g.topic}#${String(g.msg.name)}`, g]));
    assert.deepEqual(Object.keys(byTopic).sort(), [`${prefix}/alerts/p-1#alert.raised`, `${prefix}/alerts/p-1#alert.updated`, `${prefix}/events/h-1#analytics.event`]);
    const raised = byTopic[`${prefix}/alerts/p-1#alert.raised`]!;
    assert.equal(raised.qos, 1);
    assert.deepEqual(raised.msg, { id: 'm-1', name: 'alert.raised', at: 5, data: { alertId: 'a1', cameraId: 'p-1', owner: 'police', district: 'Wan Chai', severity: 'high' } });
    await waitFor(() => d.stats().mqtt!.published === 3, 'three PUBACKs');
    await d.stop();
    await bus.close();
  });

  test('a broker that is down blocks nothing: publishing returns at once, the buffer is bounded and drops are counted', async () => {
    const p = new MqttPublisher({ url: 'mqtt://127.0.0.1:1', queueSize: 5, reconnectMs: 200 }, silentLogger());
    p.start();
    const t0 = performance.now();
    for (let i = 0; i < 50; i++) p.publish(`x/alerts/c${i}`, '{}');
    assert.ok(performance.now() - t0 < 50, 'publish never waits for the broker');
    assert.deepEqual({ buffered: p.stats.buffered, dropped: p.stats.dropped, connected: p.stats.connected }, { buffered: 5, dropped: 45, connected: false });
    const s0 = performance.now();
    await p.stop();
    assert.ok(performance.now() - s0 < 1500, 'stop does not wait for the broker');
  });

  test('messages buffered while away are delivered when the broker is reachable', async () => {
    const prefix = `svtest-${randomBytes(5).toString('hex')}`;
    const sub = await subscriber(`${prefix}/#`);
    clients.push(sub.client);
    const p = new MqttPublisher({ url: BROKER, queueSize: 100 }, silentLogger());
    for (let i = 0; i < 10; i++) p.publish(`${prefix}/events/c1`, JSON.stringify({ i }));
    assert.equal(p.stats.buffered, 10, 'held before the connection exists');
    p.start();
    await waitFor(() => sub.got.length === 10, 'ten buffered messages', 5000);
    assert.deepEqual(sub.got.map((g) => g.msg.i), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 'in order');
    await p.stop();
  });
});
