import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { AppError, errorMessage, NotFoundError, OperationalError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { Segment } from '../record/segment.repository';
import type { Store } from '../store/store';
import type { SegmentPeers, SegmentSource } from '../storage-tiers/remote-segments';
import { ClusterRepository } from './cluster.repository';

const iso = (ms: number) => new Date(ms).toISOString();

/** What a node holds of a set of segments: its cameras and the time range they cover (for error messages). */
export interface HeldRange {
  node: string;
  cameraIds: string[];
  fromMs: number;
  toMs: number;
}

/** Groups segments by the node that holds them. */
export function heldRanges(segments: readonly Segment[]): HeldRange[] {
  const by = new Map<string, HeldRange>();
  for (const s of segments) {
    const r = by.get(s.node) ?? { node: s.node, cameraIds: [], fromMs: s.startMs, toMs: s.endMs };
    if (!r.cameraIds.includes(s.cameraId)) r.cameraIds.push(s.cameraId);
    r.fromMs = Math.min(r.fromMs, s.startMs);
    r.toMs = Math.max(r.toMs, s.endMs);
    by.set(s.node, r);
  }
  return [...by.values()];
}

function describe(r: Pick<HeldRange, 'cameraIds' | 'fromMs' | 'toMs'>): string {
  return `recordings of camera${r.cameraIds.length > 1 ? 's' : ''} ${r.cameraIds.join(', ')} from ${iso(r.fromMs)} to ${iso(r.toMs)}`;
}

export interface NodeSegmentFetcherOptions {
  /** Playback's node-to-node path (cluster-key HMAC, the holder's /api/cluster/segments/:id). */
  peers: SegmentPeers;
  store: Store;
  /** The cluster key: without one every segment is local (a single-node site). */
  key: string | undefined;
  /** A holder whose heartbeat is older than this is down (cluster.leaseTtlMs). */
  staleAfterMs: number;
  log: Logger;
}

/**
 * Segments held by another recorder node, as local files for the readers that need a file (ffmpeg): evidence
 * export (and journey export, which builds on it) and snapshots. Each segment is fetched from its holder over the
 * same authenticated node-to-node path playback uses (SegmentPeers), written to a work directory while its SHA-256
 * is computed, and compared with the index's SHA-256 before anyone reads it. A holder that is down or unreachable
 * gives an OperationalError (503) naming the node and the cameras and time range it holds, so the caller builds
 * and signs nothing partial. docs/design/cluster.md, "Segments held by another node".
 */
export class NodeSegmentFetcher {
  constructor(private readonly o: NodeSegmentFetcherOptions) {}

  /** Whether `seg` is on another node (so must be fetched). */
  isRemote(seg: Pick<Segment, 'node' | 'storage'>): boolean {
    return Boolean(this.o.key) && !this.o.peers.isLocal(seg);
  }

  /**
   * Before anything is built: every other node holding some of `segments` is registered with an api URL and up.
   * Throws node_unknown / node_down naming the node and what it holds of the request.
   */
  async checkHolders(segments: readonly Segment[]): Promise<void> {
    const remote = heldRanges(segments.filter((s) => this.isRemote(s)));
    if (!remote.length) return;
    const repo = new ClusterRepository(this.o.store.db, this.o.store.engine);
    const [nodes, now] = await Promise.all([repo.nodes(), repo.dbNow()]);
    for (const r of remote) {
      const n = nodes.find((x) => x.nodeId === r.node);
      if (!n?.apiUrl) {
        throw new OperationalError('node_unknown', `The ${describe(r)} are held by node '${r.node}', which has no registered api URL (start it with the api role, or set its cluster.advertisedUrl): nothing was read`, { details: { ...r } });
      }
      if (n.status !== 'up' || n.heartbeatAt < now - this.o.staleAfterMs) {
        throw new OperationalError('node_down', `The ${describe(r)} are held by node '${r.node}', which is down (last heartbeat ${iso(n.heartbeatAt)}): nothing was read; try again when node '${r.node}' is back`, { details: { ...r, lastHeartbeat: n.heartbeatAt } });
      }
    }
  }

  /** Downloads one segment of another node into `dir` and verifies it against the index; returns the file's path. */
  async fetch(seg: Segment, dir: string): Promise<string> {
    let source: SegmentSource;
    try {
      source = await this.o.peers.open(seg, undefined);
    } catch (err) {
      throw this.explain(seg, err);
    }
    return this.save(seg, source, dir);
  }

  /** A segment source already opened (playback's segmentSource): its local file, or the holder's body saved in `dir` and verified. */
  async save(seg: Segment, source: SegmentSource, dir: string): Promise<string> {
    if (source.kind === 'local') return source.file.path;
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, `segment-${seg.id}.ts`);
    try {
      await saveVerified(seg, source.response, file);
    } catch (err) {
      await rm(file, { force: true });
      throw this.explain(seg, err);
    }
    this.o.log.debug({ segmentId: seg.id, node: seg.node, bytes: seg.bytes }, 'segment fetched from its node and verified');
    return file;
  }

  /**
   * A file for each segment: `local(seg)` for this node's, a verified copy in `dir` for the others' (two at a
   * time). The holders are checked first, so a node that is down fails the whole request before any download.
   */
  async files(segments: readonly Segment[], dir: string, local: (seg: Segment) => string): Promise<Map<number, string>> {
    await this.checkHolders(segments);
    const out = new Map<number, string>();
    const remote: Segment[] = [];
    for (const s of segments) {
      if (this.isRemote(s)) remote.push(s);
      else out.set(s.id, local(s));
    }
    let next = 0;
    const worker = async () => {
      while (next < remote.length) {
        const s = remote[next++]!;
        out.set(s.id, await this.fetch(s, dir));
      }
    };
    // Both workers finish (no download still writing into `dir` when the caller removes it); then the first failure.
    const done = await Promise.allSettled([worker(), worker()]);
    for (const d of done) if (d.status === 'rejected') throw d.reason;
    return out;
  }

  /** Names the node and the time range in a failure to fetch (the peer layer names the segment only). */
  explain(seg: Segment, err: unknown): Error {
    const what = describe({ cameraIds: [seg.cameraId], fromMs: seg.startMs, toMs: seg.endMs });
    const details = { node: seg.node, segmentId: seg.id, cameraId: seg.cameraId, fromMs: seg.startMs, toMs: seg.endMs };
    if (err instanceof NotFoundError) {
      return new OperationalError('segment_missing', `Segment ${seg.id} (${what}) is indexed on node '${seg.node}' but that node no longer has its file (deleted by retention, or its storage lost): nothing was read`, { cause: err, details });
    }
    if (err instanceof AppError && err.code === 'segment_altered') return err;
    const code = err instanceof AppError ? err.code : 'node_unreachable';
    this.o.log.warn({ ...details, err: errorMessage(err) }, 'could not fetch a segment from the node that holds it');
    return new OperationalError(code, `The ${what} are held by node '${seg.node}', which could not deliver segment ${seg.id} (${errorMessage(err)}): nothing was read; try again when node '${seg.node}' is reachable`, { cause: err, details });
  }
}

/**
 * Streams a holder's response into `file` while hashing it; refuses a body whose SHA-256 (or, for a row without
 * one, size) differs from the index: the copy is then never used.
 */
export async function saveVerified(seg: Pick<Segment, 'id' | 'cameraId' | 'path' | 'sha256' | 'bytes'>, response: Response, file: string): Promise<void> {
  if (!response.body) throw new OperationalError('segment_empty', `The holder sent no body for segment ${seg.id}`);
  const hash = createHash('sha256');
  let bytes = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  await pipeline(Readable.fromWeb(response.body as unknown as WebReadableStream<Uint8Array>), tap, createWriteStream(file));
  const sha = hash.digest('hex');
  if (seg.sha256 ? sha !== seg.sha256 : bytes !== seg.bytes) {
    throw new OperationalError('segment_altered', `Segment ${seg.path} of camera ${seg.cameraId} as sent by its node does not match the index (SHA-256 ${sha}, ${bytes} bytes; index ${seg.sha256 || 'no hash'}, ${seg.bytes} bytes): it was altered or damaged after recording, so it is not used`);
  }
}
