import { createHmac, timingSafeEqual } from 'node:crypto';
import { ClusterRepository } from '../cluster/cluster.repository';
import { AuthenticationError, NotFoundError, OperationalError } from '../core/errors';
import type { Logger } from '../core/logger';
import { segmentFile, type SegmentFile } from '../playback/segment-file';
import { SegmentRepository, type Segment } from '../record/segment.repository';
import type { Store } from '../store/store';

/** Node-to-node request headers (docs/design/storage-tiers.md). */
export const NODE_HEADER = 'x-sv-node';
export const TIME_HEADER = 'x-sv-time';
export const SIGNATURE_HEADER = 'x-sv-signature';
/** A signed request older or newer than this is refused (replay window; nodes' clocks are NTP-synchronised). */
export const MAX_REQUEST_AGE_MS = 30_000;
/** The path a node serves its own segments on to its peers. */
export const peerSegmentPath = (id: number): string => `/api/cluster/segments/${id}`;

/** HMAC-SHA256 under the cluster key of `method \n path \n time \n node`. */
export function nodeSignature(key: string, method: string, path: string, time: number, node: string): string {
  return createHmac('sha256', `smartview-node-request\u0000${key}`).update(`${method.toUpperCase()}\n${path}\n${time}\n${node}`).digest('hex');
}

export interface SegmentPeersOptions {
  store: Store;
  /** This node's id (segments.node of the files it holds). */
  nodeId: string;
  /** The shared cluster key; without it segments of other nodes are not reachable (single-node sites). */
  key: string | undefined;
  roots: Map<string, string>;
  log: Logger;
  /** A node whose heartbeat is older than this is treated as down. */
  staleAfterMs: number;
  /** Wait at most this long for a peer's response headers. */
  timeoutMs?: number;
}

export type SegmentSource = { kind: 'local'; segment: Segment; file: SegmentFile } | { kind: 'remote'; segment: Segment; node: string; response: Response };

/**
 * Segments live on the recorder node that wrote them (segments.node). An api node that does not hold a segment
 * fetches it from the node that does, at that node's registered api URL (cluster_nodes.api_url), signing the
 * request with the cluster key; the holder serves only its own files to a correctly signed peer. The user's
 * authorisation and audit happen on the api node the user talks to; a node that is down gives a clear 503.
 */
export class SegmentPeers {
  constructor(private readonly o: SegmentPeersOptions) {}

  /** Whether this node holds the segment's file (its node, a storage configured here). */
  isLocal(seg: Pick<Segment, 'node' | 'storage'>): boolean {
    return seg.node === this.o.nodeId && this.o.roots.has(seg.storage);
  }

  /** The segment from wherever it lives: a local file, or the holder's response to a signed request. */
  async open(seg: Segment, range: string | undefined): Promise<SegmentSource> {
    // without a cluster key this is a single-node site: every segment is on this node's storages
    if (this.isLocal(seg) || !this.o.key) return { kind: 'local', segment: seg, file: segmentFile(this.o.roots, seg, this.o.log) };
    const repo = new ClusterRepository(this.o.store.db, this.o.store.engine);
    const node = (await repo.nodes()).find((n) => n.nodeId === seg.node);
    const now = await repo.dbNow();
    if (!node?.apiUrl) throw new OperationalError('node_unknown', `Segment ${seg.id} is held by node '${seg.node}', which has not registered an api URL: start that node with the api role (or restore its storage on another node)`);
    if (node.status !== 'up' || node.heartbeatAt < now - this.o.staleAfterMs) {
      throw new OperationalError('node_down', `Node '${seg.node}' that holds segment ${seg.id} is down (last heartbeat ${new Date(node.heartbeatAt).toISOString()}): this recording plays again when the node is back`);
    }
    const path = peerSegmentPath(seg.id);
    const time = Date.now();
    const headers: Record<string, string> = { [NODE_HEADER]: this.o.nodeId, [TIME_HEADER]: String(time), [SIGNATURE_HEADER]: nodeSignature(this.o.key, 'GET', path, time, this.o.nodeId) };
    if (range) headers.range = range;
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), this.o.timeoutMs ?? 5000);
    let response: Response;
    try {
      response = await fetch(new URL(path, node.apiUrl), { headers, signal: ac.signal });
    } catch (err) {
      this.o.log.warn({ segmentId: seg.id, node: seg.node, apiUrl: node.apiUrl, err: (err as Error).message }, 'peer node unreachable for a segment');
      throw new OperationalError('node_unreachable', `Node '${seg.node}' that holds segment ${seg.id} does not answer at ${node.apiUrl}: check that it runs and that this node can reach it`, { cause: err });
    } finally {
      clearTimeout(timer);
    }
    if (response.status === 404) throw new NotFoundError('segment file', String(seg.id));
    if (response.status >= 400 && response.status !== 416) {
      const text = await response.text();
      throw new OperationalError('node_refused', `Node '${seg.node}' refused segment ${seg.id} (HTTP ${response.status}): ${text.slice(0, 300)}`);
    }
    return { kind: 'remote', segment: seg, node: seg.node, response };
  }

  /** On the holder: a peer's signed request for one of this node's segments (401 unless correctly signed and recent). */
  async serveToPeer(headers: Record<string, string | string[] | undefined>, method: string, path: string, segmentId: number): Promise<SegmentFile> {
    const h = (k: string) => (Array.isArray(headers[k]) ? headers[k][0] : headers[k]) as string | undefined;
    const node = h(NODE_HEADER);
    const time = Number(h(TIME_HEADER));
    const sig = h(SIGNATURE_HEADER);
    if (!this.o.key || !node || !sig || !Number.isSafeInteger(time)) throw new AuthenticationError('Node-to-node request without a valid cluster signature', 'node_unauthenticated');
    if (Math.abs(Date.now() - time) > MAX_REQUEST_AGE_MS) throw new AuthenticationError(`Node-to-node request time is ${Math.round((Date.now() - time) / 1000)} s off this node's clock: fix NTP on both hosts`, 'node_clock_skew');
    const want = Buffer.from(nodeSignature(this.o.key, method, path, time, node), 'hex');
    const got = Buffer.from(sig, 'hex');
    if (got.length !== want.length || !timingSafeEqual(got, want)) throw new AuthenticationError('Node-to-node signature does not match: the nodes do not share the same cluster.key', 'node_unauthenticated');
    const seg = await new SegmentRepository(this.o.store.db).byId(segmentId);
    if (!seg || seg.status === 'corrupt' || !this.isLocal(seg)) throw new NotFoundError('segment', String(segmentId));
    return segmentFile(this.o.roots, seg, this.o.log);
  }
}
