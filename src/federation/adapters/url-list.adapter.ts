import { ValidationError } from '../../core/errors';
import type { DeviceAdapter, DeviceHealth, ForeignCamera } from './adapter';

export interface UrlListEntry {
  ref: string;
  name: string;
  url: string;
  subUrl?: string | null;
}

const SCHEMES = ['rtsp:', 'rtsps:', 'http:', 'https:'];

/** Plain RTSP / HLS URL lists: a "system" that is just addresses. No PTZ, recordings or events. */
export class UrlListAdapter implements DeviceAdapter {
  readonly kind = 'url-list';

  constructor(private readonly entries: UrlListEntry[]) {
    const seen = new Set<string>();
    for (const e of entries) {
      for (const u of [e.url, e.subUrl].filter((x): x is string => !!x)) {
        let parsed: URL;
        try {
          parsed = new URL(u);
        } catch (err) {
          throw new ValidationError(`entry '${e.ref}': '${u.slice(0, 100)}' is not a URL (expected rtsp://host/path or https://host/stream.m3u8)`, { url: u.slice(0, 100), error: String(err) });
        }
        if (!SCHEMES.includes(parsed.protocol)) throw new ValidationError(`entry '${e.ref}': scheme '${parsed.protocol}' is not rtsp, rtsps, http or https`);
      }
      if (seen.has(e.ref)) throw new ValidationError(`entry '${e.ref}' appears twice: each camera needs its own ref`);
      seen.add(e.ref);
    }
  }

  async cameras(): Promise<ForeignCamera[]> {
    return this.entries.map((e) => ({ ref: e.ref, name: e.name, mainUri: e.url, subUri: e.subUrl ?? null, snapshotUri: null, ptz: false, profiles: null }));
  }

  async streamUri(ref: string, stream: 'main' | 'sub'): Promise<string> {
    const e = this.entries.find((x) => x.ref === ref);
    if (!e) throw new ValidationError(`no entry '${ref}' in the URL list`);
    return stream === 'sub' && e.subUrl ? e.subUrl : e.url;
  }

  async snapshotUri(): Promise<string | null> {
    return null;
  }

  async health(): Promise<DeviceHealth> {
    return { reachable: true, clockOffsetMs: null, latencyMs: 0 };
  }

  async close(): Promise<void> {}
}
