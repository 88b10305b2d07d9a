/** Calls of the devices page (through the app's one fetch client). */
import { request } from '../../api/client';

export interface Discovered { endpoint: string; xaddrs: string[]; name: string | null; hardware: string | null }
export interface Probe {
  xaddr: string;
  info: { manufacturer: string; model: string; firmwareVersion: string; serialNumber: string };
  profiles: Array<{ token: string; name: string; width: number | null; height: number | null }>;
  clockOffsetMs: number | null;
  clockWarning: boolean;
  ptz: boolean;
  streams: { main: string; sub: string | null };
}
export interface Target { xaddr: string; username: string; password: string }
export interface OnboardInput extends Target {
  id: string;
  owner: string;
  location: { lat: number; lon: number; district: string };
}

export const devicesApi = {
  discover: (targets: Array<{ host: string; port: number }>) => request<{ items: Discovered[] }>('/api/devices/discover', { method: 'POST', json: { timeoutMs: 1000, ...(targets.length ? { targets } : {}) } }),
  probe: (t: Target) => request<Probe>('/api/devices/probe', { method: 'POST', json: t }),
  onboard: (o: OnboardInput) => request<{ cameras: Array<{ id: string; name: string }>; probe: Probe }>('/api/devices/onboard', { method: 'POST', json: o }),
};
