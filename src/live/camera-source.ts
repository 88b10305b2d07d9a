import type { Camera } from '../cameras/camera.model';
import { CameraRepository } from '../cameras/camera.repository';
import { OperationalError } from '../core/errors';
import { ffmpegInputArgs, type StreamSource } from '../ingest/source';
import type { SecretBox } from '../keys/secret-box';
import type { Store } from '../store/store';

export type StreamRole = 'main' | 'sub';

/**
 * The stream of a camera as ffmpeg opens it: URL (main or sub-stream) with the stored credentials
 * decrypted at spawn time only. Callers have already authorised access to the camera.
 */
export class CameraSources {
  constructor(
    private readonly store: Store,
    private readonly secrets: SecretBox,
    private readonly opts: { defaultTransport: 'tcp' | 'udp'; timeoutMs?: number },
  ) {}

  /** 'auto' picks the sub-stream when the camera has one (lighter for grids), else the main stream. */
  static pick(camera: Camera, wanted: 'auto' | StreamRole): StreamRole {
    if (wanted === 'main') return 'main';
    return camera.source.subUrl ? 'sub' : 'main';
  }

  async source(camera: Camera, role: StreamRole): Promise<StreamSource> {
    const url = role === 'sub' && camera.source.subUrl ? camera.source.subUrl : camera.source.url;
    const src: StreamSource = { url, transport: camera.source.transport };
    if (camera.source.hasCredentials) {
      const cred = await new CameraRepository(this.store.db).credentials(camera.id);
      if (cred) {
        try {
          src.username = cred.username || undefined;
          src.password = this.secrets.open(cred.secret) || undefined;
        } catch (err) {
          throw new OperationalError('credentials_unreadable', `The stored credentials of camera '${camera.id}' cannot be decrypted (was keys/secrets.key replaced?)`, { cause: err });
        }
      }
    }
    return src;
  }

  /**
   * ffmpeg input arguments (up to and including -i). Probing is short by default for a prompt
   * start (0.5 s: most of a cold start is spent here); `patient` probes 5 s / 5 MB, for sources
   * whose parameters only come with a keyframe (MPEG-TS over HTTP with a long GOP).
   */
  async inputArgs(camera: Camera, role: StreamRole, patient = false): Promise<string[]> {
    const src = await this.source(camera, role);
    return [...probeArgs(patient), ...ffmpegInputArgs(src, { defaultTransport: this.opts.defaultTransport, timeoutMs: this.opts.timeoutMs })];
  }
}

/** Input probing: short (0.5 s) for a prompt start, or patient (5 s / 5 MB) after a run that could not recognise the stream. */
export function probeArgs(patient: boolean): string[] {
  return patient ? ['-probesize', '5000000', '-analyzeduration', '5000000'] : ['-probesize', '1000000', '-analyzeduration', '500000'];
}

/**
 * ffmpeg output arguments for live: video only, fragmented MP4 on stdout. Stream copy by default
 * (no decoding); `transcode` re-encodes to H.264 for browsers that cannot play the camera's codec
 * (H.265), at a CPU cost — see docs/design/live-view.md.
 */
export function liveOutputArgs(o: { fragmentMs: number; transcode: boolean }): string[] {
  const codec = o.transcode
    ? ['-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p', '-profile:v', 'main', '-vf', 'scale=-2:min(720\\,ih)', '-force_key_frames', 'expr:gte(t,n_forced*1)', '-bf', '0']
    : ['-c:v', 'copy'];
  return [
    '-map', '0:v:0', ...codec, '-an', '-sn', '-dn',
    '-f', 'mp4', '-movflags', 'frag_keyframe+empty_moov+default_base_moof', '-frag_duration', String(o.fragmentMs * 1000),
    '-flush_packets', '1', 'pipe:1',
  ];
}
