import { mkdir, readdir, rename, rm, stat, utimes } from 'node:fs/promises';
import path from 'node:path';
import type { ActionContext } from '../core/context';
import { errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import { runFfmpeg, type MediaTools } from '../media/ffmpeg';
import { maskedSegmentArgs } from '../media/privacy-filters';
import type { PlaybackService } from '../playback/playback.service';
import type { MaskService } from './mask.service';

/**
 * Masked playback: the segments of a masked playlist are transcoded on demand (drawbox fill, libx264, the
 * original's timestamps kept) and cached on disk, least recently used removed first. Authorised per request
 * exactly like the original segment route (playback.view, scope, sharing); not audited per segment — the
 * playlist was. Concurrent requests for the same segment share one transcode.
 */
export class MaskedSegments {
  private readonly inflight = new Map<string, Promise<string>>();

  constructor(
    private readonly playback: PlaybackService,
    private readonly masks: MaskService,
    private readonly tools: MediaTools,
    private readonly dir: string,
    private readonly maxFiles: number,
    private readonly log: Logger,
  ) {}

  async get(ctx: ActionContext, segmentId: number): Promise<{ path: string; size: number; masked: boolean }> {
    const { segment, file } = await this.playback.segment(ctx, segmentId, { willMask: true });
    const d = await this.masks.decide(ctx, segment.cameraId, false);
    if (!d.masked) return { path: file.path, size: file.size, masked: false }; // the masks were removed since the playlist
    const out = path.join(this.dir, `${segment.id}-v${d.version}.ts`);
    let p = this.inflight.get(out);
    if (!p) {
      p = this.make(file.path, out, this.masks.filter(d)).finally(() => this.inflight.delete(out));
      this.inflight.set(out, p);
    }
    await p;
    const st = await stat(out);
    return { path: out, size: st.size, masked: true };
  }

  private async make(input: string, out: string, filter: string): Promise<string> {
    const hit = await stat(out).then(() => true, (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return false;
      throw err;
    });
    if (hit) {
      const now = new Date();
      await utimes(out, now, now); // most recently used
      return out;
    }
    await mkdir(this.dir, { recursive: true });
    const partial = `${out}.partial`;
    await runFfmpeg(this.tools, maskedSegmentArgs({ input, output: partial, filter, encoder: { ...this.masks.encoder(), preset: 'ultrafast' } }), { timeoutMs: 120_000 });
    await rename(partial, out);
    void this.evict().catch((err: unknown) => this.log.warn({ err: errorMessage(err) }, 'masked segment cache eviction failed'));
    return out;
  }

  private async evict(): Promise<void> {
    const names = (await readdir(this.dir)).filter((n) => n.endsWith('.ts'));
    if (names.length <= this.maxFiles) return;
    const withTimes = await Promise.all(names.map(async (n) => ({ n, t: (await stat(path.join(this.dir, n))).mtimeMs })));
    withTimes.sort((a, b) => a.t - b.t);
    for (const f of withTimes.slice(0, names.length - this.maxFiles)) await rm(path.join(this.dir, f.n), { force: true });
  }
}
