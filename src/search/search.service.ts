import { AccessPolicy } from '../access/policy';
import { authorize } from '../auth/guard';
import type { Scope } from '../auth/permissions';
import type { CaseService } from '../cases/cases.service';
import type { ActionContext, AuditAppender } from '../core/context';
import { NotFoundError, OperationalError, UserError } from '../core/errors';
import type { Detection, RgbImage } from '../detect/types';
import type { MediaTools } from '../media/ffmpeg';
import type { Embedder } from '../reid/types';
import { bytesToVector } from '../reid/vector';
import type { Store } from '../store/store';
import type { IndexedTrack, SimilarQuery, TrackFilter } from './model';
import type { AnnPartitions } from './ann/partitions';
import { rankExact, type Hit } from './rank';
import { TrackIndexRepository } from './tracks.repository';
import { decodeUpload, targetCrop } from './upload';

export interface SearchServiceDeps {
  store: Store;
  audit: AuditAppender;
  cases: CaseService;
  tools: MediaTools;
  embedder: () => Promise<Embedder>;
  /** The detector for uploaded pictures (the analytics detector pool); null result = pool saturated. */
  detect?: (image: RgbImage) => Promise<Detection[] | null>;
  readCrop: (rel: string, id: string) => Promise<Buffer>;
  /** Most embeddings ranked exactly per query; larger filtered sets go to the ANN partitions. */
  exactCap?: number;
  /** Per-day ANN indexes (absent: always exact, capped at exactCap newest). */
  ann?: AnnPartitions;
  /** The purpose-bound access policy (src/access); default: the default table over `cases`. */
  access?: AccessPolicy;
}

/** A filter as the audit trail shows it: what was asked, without the uploaded picture. */
const describe = (f: TrackFilter) => Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined));

/**
 * Forensic search over the track index: by description (attributes, time, place) and by example (a track,
 * a crop or a picture, ranked by appearance). Needs 'search.run', and runs only inside a case the caller
 * is authorised for; every search is audited with the case reference, what was asked and how many
 * results it gave. Results are limited to the caller's scope.
 */
export class SearchService {
  private readonly access: AccessPolicy;

  constructor(private readonly d: SearchServiceDeps) {
    this.access = d.access ?? new AccessPolicy({ store: d.store, audit: d.audit, cases: d.cases });
  }

  async searchTracks(ctx: ActionContext, q: { filter: TrackFilter; limit: number; cursor?: string }): Promise<{ items: IndexedTrack[]; nextCursor: string | null }> {
    const scopes = authorize(ctx, 'search.run');
    ctx = await this.access.require(ctx, 'personSearch', { action: 'search.tracks' });
    const page = await new TrackIndexRepository(this.d.store.db).search(q.filter, scopes, q.limit, q.cursor);
    await this.audited(ctx, 'search.tracks', { filter: describe(q.filter), cursor: q.cursor ?? null, results: page.items.length }, page.items);
    return page;
  }

  async getTrack(ctx: ActionContext, id: string): Promise<IndexedTrack> {
    const scopes = authorize(ctx, 'search.run');
    ctx = await this.access.require(ctx, 'personSearch', { action: 'search.track_view' });
    const t = await new TrackIndexRepository(this.d.store.db).get(id, scopes);
    if (!t) throw new NotFoundError('indexed track', id);
    const { embedding: _e, cropPath: _c, ...track } = t;
    await this.audited(ctx, 'search.track_view', { trackId: id }, [track]);
    return track;
  }

  /** The best crop of a result (results were audited when found, so crops are not audited one by one). */
  async crop(ctx: ActionContext, id: string): Promise<Buffer> {
    const scopes = authorize(ctx, 'search.run');
    ctx = await this.access.require(ctx, 'personSearch', { action: 'search.crop' });
    const t = await new TrackIndexRepository(this.d.store.db).get(id, scopes);
    if (!t?.cropPath) throw new NotFoundError('crop of indexed track', id);
    return this.d.readCrop(t.cropPath, id);
  }

  async similar(ctx: ActionContext, q: SimilarQuery): Promise<{ items: (IndexedTrack & { similarity: number })[]; model: string; candidates: number; method: 'exact' | 'ann' }> {
    const scopes = authorize(ctx, 'search.run');
    ctx = await this.access.require(ctx, 'personSearch', { action: 'search.similar' });
    const repo = new TrackIndexRepository(this.d.store.db);
    let query: Float32Array;
    let model: string;
    let source: Record<string, unknown>;
    if (q.trackId) {
      const t = await repo.get(q.trackId, scopes);
      if (!t) throw new NotFoundError('indexed track', q.trackId);
      if (!t.embedding || !t.embeddingModel) throw new UserError('track_without_embedding', `Track '${q.trackId}' has no appearance embedding (no usable crop was kept): search by description, or by a picture of the target`, { trackId: q.trackId }, 422);
      query = bytesToVector(t.embedding);
      model = t.embeddingModel;
      source = { trackId: q.trackId };
    } else {
      const image = await decodeUpload(this.d.tools, q.image!);
      let crop = image;
      let label: string | null = null;
      if (!q.imageIsCrop) {
        if (!this.d.detect) throw new UserError('detector_unavailable', 'This server has no detector for uploaded pictures: upload a crop of the target with imageIsCrop: true', undefined, 422);
        const dets = await this.d.detect(image);
        if (dets === null) throw new OperationalError('detector_busy', 'The detector pool is saturated right now: try again in a few seconds');
        ({ crop, label } = targetCrop(image, dets));
      }
      const e = await this.d.embedder();
      query = await e.embed(crop);
      model = e.modelId;
      source = { upload: true, imageIsCrop: q.imageIsCrop, detected: label, width: image.width, height: image.height };
    }
    const cap = this.d.exactCap ?? 200_000;
    const ranked = await this.rank(repo, query, model, q, scopes, cap);
    const byId = new Map((await repo.byIds(ranked.top.map((h) => h.id), scopes)).map((t) => [t.id, t]));
    const items = ranked.top.flatMap((h) => {
      const t = byId.get(h.id);
      return t ? [{ ...t, similarity: Math.round(h.score * 10000) / 10000 }] : [];
    });
    await this.audited(ctx, 'search.similar', { ...source, filter: describe(q.filter), model, candidates: ranked.candidates, method: ranked.method, results: items.length }, items);
    return { items, model, candidates: ranked.candidates, method: ranked.method };
  }

  /**
   * Exact ranking when the filtered set is at most `cap` tracks (the usual case: filters first). Larger sets
   * use the day partitions' ANN indexes where they exist, over-fetching and re-checking each hit against
   * the filter, and rank the days without an index exactly.
   */
  private async rank(repo: TrackIndexRepository, query: Float32Array, model: string, q: SimilarQuery, scopes: Scope[], cap: number): Promise<{ top: Hit[]; candidates: number; method: 'exact' | 'ann' }> {
    const k = q.limit + (q.trackId ? 1 : 0);
    const drop = (hits: Hit[]) => hits.filter((h) => h.id !== q.trackId).slice(0, q.limit);
    const exact = async (f: TrackFilter) => {
      const rows = await repo.vectors(f, scopes, model, cap);
      return { hits: rankExact(query, rows.map((r) => ({ id: r.id, vector: bytesToVector(r.embedding) })), k), n: rows.length };
    };
    const ann = this.d.ann;
    if (!ann || (await repo.countUpTo(q.filter, scopes, model, cap + 1)) <= cap) {
      const e = await exact(q.filter);
      return { top: drop(e.hits), candidates: e.n, method: 'exact' };
    }
    const over = Math.min(2000, k * 20);
    const found = ann.query(model, query, q.filter.from, q.filter.to, over, Math.max(128, over));
    if (!found.hits.length) {
      const e = await exact(q.filter);
      return { top: drop(e.hits), candidates: e.n, method: 'exact' };
    }
    const score = new Map(found.hits.map((h) => [h.id, h.score]));
    const kept: Hit[] = (await repo.byIdsFiltered([...score.keys()], q.filter, scopes)).map((t) => ({ id: t.id, score: score.get(t.id)! }));
    let candidates = found.hits.length;
    for (const [from, to] of found.uncovered) {
      const e = await exact({ ...q.filter, from, to });
      kept.push(...e.hits);
      candidates += e.n;
    }
    kept.sort((a, b) => b.score - a.score);
    return { top: drop(kept), candidates, method: 'ann' };
  }

  private async audited(ctx: ActionContext, action: string, details: Record<string, unknown>, results: readonly IndexedTrack[]): Promise<void> {
    const cameraIds = [...new Set(results.map((r) => r.cameraId))].slice(0, 100);
    await this.d.audit.recordStandalone(ctx, { action, targetType: 'case', targetId: ctx.caseRef, cameraIds, details });
  }
}
