/** Calls of the federation page (through the app's one fetch client). */
import { request } from '../../api/client';

export interface PeerHealth {
  siteId: string;
  name: string | null;
  url: string;
  state: 'unknown' | 'ok' | 'timeout' | 'down' | 'refused';
  latencyMs: number | null;
  lastError: string | null;
  cameras: number;
  inventoryAgeMs: number | null;
}

export interface RemoteCamera {
  ref: string;
  site: string;
  remoteId: string;
  name: string;
  lat: number;
  lon: number;
  district: string;
  owner: string;
  stale: boolean;
  policy: { live: boolean; playbackHours: number; retentionDays: number; analytics: boolean; roles: string[] };
}

export interface SiteStatus {
  site: string;
  state: string;
  ms: number;
  results: number;
  message: string | null;
  local: boolean;
}

export interface FederatedSighting {
  id: string;
  plate: string;
  site: string;
  cameraRef: string;
  seenAt: number;
  confidence: number;
}

export interface FederatedTrack {
  id: string;
  site: string;
  cameraRef: string;
  startedAt: number;
  class: string;
  upperColour: string | null;
  lowerColour: string | null;
  cropUrl: string | null;
}

export interface TrackDescription {
  from: number;
  to: number;
  classes?: string[];
  upperColour?: string[];
  lowerColour?: string[];
}

export const federationApi = {
  peers: (signal?: AbortSignal) => request<{ items: PeerHealth[] }>('/api/federation/peers', { signal }),
  refresh: () => request<{ items: PeerHealth[] }>('/api/federation/peers/refresh', { method: 'POST' }),
  cameras: (signal?: AbortSignal) => request<{ items: RemoteCamera[] }>('/api/federation/cameras', { signal }),
  searchPlates: (plate: string, purpose: string, caseRef: string) =>
    request<{ items: FederatedSighting[]; sites: SiteStatus[]; partial: boolean }>('/api/federation/search/plates', { method: 'POST', json: { plate }, headers: { 'X-Purpose': purpose, 'X-Case-Ref': caseRef } }),
  searchTracks: (filter: TrackDescription, purpose: string, caseRef: string) =>
    request<{ items: FederatedTrack[]; sites: SiteStatus[]; partial: boolean }>('/api/federation/search/tracks', { method: 'POST', json: { filter }, headers: { 'X-Purpose': purpose, 'X-Case-Ref': caseRef } }),
};

/** The WebSocket of a remote camera's live view relayed by this site. */
export function remoteLiveUrl(ref: string, purpose: string, loc: Location = window.location): string {
  const q = purpose ? `?purpose=${encodeURIComponent(purpose)}` : '';
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/api/federation/cameras/${encodeURIComponent(ref)}/live/ws${q}`;
}
