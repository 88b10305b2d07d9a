import { authorize } from '../../auth/guard';
import { cameraInputSchema, type Camera, type ValidCameraInput } from '../../cameras/camera.model';
import type { CameraService } from '../../cameras/camera.service';
import type { ActionContext, AuditAppender, AuditEntryInput } from '../../core/context';
import { AppError, UserError, ValidationError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { AccessPolicy } from '../../access/policy';
import type { CameraSources } from '../../live/camera-source';
import { enforceSharing } from '../../playback/sharing';
import type { Store } from '../../store/store';
import type { PtzVelocity } from '../adapters/adapter';
import { OnvifAdapter, type OnvifInfo, type OnvifTarget } from '../adapters/onvif.adapter';
import { discover, type DiscoveredDevice } from './ws-discovery';

/** Tags an onboarded ONVIF camera carries: how PTZ finds its device and profile again. */
export const ONVIF_TAG = 'onvif';
const XADDR_TAG = 'onvif=';
const PROFILE_TAG = 'onvif-profile=';

export interface ProbeResult {
  xaddr: string;
  info: OnvifInfo;
  profiles: Awaited<ReturnType<OnvifAdapter['profiles']>>;
  clockOffsetMs: number | null;
  /** true when the device clock is off by more than `clockToleranceMs` (recordings would carry wrong times). */
  clockWarning: boolean;
  ptz: boolean;
  streams: { main: string; sub: string | null; snapshot: string | null };
}

export interface OnboardInput extends OnvifTarget {
  id: string;
  name?: string;
  owner: string;
  location: { lat: number; lon: number; district: string; address?: string };
  sharing?: { liveAllowed?: boolean; playbackAllowed?: boolean; retentionDays?: number | null };
  tags?: string[];
}

export type PtzAction = { op: 'move'; velocity: PtzVelocity; timeoutMs?: number } | { op: 'stop' } | { op: 'goto'; preset: string };

export interface DevicesDeps {
  store: Store;
  audit: AuditAppender;
  cameras: CameraService;
  sources: CameraSources;
  access: AccessPolicy;
  log: Logger;
  /** The adapter for a target (tests may point it elsewhere); defaults to the ONVIF adapter. */
  adapter?: (t: OnvifTarget) => OnvifAdapter;
  clockToleranceMs?: number;
}

/** ONVIF devices: discover, probe, onboard into the camera inventory, and PTZ of onboarded cameras. */
export class DevicesService {
  private readonly adapter: (t: OnvifTarget) => OnvifAdapter;

  constructor(private readonly d: DevicesDeps) {
    this.adapter = d.adapter ?? ((t) => new OnvifAdapter(t));
  }

  private async audit(ctx: ActionContext, entry: AuditEntryInput): Promise<void> {
    await this.d.audit.recordStandalone(ctx, entry);
  }

  /** Runs `fn`, auditing a failure (outcome 'failed', with the error code) before rethrowing it. */
  private async audited<T>(ctx: ActionContext, entry: AuditEntryInput, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const code = err instanceof AppError ? err.code : 'internal';
      this.d.log.warn({ err, action: entry.action, targetId: entry.targetId }, 'device operation failed');
      await this.audit(ctx, { ...entry, outcome: 'failed', details: { ...entry.details, error: code } });
      throw err;
    }
  }

  async discover(ctx: ActionContext, o: { timeoutMs: number; targets?: Array<{ host: string; port: number }> }): Promise<DiscoveredDevice[]> {
    authorize(ctx, 'camera.write');
    const devices = await this.audited(ctx, { action: 'device.discover', targetType: 'device' }, () => discover(o));
    await this.audit(ctx, { action: 'device.discover', targetType: 'device', details: { found: devices.length, xaddrs: devices.flatMap((d) => d.xaddrs).slice(0, 100) } });
    return devices;
  }

  async probe(ctx: ActionContext, t: OnvifTarget): Promise<ProbeResult> {
    authorize(ctx, 'camera.write');
    const entry: AuditEntryInput = { action: 'device.probe', targetType: 'device', targetId: t.xaddr };
    const result = await this.audited(ctx, entry, async () => {
      const a = this.adapter(t);
      try {
        const info = await a.info();
        const profiles = await a.profiles();
        const clockOffsetMs = await a.clockOffsetMs();
        const [cam] = await a.cameras();
        return {
          xaddr: t.xaddr, info, profiles, clockOffsetMs,
          clockWarning: clockOffsetMs !== null && Math.abs(clockOffsetMs) > (this.d.clockToleranceMs ?? 5000),
          ptz: cam!.ptz,
          streams: { main: redactUri(cam!.mainUri), sub: cam!.subUri && redactUri(cam!.subUri), snapshot: cam!.snapshotUri && redactUri(cam!.snapshotUri) },
        } satisfies ProbeResult;
      } finally {
        await a.close();
      }
    });
    await this.audit(ctx, { ...entry, details: { serial: result.info.serialNumber, model: result.info.model, clockOffsetMs: result.clockOffsetMs } });
    return result;
  }

  /**
   * Creates the device's camera in the inventory through the cameras service (owner, sharing,
   * credentials stored encrypted). Everything is asked of the device first; the inventory is
   * written in one transaction, so a device that fails half-way leaves nothing behind.
   */
  async onboard(ctx: ActionContext, o: OnboardInput): Promise<{ cameras: Camera[]; probe: ProbeResult }> {
    authorize(ctx, 'camera.write');
    const xaddrTag = `${XADDR_TAG}${o.xaddr}`;
    if (xaddrTag.length > 64) throw new ValidationError(`The device address is too long to keep with the camera (${o.xaddr.length} characters; at most ${64 - XADDR_TAG.length}): use the device's IP address.`);
    const probe = await this.probe(ctx, o);
    const a = this.adapter(o);
    const inputs: ValidCameraInput[] = await this.audited(ctx, { action: 'device.onboard', targetType: 'device', targetId: o.xaddr }, async () => {
      const cams = await a.cameras();
      return cams.map((c, i) => {
        const parsed = cameraInputSchema.safeParse({
          id: cams.length === 1 ? o.id : `${o.id}-${i + 1}`,
          name: o.name ?? `${probe.info.manufacturer} ${probe.info.model} ${c.name}`.trim(),
          owner: o.owner,
          location: { address: '', ...o.location },
          source: { url: c.mainUri, subUrl: c.subUri, transport: 'auto', username: o.username, password: o.password },
          tags: [...new Set([...(o.tags ?? []), ONVIF_TAG, xaddrTag, `${PROFILE_TAG}${c.ref}`])],
          sharing: o.sharing,
        });
        if (!parsed.success) throw new ValidationError(`The camera from ${o.xaddr} cannot be added: ${parsed.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`);
        return parsed.data;
      });
    });
    await this.d.cameras.import(ctx, { rows: inputs.map((input, i) => ({ row: i + 1, id: input.id, input, errors: [] })), fileErrors: [] }, `onvif:${o.xaddr}`);
    await this.audit(ctx, { action: 'device.onboard', targetType: 'device', targetId: o.xaddr, cameraIds: inputs.map((i) => i.id), details: { serial: probe.info.serialNumber, model: probe.info.model } });
    const cameras = await Promise.all(inputs.map((i) => this.d.cameras.get(ctx, i.id)));
    return { cameras, probe };
  }

  /** The ONVIF device and profile of an onboarded camera, with its stored credentials. */
  private async deviceOf(camera: Camera): Promise<{ adapter: OnvifAdapter; profile: string }> {
    const xaddr = camera.tags.find((t) => t.startsWith(XADDR_TAG))?.slice(XADDR_TAG.length);
    const profile = camera.tags.find((t) => t.startsWith(PROFILE_TAG))?.slice(PROFILE_TAG.length);
    if (!xaddr || !profile) throw new UserError('not_onvif', `Camera '${camera.id}' was not onboarded from an ONVIF device: it has no PTZ control here.`, undefined, 422);
    const src = await this.d.sources.source(camera, 'main');
    return { adapter: this.adapter({ xaddr, username: src.username ?? '', password: src.password ?? '' }), profile };
  }

  /** PTZ of an onboarded camera: needs live view in scope, a stated purpose (the live row of the access policy) and the owner's live sharing. */
  async ptz(ctx: ActionContext, cameraId: string, action: PtzAction): Promise<void> {
    authorize(ctx, 'live.view');
    const camera = await this.d.cameras.get(ctx, cameraId);
    const actx = await this.d.access.require(ctx, 'live', { action: 'ptz.control', cameras: [camera], details: { op: action.op } });
    await enforceSharing(this.d.store, this.d.audit, actx, camera, 'live', 'ptz.control', { op: action.op });
    const { adapter, profile } = await this.deviceOf(camera);
    const entry: AuditEntryInput = { action: 'ptz.control', targetType: 'camera', targetId: camera.id, cameraIds: [camera.id], details: { ...action } };
    await this.audited(actx, entry, async () => {
      if (action.op === 'move') await adapter.ptz.move(profile, action.velocity, action.timeoutMs);
      else if (action.op === 'stop') await adapter.ptz.stop(profile);
      else await adapter.ptz.gotoPreset(profile, action.preset);
    });
    await this.audit(actx, entry);
  }

  async presets(ctx: ActionContext, cameraId: string): Promise<Array<{ token: string; name: string }>> {
    authorize(ctx, 'live.view');
    const camera = await this.d.cameras.get(ctx, cameraId);
    const actx = await this.d.access.require(ctx, 'live', { action: 'ptz.presets', cameras: [camera] });
    await enforceSharing(this.d.store, this.d.audit, actx, camera, 'live', 'ptz.presets', {});
    const { adapter, profile } = await this.deviceOf(camera);
    const entry: AuditEntryInput = { action: 'ptz.presets', targetType: 'camera', targetId: camera.id, cameraIds: [camera.id] };
    const list = await this.audited(actx, entry, () => adapter.ptz.presets(profile));
    await this.audit(actx, entry);
    return list;
  }
}

/** A stream URI without credentials in it (the API never shows them). */
function redactUri(u: string): string {
  try {
    const url = new URL(u);
    url.username = '';
    url.password = '';
    return url.toString();
  } catch (err) {
    return `(unparseable URI: ${String(err).slice(0, 60)})`;
  }
}
