import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Cam } from 'onvif';
import { OnvifAdapter } from '../../src/federation/adapters/onvif.adapter';
import { UrlListAdapter } from '../../src/federation/adapters/url-list.adapter';
import { discover } from '../../src/federation/devices/ws-discovery';
import { startOnvifEmulator, type OnvifEmulator } from '../support/onvif-emulator';

/** The ONVIF emulator through the `onvif` client and through the adapter; faults, nonsense, timeouts, wrong credentials. */
const USER = 'onvif-admin';
const PW = 'Tsing-Ma-Bridge-Cam-77';
let emu: OnvifEmulator;

before(async () => {
  emu = await startOnvifEmulator({ username: USER, password: PW, mainUri: 'rtsp://127.0.0.1:8554/main', subUri: 'rtsp://127.0.0.1:8554/sub', clockOffsetMs: 90_000 });
});
after(async () => {
  await emu?.stop();
});

test('the onvif npm client connects to the emulator and reads profiles, stream URI and presets', async () => {
  const cam = await new Promise<any>((resolve, reject) => {
    const c: any = new Cam({ hostname: '127.0.0.1', port: emu.port, username: USER, password: PW, timeout: 5000 } as never, (err: Error | null) => (err ? reject(err) : resolve(c)));
  });
  assert.equal(cam.profiles.length, 2);
  const uri = await new Promise<any>((resolve, reject) => cam.getStreamUri({ profileToken: 'sub' }, (err: Error | null, r: unknown) => (err ? reject(err) : resolve(r))));
  assert.equal(uri.uri, 'rtsp://127.0.0.1:8554/sub');
  const info = await new Promise<any>((resolve, reject) => cam.getDeviceInformation((err: Error | null, r: unknown) => (err ? reject(err) : resolve(r))));
  assert.equal(info.serialNumber, 'EMU-0001');
  const presets = await new Promise<any>((resolve, reject) => cam.getPresets({}, (err: Error | null, r: unknown) => (err ? reject(err) : resolve(r))));
  assert.deepEqual(Object.keys(presets).sort(), ['Gate', 'Road']);
});

test('the adapter: info, profiles, streams, snapshot, clock offset and PTZ', async () => {
  const a = new OnvifAdapter({ xaddr: emu.xaddr, username: USER, password: PW });
  const info = await a.info();
  assert.equal(info.model, 'Emulated PTZ Dome');
  const ps = await a.profiles();
  assert.deepEqual(ps.map((p) => [p.token, p.width]), [['main', 1280], ['sub', 640]]);
  const [cam] = await a.cameras();
  assert.equal(cam!.mainUri, 'rtsp://127.0.0.1:8554/main');
  assert.equal(cam!.subUri, 'rtsp://127.0.0.1:8554/sub');
  assert.match(cam!.snapshotUri!, /\/snapshot\.jpg$/);
  assert.equal(cam!.ptz, true);
  const offset = (await a.clockOffsetMs())!;
  assert.ok(Math.abs(offset - 90_000) < 1500, `offset ${offset}`);
  const h = await a.health();
  assert.equal(h.reachable, true);
  await a.ptz.move('main', { pan: 0.5, tilt: -0.25, zoom: 0 });
  await a.ptz.stop('main');
  await a.ptz.gotoPreset('main', '2');
  assert.deepEqual((await a.ptz.presets('main')).map((p) => p.token).sort(), ['1', '2']);
  const moves = emu.ptz.slice(-3);
  assert.deepEqual(moves.map((m) => m.op), ['ContinuousMove', 'Stop', 'GotoPreset']);
  assert.equal(moves[0]!.x, 0.5);
  assert.equal(moves[0]!.y, -0.25);
  await assert.rejects(a.ptz.gotoPreset('main', '99'), (e: any) => e.code === 'device_fault');
});

test('wrong credentials, SOAP faults, nonsense and silence give clear errors', async () => {
  await assert.rejects(new OnvifAdapter({ xaddr: emu.xaddr, username: USER, password: 'wrong' }).info(), (e: any) => e.code === 'device_auth_failed' && /credentials/.test(e.message));
  emu.setMode('fault');
  await assert.rejects(new OnvifAdapter({ xaddr: emu.xaddr, username: USER, password: PW }).info(), (e: any) => e.code === 'device_fault' || e.code === 'device_bad_answer');
  emu.setMode('nonsense');
  await assert.rejects(new OnvifAdapter({ xaddr: emu.xaddr, username: USER, password: PW }).info(), (e: any) => e.code === 'device_bad_answer' && /not ONVIF/.test(e.message));
  emu.setMode('hang');
  const t0 = Date.now();
  await assert.rejects(new OnvifAdapter({ xaddr: emu.xaddr, username: USER, password: PW, timeoutMs: 800 }).info(), (e: any) => e.code === 'device_timeout');
  assert.ok(Date.now() - t0 < 3000);
  emu.setMode('ok');
  await assert.rejects(new OnvifAdapter({ xaddr: 'http://127.0.0.1:1/onvif/device_service', username: USER, password: PW }).info(), (e: any) => e.code === 'device_unreachable');
});

test('WS-Discovery finds the emulator on loopback', async () => {
  const found = await discover({ timeoutMs: 300, targets: [{ host: '127.0.0.1', port: emu.discoveryPort }] });
  assert.equal(found.length, 1);
  assert.deepEqual(found[0]!.xaddrs, [emu.xaddr]);
  assert.equal(found[0]!.name, 'SmartView Emulator');
});

test('the URL-list adapter lists plain RTSP/HLS cameras and refuses bad URLs', async () => {
  const a = new UrlListAdapter([{ ref: 'a', name: 'Tunnel A', url: 'rtsp://10.0.0.1/a', subUrl: 'https://10.0.0.1/a.m3u8' }]);
  assert.equal((await a.cameras())[0]!.subUri, 'https://10.0.0.1/a.m3u8');
  assert.equal(await a.streamUri('a', 'sub'), 'https://10.0.0.1/a.m3u8');
  assert.throws(() => new UrlListAdapter([{ ref: 'b', name: 'B', url: 'ftp://x/y' }]), /scheme/);
});
