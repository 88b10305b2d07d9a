import path from 'node:path';
import type { AccessPolicy } from '../access/policy';
import { CaseService } from '../cases/cases.service';
import type { Config } from '../config/schema';
import type { AuditAppender } from '../core/context';
import { errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import type { Clock } from '../core/time';
import type { Detection, RgbImage } from '../detect/types';
import type { MediaTools } from '../media/ffmpeg';
import { loadEmbedder, type Embedder } from '../reid/index';
import type { Store } from '../store/store';
import { bytesToVector } from '../reid/vector';
import { AnnPartitions, type PartitionSource } from './ann/partitions';
import { LiveCoverage } from './coverage';
import { CoverageService } from './coverage.service';
import { TrackIndexer } from './indexer';
import { TrackPartitions } from './partitions';
import { TrackIndexRepository } from './tracks.repository';
import { JourneyService, type JourneyExportPort } from './journey.service';
import { SearchService } from './search.service';

export { TrackIndexer } from './indexer';

/** The track index as the ANN partitions read it. */
export function annSource(store: Store): PartitionSource {
  return {
    async page(model, from, to, afterId, limit) {
      const rows = await new TrackIndexRepository(store.db).embeddingPage(model, from, to, afterId, limit);
      return rows.map((r) => ({ id: r.id, vector: bytesToVector(r.embedding) }));
    },
  };
}

export interface ForensicDeps {
  config: Config;
  store: Store;
  audit: AuditAppender;
  clock: Clock;
  log: Logger;
  tools: MediaTools;
  /** Detector for uploaded pictures (the analytics pool). */
  detect?: (image: RgbImage) => Promise<Detection[] | null>;
  /** Evidence export (journey bundles); a getter, as app.ts builds it after the forensic rooms. */
  exports?: () => JourneyExportPort;
  /** The purpose-bound access policy (src/access); default: the default table. */
  access?: AccessPolicy;
}

export interface Forensic {
  cases: CaseService;
  search: SearchService;
  journeys: JourneyService;
  /** Recorded footage the index has never seen (on-demand analysis). */
  coverage: CoverageService;
  /** PostgreSQL: monthly partitions of search_tracks (the scheduler keeps two months ahead). */
  partitions: TrackPartitions;
  /** The ingest side: the analytics pipeline hands finished tracks to it. */
  indexer: TrackIndexer;
  /** Per-day ANN indexes of "find similar" over large filtered sets. */
  ann: AnnPartitions;
  /** Builds the ANN index of the UTC day containing `day` for the configured model (a scheduler runs it after midnight). */
  buildAnnDay(day: number): Promise<number>;
  close(): Promise<void>;
}

/** Cases, the track index, search and journeys (src/cases, src/search), wired once per process by app.ts. */
export function createForensic(d: ForensicDeps): Forensic {
  const s = d.config.analytics.search;
  const log = d.log.child({ scope: 'search' });
  let embedderP: Promise<Embedder> | undefined;
  // Loaded on first use, so nodes that never index or search load no model; a failed load is retried.
  const embedder = () => (embedderP ??= loadEmbedder({ model: s.reidModel, threads: s.reidThreads }).catch((err: unknown) => {
    embedderP = undefined;
    throw err;
  }));
  const cases = new CaseService(d.store, d.audit, d.clock, log);
  const live = new LiveCoverage({ store: d.store, log, node: d.config.site.id, now: () => d.clock.now() });
  live.start();
  const partitions = new TrackPartitions(d.store, log);
  const indexer = new TrackIndexer({ store: d.store, tools: d.tools, log, embedder, cropRoot: path.join(d.config.dataDir, 'search-crops'), minHits: s.minHits, coverage: live, partitions });
  const ann = new AnnPartitions({ source: annSource(d.store), log, shardSize: s.annShardSize, buildThreads: s.annBuildThreads });
  const search = new SearchService({ store: d.store, audit: d.audit, cases, tools: d.tools, embedder, detect: d.detect, readCrop: (rel, id) => indexer.readCrop(rel, id), exactCap: s.exactCap, ann, access: d.access });
  const journeys = new JourneyService({ store: d.store, audit: d.audit, cases, clock: d.clock, walkingSpeedMs: s.walkingSpeedMs, drivingSpeedMs: s.drivingSpeedMs, exports: d.exports, access: d.access });
  const coverage = new CoverageService({ store: d.store, audit: d.audit, cases, live });
  return {
    cases, search, journeys, coverage, partitions, indexer, ann,
    async buildAnnDay(day) {
      return ann.build((await embedder()).modelId, day);
    },
    async close() {
      await indexer.idle();
      await live.stop();
      const e = await embedderP?.catch((err: unknown) => {
        log.warn({ err: errorMessage(err) }, 'the re-id model never loaded; nothing to close');
        return null;
      });
      await e?.close();
    },
  };
}
