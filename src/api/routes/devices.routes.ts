import { z } from 'zod';
import { cameraInputSchema, cameraSchema } from '../../cameras/camera.model';
import type { DevicesService } from '../../federation/devices/devices.service';
import { commonErrors, errorBodySchema, type ZApp } from '../types';

const xaddr = z.string().trim().url().max(300).refine((u) => /^https?:\/\//.test(u), 'expected http(s)://host[:port]/onvif/device_service').describe('The ONVIF device service address');
const target = {
  xaddr,
  username: z.string().max(200).describe('ONVIF user name'),
  password: z.string().max(200).describe('ONVIF password (stored encrypted with the camera on onboarding; never returned)'),
  timeoutMs: z.number().int().min(200).max(60_000).default(5000).describe('Deadline of each device request'),
};
const deviceErrors = { ...commonErrors, 409: errorBodySchema, 422: errorBodySchema, 502: errorBodySchema, 503: errorBodySchema };

const discovered = z.object({ endpoint: z.string(), xaddrs: z.array(z.string()), scopes: z.array(z.string()), name: z.string().nullable(), hardware: z.string().nullable(), from: z.string() });
const probeSchema = z.object({
  xaddr: z.string(),
  info: z.object({ manufacturer: z.string(), model: z.string(), firmwareVersion: z.string(), serialNumber: z.string(), hardwareId: z.string() }),
  profiles: z.array(z.object({ token: z.string(), name: z.string(), width: z.number().nullable(), height: z.number().nullable(), ptz: z.boolean() })),
  clockOffsetMs: z.number().nullable().describe('Device clock minus server clock, ms (accurate to about a second)'),
  clockWarning: z.boolean(),
  ptz: z.boolean(),
  streams: z.object({ main: z.string(), sub: z.string().nullable(), snapshot: z.string().nullable() }),
});
const ptzBody = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('move'), pan: z.number().min(-1).max(1).default(0), tilt: z.number().min(-1).max(1).default(0), zoom: z.number().min(-1).max(1).default(0), timeoutMs: z.number().int().min(100).max(60_000).optional().describe('The device stops by itself after this') }),
  z.strictObject({ op: z.literal('stop') }),
  z.strictObject({ op: z.literal('goto'), preset: z.string().min(1).max(64) }),
]);
const cameraId = z.object({ id: z.string().max(64) });

/** Third-party devices (src/federation/devices): discover, probe and onboard ONVIF devices; PTZ of onboarded cameras. */
export function registerDeviceRoutes(app: ZApp, deps: { devices: DevicesService }): void {
  app.post('/api/devices/discover', {
    config: { permission: 'camera.write' },
    schema: {
      tags: ['devices'], summary: 'WS-Discovery probe for ONVIF devices (multicast 239.255.255.250:3702, or the given unicast targets)',
      body: z.strictObject({ timeoutMs: z.number().int().min(100).max(10_000).default(2000), targets: z.array(z.strictObject({ host: z.string().min(1).max(255), port: z.number().int().min(1).max(65535) })).max(256).optional() }),
      response: { 200: z.object({ items: z.array(discovered) }), ...deviceErrors },
    },
  }, async (req) => ({ items: await deps.devices.discover(req.actx, req.body) }));

  app.post('/api/devices/probe', {
    config: { permission: 'camera.write' },
    schema: { tags: ['devices'], summary: 'Ask an ONVIF device for its information, profiles, streams and clock offset (changes nothing)', body: z.strictObject(target), response: { 200: probeSchema, ...deviceErrors } },
  }, async (req) => deps.devices.probe(req.actx, req.body));

  app.post('/api/devices/onboard', {
    config: { permission: 'camera.write' },
    schema: {
      tags: ['devices'], summary: 'Add an ONVIF device to the inventory as a camera (all or nothing)',
      body: z.strictObject({
        ...target,
        id: cameraInputSchema.shape.id,
        name: z.string().trim().min(1).max(200).optional(),
        owner: cameraInputSchema.shape.owner,
        location: cameraInputSchema.shape.location,
        sharing: cameraInputSchema.shape.sharing,
        tags: z.array(z.string().trim().min(1).max(64)).max(40).optional(),
      }),
      response: { 201: z.object({ cameras: z.array(cameraSchema), probe: probeSchema }), ...deviceErrors },
    },
  }, async (req, reply) => reply.status(201).send(await deps.devices.onboard(req.actx, req.body)));

  app.post('/api/devices/cameras/:id/ptz', {
    config: { permission: 'live.view' },
    schema: { tags: ['devices'], summary: 'PTZ of an onboarded ONVIF camera: continuous move, stop, go to preset (needs X-Purpose)', params: cameraId, body: ptzBody, response: { 204: z.null(), ...deviceErrors } },
  }, async (req, reply) => {
    const b = req.body;
    await deps.devices.ptz(req.actx, req.params.id, b.op === 'move' ? { op: 'move', velocity: { pan: b.pan, tilt: b.tilt, zoom: b.zoom }, timeoutMs: b.timeoutMs } : b);
    return reply.status(204).send(null);
  });

  app.get('/api/devices/cameras/:id/presets', {
    config: { permission: 'live.view' },
    schema: { tags: ['devices'], summary: 'PTZ presets of an onboarded ONVIF camera (needs X-Purpose)', params: cameraId, response: { 200: z.object({ items: z.array(z.object({ token: z.string(), name: z.string() })) }), ...deviceErrors } },
  }, async (req) => ({ items: await deps.devices.presets(req.actx, req.params.id) }));
}
