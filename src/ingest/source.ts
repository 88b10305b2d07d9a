import { ValidationError } from '../core/errors';

/** A camera stream as ffmpeg opens it. Credentials are added to the URL only here, at spawn time. */
export interface StreamSource {
  url: string; // without credentials
  transport: 'tcp' | 'udp' | 'auto';
  username?: string;
  password?: string;
}

export interface InputOptions {
  /** Transport for 'auto' (config recording.rtspTransport). */
  defaultTransport: 'tcp' | 'udp';
  /** I/O timeout: a source that sends nothing for this long fails instead of hanging. */
  timeoutMs?: number;
  /** For file sources: loop forever at real-time speed (test and replay sources). Default true. */
  loopFiles?: boolean;
  /** For file sources: read at the frame rate (-re). Default true; probes read as fast as they can. */
  realtime?: boolean;
}

export function withCredentials(url: string, username?: string, password?: string): string {
  if (!username && !password) return url;
  const u = new URL(url);
  u.username = encodeURIComponent(username ?? '');
  u.password = encodeURIComponent(password ?? '');
  return u.toString();
}

/** ffmpeg input arguments (everything up to and including `-i URL`) for a source. */
export function ffmpegInputArgs(src: StreamSource, o: InputOptions): string[] {
  const timeoutUs = String((o.timeoutMs ?? 10_000) * 1000);
  let u: URL;
  try {
    u = new URL(src.url);
  } catch {
    throw new ValidationError('source URL is not a valid URL');
  }
  switch (u.protocol) {
    case 'rtsp:':
    case 'rtsps:': {
      const transport = src.transport === 'auto' ? o.defaultTransport : src.transport;
      return ['-rtsp_transport', transport, '-timeout', timeoutUs, '-fflags', '+genpts', '-i', withCredentials(src.url, src.username, src.password)];
    }
    case 'http:':
    case 'https:':
      return ['-rw_timeout', timeoutUs, '-fflags', '+genpts', '-i', withCredentials(src.url, src.username, src.password)];
    case 'file:': {
      const path = decodeURIComponent(u.pathname);
      const re = o.realtime === false ? [] : ['-re'];
      return o.loopFiles === false ? [...re, '-i', path] : [...re, '-stream_loop', '-1', '-i', path];
    }
    default:
      throw new ValidationError(`unsupported source scheme '${u.protocol}'`);
  }
}
