import { Cam } from 'onvif';
import { OperationalError, UserError } from '../../core/errors';
import type { DeviceAdapter, DeviceHealth, ForeignCamera, PtzVelocity } from './adapter';

export interface OnvifTarget {
  /** The device service address, e.g. http://10.0.0.5/onvif/device_service */
  xaddr: string;
  username: string;
  password: string;
  timeoutMs?: number;
}

export interface OnvifInfo {
  manufacturer: string;
  model: string;
  firmwareVersion: string;
  serialNumber: string;
  hardwareId: string;
}

type Cb = (err: Error | null, data?: unknown) => void;
interface CamLike {
  getSystemDateAndTime(cb: Cb): void;
  getServices(include: boolean, cb: Cb): void;
  getCapabilities(cb: Cb): void;
  getDeviceInformation(cb: Cb): void;
  getProfiles(cb: Cb): void;
  getStreamUri(o: object, cb: Cb): void;
  getSnapshotUri(o: object, cb: Cb): void;
  continuousMove(o: object, cb: Cb): void;
  stop(o: object, cb: Cb): void;
  getPresets(o: object, cb: Cb): void;
  gotoPreset(o: object, cb: Cb): void;
  uri?: { ptz?: unknown; media?: unknown };
  profiles?: Array<{ $: { token: string }; name?: string; PTZConfiguration?: unknown; videoEncoderConfiguration?: { resolution?: { width: number; height: number } } }>;
}

/** Turns the `onvif` client's errors into messages that say what to do. */
export function deviceError(xaddr: string, op: string, err: unknown): UserError | OperationalError {
  const msg = err instanceof Error ? err.message : String(err);
  if (/not ?authori[sz]ed|authentication failed|401/i.test(msg)) {
    return new UserError('device_auth_failed', `The device at ${xaddr} refused the credentials (${op}): check the ONVIF user name and password (and that the device clock is not far off).`, { op }, 422);
  }
  if (/timeout|timed out|ETIMEDOUT/i.test(msg)) {
    return new OperationalError('device_timeout', `The device at ${xaddr} did not answer ${op} in time: check the address, the network path and that ONVIF is enabled on it.`, { cause: err, details: { op } });
  }
  if (/ECONNREFUSED|EHOSTUNREACH|ENOTFOUND|ECONNRESET/i.test(msg)) {
    return new OperationalError('device_unreachable', `The device at ${xaddr} cannot be reached (${msg}): check the address and port.`, { cause: err, details: { op } });
  }
  if (/SOAP Fault/i.test(msg)) {
    return new UserError('device_fault', `The device at ${xaddr} answered ${op} with a SOAP fault (${msg.slice(0, 200)}): it may not support this operation, or is in trouble.`, { op }, 502);
  }
  return new UserError('device_bad_answer', `The device at ${xaddr} gave an answer to ${op} that is not ONVIF (${msg.slice(0, 200)}): is this address really an ONVIF device service?`, { op }, 502);
}

/** ONVIF (Profile S / Media1 + PTZ) through the `onvif` npm client. Every call has a deadline. */
export class OnvifAdapter implements DeviceAdapter {
  readonly kind = 'onvif';
  private readonly cam: CamLike;
  private readonly timeoutMs: number;
  private ready: Promise<void> | null = null;
  private clockOffset: number | null = null;

  constructor(readonly target: OnvifTarget) {
    const u = new URL(target.xaddr);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UserError('validation_failed', `ONVIF address '${target.xaddr}' must be http(s)://host[:port]/onvif/device_service`);
    this.timeoutMs = target.timeoutMs ?? 5000;
    this.cam = new Cam({
      hostname: u.hostname,
      port: Number(u.port) || (u.protocol === 'https:' ? 443 : 80),
      path: u.pathname,
      useSecure: u.protocol === 'https:',
      username: target.username,
      password: target.password,
      timeout: this.timeoutMs,
      autoconnect: false,
    } as never) as unknown as CamLike;
  }

  private call<T>(op: string, fn: (cb: Cb) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let done = false;
      const timer = setTimeout(() => finish(new Error(`timeout after ${this.timeoutMs} ms`)), this.timeoutMs + 500);
      const finish = (err: Error | null, data?: unknown) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (err) reject(deviceError(this.target.xaddr, op, err));
        else resolve(data as T);
      };
      try {
        fn(finish);
      } catch (err) {
        finish(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  /** Clock, services (GetServices, falling back to GetCapabilities) and profiles, once. */
  private connect(): Promise<void> {
    this.ready ??= (async () => {
      const sent = Date.now();
      const t = await this.call<Date>('GetSystemDateAndTime', (cb) => this.cam.getSystemDateAndTime(cb));
      const mid = (sent + Date.now()) / 2;
      // the device states whole seconds: the offset is accurate to about a second
      this.clockOffset = t instanceof Date && Number.isFinite(t.getTime()) ? Math.round(t.getTime() - mid) : null;
      try {
        await this.call('GetServices', (cb) => this.cam.getServices(true, cb));
      } catch (err) {
        if (err instanceof UserError && err.code === 'device_auth_failed') throw err;
        await this.call('GetCapabilities', (cb) => this.cam.getCapabilities(cb));
      }
      if (!this.cam.uri?.media) throw new UserError('device_no_media', `The device at ${this.target.xaddr} offers no media service: it has no video to onboard.`, undefined, 422);
      await this.call('GetProfiles', (cb) => this.cam.getProfiles(cb));
      if (!Array.isArray(this.cam.profiles) || this.cam.profiles.length === 0) throw new UserError('device_no_profiles', `The device at ${this.target.xaddr} lists no media profiles: configure a stream on it first.`, undefined, 422);
    })();
    this.ready.catch(() => {
      this.ready = null; // a later call may try again
    });
    return this.ready;
  }

  async info(): Promise<OnvifInfo> {
    await this.connect();
    const d = await this.call<Record<string, unknown>>('GetDeviceInformation', (cb) => this.cam.getDeviceInformation(cb));
    const s = (k: string) => (d && typeof d[k] !== 'undefined' ? String(d[k]) : '');
    return { manufacturer: s('manufacturer'), model: s('model'), firmwareVersion: s('firmwareVersion'), serialNumber: s('serialNumber'), hardwareId: s('hardwareId') };
  }

  /** The device's media profiles, largest first. */
  async profiles(): Promise<Array<{ token: string; name: string; width: number | null; height: number | null; ptz: boolean }>> {
    await this.connect();
    return (this.cam.profiles ?? [])
      .map((p) => ({
        token: String(p.$.token),
        name: String(p.name ?? p.$.token),
        width: p.videoEncoderConfiguration?.resolution ? Number(p.videoEncoderConfiguration.resolution.width) : null,
        height: p.videoEncoderConfiguration?.resolution ? Number(p.videoEncoderConfiguration.resolution.height) : null,
        ptz: !!p.PTZConfiguration || !!(p as Record<string, unknown>).PTZConfiguration || !!(p as Record<string, unknown>).ptzConfiguration,
      }))
      .sort((a, b) => (b.width ?? 0) * (b.height ?? 0) - (a.width ?? 0) * (a.height ?? 0));
  }

  /** One camera per device (its largest profile as main, the next as sub). */
  async cameras(): Promise<ForeignCamera[]> {
    const ps = await this.profiles();
    const main = ps[0]!;
    const sub = ps[1] ?? null;
    const mainUri = await this.profileStream(main.token);
    const subUri = sub ? await this.profileStream(sub.token) : null;
    const snapshotUri = await this.profileSnapshot(main.token);
    return [{ ref: main.token, name: main.name, mainUri, subUri, snapshotUri, ptz: !!this.cam.uri?.ptz, profiles: { main: main.token, sub: sub?.token ?? null } }];
  }

  async streamUri(ref: string, stream: 'main' | 'sub'): Promise<string> {
    const ps = await this.profiles();
    const token = stream === 'sub' ? (ps.find((p) => p.token !== ref)?.token ?? ref) : ref;
    return this.profileStream(token);
  }

  async snapshotUri(ref: string): Promise<string | null> {
    await this.connect();
    return this.profileSnapshot(ref);
  }

  private async profileStream(token: string): Promise<string> {
    const r = await this.call<{ uri?: unknown }>('GetStreamUri', (cb) => this.cam.getStreamUri({ profileToken: token, protocol: 'RTSP' }, cb));
    if (!r || typeof r.uri !== 'string' || !/^rtsps?:\/\//.test(r.uri)) throw new UserError('device_bad_answer', `The device at ${this.target.xaddr} gave no RTSP URI for profile '${token}'.`, undefined, 502);
    return r.uri;
  }

  private async profileSnapshot(token: string): Promise<string | null> {
    try {
      const r = await this.call<{ uri?: unknown }>('GetSnapshotUri', (cb) => this.cam.getSnapshotUri({ profileToken: token }, cb));
      return r && typeof r.uri === 'string' ? r.uri : null;
    } catch (err) {
      if (err instanceof UserError && err.code === 'device_fault') return null; // snapshots are optional in Profile S
      throw err;
    }
  }

  async health(): Promise<DeviceHealth> {
    const t0 = Date.now();
    try {
      this.ready = null;
      await this.connect();
      return { reachable: true, clockOffsetMs: this.clockOffset, latencyMs: Date.now() - t0 };
    } catch (err) {
      return { reachable: false, clockOffsetMs: null, latencyMs: Date.now() - t0, error: err instanceof Error ? err.message : String(err) };
    }
  }

  /** The device clock minus ours (ms), as measured when connecting. */
  async clockOffsetMs(): Promise<number | null> {
    await this.connect();
    return this.clockOffset;
  }

  private async needPtz(): Promise<void> {
    await this.connect();
    if (!this.cam.uri?.ptz) throw new UserError('device_no_ptz', `The device at ${this.target.xaddr} has no PTZ service.`, undefined, 422);
  }

  readonly ptz = {
    move: async (ref: string, v: PtzVelocity, timeoutMs?: number): Promise<void> => {
      await this.needPtz();
      await this.call('ContinuousMove', (cb) => this.cam.continuousMove({ profileToken: ref, x: v.pan, y: v.tilt, zoom: v.zoom, timeout: timeoutMs }, cb));
    },
    stop: async (ref: string): Promise<void> => {
      await this.needPtz();
      await this.call('Stop', (cb) => this.cam.stop({ profileToken: ref, panTilt: true, zoom: true }, cb));
    },
    presets: async (ref: string): Promise<Array<{ token: string; name: string }>> => {
      await this.needPtz();
      const r = await this.call<Record<string, { $?: { token?: string } }>>('GetPresets', (cb) => this.cam.getPresets({ profileToken: ref }, cb));
      return Object.entries(r ?? {}).map(([name, p]) => ({ token: String(p?.$?.token ?? ''), name }));
    },
    gotoPreset: async (ref: string, token: string): Promise<void> => {
      await this.needPtz();
      await this.call('GotoPreset', (cb) => this.cam.gotoPreset({ profileToken: ref, preset: token }, cb));
    },
  };

  async close(): Promise<void> {}
}
