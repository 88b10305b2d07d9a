/**
 * The adapter interface for third-party video systems that are not SmartView (ONVIF devices, plain
 * RTSP/HLS URL lists, vendor VMSs). An adapter speaks the foreign system's protocol and answers in
 * these shapes; the devices service (src/federation/devices) turns them into inventory cameras.
 * Required: cameras, streamUri, health. Optional capabilities are absent (undefined) when the system
 * lacks them; callers check `capabilities` first. See docs/design/federation-devices.md
 * ("How to add a vendor adapter").
 */
export interface ForeignCamera {
  /** Stable id inside the foreign system (an ONVIF profile's video source, a list row's key). */
  ref: string;
  name: string;
  /** Main and (when present) sub stream of the camera. */
  mainUri: string;
  subUri: string | null;
  snapshotUri: string | null;
  ptz: boolean;
  /** ONVIF profile tokens (PTZ and stream requests go by them); null for non-ONVIF systems. */
  profiles: { main: string; sub: string | null } | null;
}

export interface DeviceHealth {
  reachable: boolean;
  /** The device clock minus ours, ms (null when the system does not tell its time). */
  clockOffsetMs: number | null;
  latencyMs: number;
  error?: string;
}

export interface RecordingSpan {
  from: number;
  to: number;
  uri: string;
}

export interface PtzVelocity {
  /** -1..1 each */
  pan: number;
  tilt: number;
  zoom: number;
}

export interface PtzControl {
  move(ref: string, v: PtzVelocity, timeoutMs?: number): Promise<void>;
  stop(ref: string): Promise<void>;
  presets(ref: string): Promise<Array<{ token: string; name: string }>>;
  gotoPreset(ref: string, token: string): Promise<void>;
}

export interface DeviceAdapter {
  readonly kind: string;
  cameras(): Promise<ForeignCamera[]>;
  streamUri(ref: string, stream: 'main' | 'sub'): Promise<string>;
  snapshotUri(ref: string): Promise<string | null>;
  health(): Promise<DeviceHealth>;
  /** Recordings stored by the foreign system for a time range (optional). */
  recordings?(ref: string, from: number, to: number): Promise<RecordingSpan[]>;
  /** Events of the foreign system since a time (optional). */
  events?(since: number): Promise<Array<{ ref: string; at: number; type: string }>>;
  ptz?: PtzControl;
  close(): Promise<void>;
}
