import path from 'node:path';
import type { Config } from '../config/schema';
import type { AuditAppender } from '../core/context';
import type { Logger } from '../core/logger';
import type { Clock } from '../core/time';
import type { BundleSigner } from '../evidence/bundle';
import type { ExportView } from '../evidence/export.service';
import type { ActionContext } from '../core/context';
import type { MediaTools } from '../media/ffmpeg';
import type { PlaybackService } from '../playback/playback.service';
import type { Store } from '../store/store';
import { FaceDetector } from './faces';
import { RedactionPool } from './redact-parallel';
import { MaskService } from './mask.service';
import { MaskedSegments } from './masked-segments';
import type { RedactionDetectors } from './redact';
import { ReleaseService } from './release.service';

export interface PrivacyRuntime {
  masks: MaskService;
  segments: MaskedSegments;
  releases: ReleaseService;
  close(): Promise<void>;
}

/** Assembles the privacy room (src/privacy): masks + gate, masked playback segments, masked/redacted releases. */
export function createPrivacy(d: {
  config: Config; store: Store; audit: AuditAppender; clock: Clock; log: Logger; tools: MediaTools; signer: BundleSigner;
  playback: PlaybackService; exports: () => { exportsDir: string; get(ctx: ActionContext, id: string): Promise<ExportView> };
}): PrivacyRuntime {
  const c = d.config.privacy;
  const log = d.log.child({ scope: 'privacy' });
  const masks = new MaskService(d.store, d.audit, d.clock, d.tools, { fillColor: c.fillColor, grid: c.maskGrid, encoder: c.encoder });
  const segments = new MaskedSegments(d.playback, masks, d.tools, path.join(d.config.dataDir, 'privacy', 'segments'), c.maskedSegmentCache.maxFiles, log);
  let detectors: Promise<RedactionDetectors> | undefined;
  const loaded: RedactionDetectors[] = [];
  let pool: Promise<RedactionPool> | undefined;
  const releases = new ReleaseService({
    store: d.store, audit: d.audit, clock: d.clock, log, tools: d.tools, signer: d.signer, site: d.config.site, dataDir: d.config.dataDir,
    exports: { get exportsDir() { return d.exports().exportsDir; }, get: (ctx, id) => d.exports().get(ctx, id) },
    masks,
    redaction: c.redaction,
    detectors: () => {
      detectors ??= (async () => {
        const faces = await FaceDetector.load({ threshold: c.redaction.faceThreshold, tile: c.redaction.faceTile });
        let plates = null;
        if (c.redaction.plates) {
          const { TextDetector } = await import('../plates/read/detector');
          const { defaultModelPaths } = await import('../plates/read/models');
          plates = await TextDetector.load({ detModel: defaultModelPaths().detModel, threads: 1 });
        }
        const r = { faces, plates };
        loaded.push(r);
        return r;
      })().catch((err: unknown) => {
        detectors = undefined;
        throw err;
      });
      return detectors;
    },
    pool: async () => {
      if (c.redaction.workers <= 1) return null;
      pool ??= RedactionPool.start(c.redaction.workers, { tools: d.tools, faces: { threshold: c.redaction.faceThreshold, tile: c.redaction.faceTile }, plates: c.redaction.plates }, log).catch((err: unknown) => {
        pool = undefined;
        throw err;
      });
      return pool;
    },
  });
  return {
    masks,
    segments,
    releases,
    async close() {
      await releases.idle();
      for (const r of loaded) await r.faces.dispose();
      if (pool) await (await pool.catch((err: unknown) => { log.warn({ err: String(err) }, 'redaction workers had failed to start'); return null; }))?.close();
    },
  };
}
