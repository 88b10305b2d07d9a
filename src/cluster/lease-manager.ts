import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { errorMessage, OperationalError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { Claim, ClusterRepository, Lease, LeaseRole } from './cluster.repository';

/** What a role does when it gains or loses a camera. `stop` must resolve only once the camera's work has stopped. */
export interface LeaseHolder {
  /** `previous`: how the last holder let the camera go ('expired': its node died → a failover). */
  start(cameraId: string, epoch: number, previous: Claim['previous']): Promise<void>;
  stop(cameraId: string, reason: 'released' | 'fenced' | 'lost'): Promise<void>;
}

export interface LeaseManagerOptions {
  repo: ClusterRepository;
  nodeId: string;
  role: LeaseRole;
  /** Cameras this role may take (recorder: every camera; analytics: cameras with analytics on). */
  candidates: () => Promise<string[]>;
  holder: LeaseHolder;
  capacity: number;
  heartbeatMs: number;
  leaseTtlMs: number;
  fenceMarginMs: number;
  log: Logger;
  /** Monotonic clock (ms) for self-fencing; default performance.now. */
  monotonic?: () => number;
  /** Metrics hooks (src/cluster/metrics.ts). */
  observer?: { renewed(ms: number): void; fenced(cameras: number): void };
}

/** Cameras a node gives back per heartbeat when rebalancing (moves are gradual: each one is a recording gap). */
const REBALANCE_PER_TICK = 8;

/** Rendezvous hashing: each node prefers a stable, different subset of cameras, so claims rarely collide and moves are few. */
export function affinity(nodeId: string, cameraId: string): number {
  return createHash('sha1').update(`${nodeId}\u0000${cameraId}`).digest().readUInt32BE(0);
}

/** This node's fair share of `total` cameras: in proportion to capacity among live nodes, never above its capacity. */
export function fairShare(total: number, mine: number, capacities: number[]): number {
  const sum = capacities.reduce((a, b) => a + b, 0);
  if (sum <= 0 || mine <= 0) return 0;
  return Math.min(mine, Math.ceil((total * mine) / sum));
}

/**
 * Holds this node's camera leases for one role (docs/design/cluster.md). Each tick: renew every lease
 * (database clock), notice leases lost to another node, claim free cameras up to the fair share (in
 * rendezvous order), and give back the excess when nodes joined (sticky otherwise). A node that cannot
 * renew stops its cameras `fenceMarginMs` before the leases can expire — measured on its own monotonic
 * clock from when the last successful renewal was SENT — so two nodes never hold a camera at once.
 */
export class LeaseManager {
  private readonly held = new Map<string, number>(); // cameraId → epoch
  private readonly starting = new Map<string, Promise<void>>(); // cameraId → its holder.start in flight
  private readonly stopping = new Map<string, Promise<void>>(); // cameraId → its stop in flight (lease not given back yet)
  private balancing?: Promise<void>;
  private seenFree = new Set<string>();
  private lastRenewSentAt = -Infinity;
  private timer?: NodeJS.Timeout;
  private watchdog?: NodeJS.Timeout;
  private fencing = Promise.resolve();
  private running?: Promise<void>;
  private stopped = false;
  private readonly mono: () => number;
  private readonly log: Logger;

  constructor(private readonly o: LeaseManagerOptions) {
    this.mono = o.monotonic ?? (() => performance.now());
    this.log = o.log.child({ scope: 'lease', role: o.role, node: o.nodeId });
  }

  cameras(): string[] {
    return [...this.held.keys()].sort();
  }

  epoch(cameraId: string): number | undefined {
    return this.held.get(cameraId);
  }

  start(): void {
    const loop = () => {
      if (this.stopped) return;
      this.running = this.renewTick()
        .then((now) => {
          // Claims, starts and stops can be slow (a model loading, ffmpeg stopping): they never hold the renewals.
          void this.balanceOnce(now);
        })
        .catch((err: unknown) => this.log.error({ err: errorMessage(err) }, 'lease tick failed; retrying at the next heartbeat'))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(loop, this.o.heartbeatMs);
        });
    };
    loop();
    // A renewal can hang (database unreachable): the fence must not wait for it.
    this.watchdog = setInterval(() => {
      this.fencing = this.fencing.then(() => this.fenceIfStale()).catch((err: unknown) => this.log.error({ err: errorMessage(err) }, 'fencing failed'));
    }, Math.max(100, Math.floor(this.o.heartbeatMs / 3)));
    this.watchdog.unref();
  }

  /** Leaves cleanly: stops every camera, then releases its lease, so other nodes take them at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.watchdog);
    // A tick stuck on an unreachable database must not hold the shutdown: the fence below covers it.
    const bound = <T>(p?: Promise<T>): Promise<T | undefined> => {
      let t: ReturnType<typeof setTimeout> | undefined;
      return Promise.race([p, new Promise<undefined>((r) => {
        t = setTimeout(() => r(undefined), this.o.leaseTtlMs);
      })]).finally(() => clearTimeout(t));
    };
    await bound(this.running);
    await bound(this.fencing);
    await bound(this.balancing);
    await bound(Promise.all(this.stopping.values()).then(() => undefined));
    if (this.held.size === 0) return;
    // The database may be unreachable: the leases then expire by themselves (their cameras are stopped below).
    const now = await bound(
      this.o.repo.dbNow().catch((err: unknown) => {
        this.log.warn({ err: errorMessage(err) }, 'database clock unreadable while leaving; the leases expire by themselves');
        return undefined;
      }),
    );
    for (const [cameraId, epoch] of this.held) {
      await this.stopCamera(cameraId, 'released');
      if (now === undefined) continue;
      await bound(this.o.repo.release(this.o.nodeId, this.o.role, { cameraId, epoch }, now)).catch((err: unknown) => this.log.warn({ cameraId, err: errorMessage(err) }, 'lease not released (it expires by itself)'));
    }
    this.held.clear();
  }

  /** One heartbeat, waiting for its claims and starts (tests; the loop does not wait for them). */
  async tick(): Promise<void> {
    await this.balanceOnce(await this.renewTick());
  }

  /** Renews this node's leases; cameras whose lease was lost stop (not awaited). Answers the database time. */
  private async renewTick(): Promise<number> {
    await this.fenceIfStale();
    const sentAt = this.mono();
    let now: number;
    let renewed: Lease[];
    try {
      now = await this.o.repo.dbNow();
      renewed = await this.o.repo.renew(this.o.nodeId, this.o.role, now, this.o.leaseTtlMs);
      this.o.observer?.renewed(this.mono() - sentAt);
    } catch (err) {
      await this.fenceIfStale();
      throw new OperationalError('lease_renewal_failed', `cannot renew ${this.o.role} leases: ${errorMessage(err)}`);
    }
    this.lastRenewSentAt = sentAt;
    const still = new Map(renewed.map((l) => [l.cameraId, l.epoch]));
    for (const [cameraId, epoch] of [...this.held]) {
      if (still.get(cameraId) === epoch) continue;
      this.held.delete(cameraId);
      this.log.warn({ cameraId, epoch }, 'lease lost to another node; camera stopped here');
      void this.stopLater(cameraId, 'lost');
    }
    for (const [cameraId, epoch] of still) {
      if (!this.held.has(cameraId) && !this.stopping.has(cameraId)) {
        // A lease this process does not know (a previous run of the same node id): give it back.
        await this.o.repo.release(this.o.nodeId, this.o.role, { cameraId, epoch }, now);
      }
    }
    return now;
  }

  /** Runs one balance round, or joins the one in progress. */
  private balanceOnce(now: number): Promise<void> {
    this.balancing ??= this.balance(now)
      .catch((err: unknown) => this.log.error({ err: errorMessage(err) }, 'lease balancing failed; retrying at the next heartbeat'))
      .finally(() => {
        this.balancing = undefined;
      });
    return this.balancing;
  }

  /** Stops a camera in the background, tracked so its lease is not given back before its work stopped. */
  private stopLater(cameraId: string, reason: 'released' | 'fenced' | 'lost'): Promise<void> {
    const p = this.stopCamera(cameraId, reason)
      .catch((err: unknown) => this.log.error({ cameraId, err: errorMessage(err) }, 'camera did not stop cleanly'))
      .finally(() => {
        if (this.stopping.get(cameraId) === p) this.stopping.delete(cameraId);
      });
    this.stopping.set(cameraId, p);
    return p;
  }

  private async balance(now: number): Promise<void> {
    const candidates = await this.o.candidates();
    const wanted = new Set(candidates);
    // Cameras no longer to be taken (deleted, analytics switched off) are given back.
    for (const [cameraId, epoch] of [...this.held]) {
      if (wanted.has(cameraId)) continue;
      await this.giveBack(cameraId, epoch, now);
    }
    const peers = (await this.o.repo.nodes()).filter((n) => n.status === 'up' && n.roles.includes(this.o.role) && n.heartbeatAt >= now - this.o.leaseTtlMs && n.nodeId !== this.o.nodeId);
    const capOf = (n: { capacity: Record<string, number> }) => n.capacity[this.o.role] ?? 0;
    const target = fairShare(candidates.length, this.o.capacity, [...peers.map(capOf), this.o.capacity]);
    const free = await this.o.repo.free(this.o.role, candidates.filter((id) => !this.held.has(id)), now);
    // Cameras free for two heartbeats in a row are orphans (their node died, or peers are full): adopt them up
    // to this node's capacity, beyond the fair share — no camera stays unrecorded while someone has room.
    const orphans = new Set([...free].filter((id) => this.seenFree.has(id)));
    this.seenFree = free;
    const limit = orphans.size > 0 ? this.o.capacity : target;
    if (this.held.size < limit && free.size > 0) {
      const order = [...free].sort((a, b) => Number(orphans.has(b)) - Number(orphans.has(a)) || affinity(this.o.nodeId, b) - affinity(this.o.nodeId, a));
      for (const cameraId of order) {
        if (this.stopped || this.held.size >= limit || (this.held.size >= target && !orphans.has(cameraId))) break;
        const claim = await this.o.repo.claim(this.o.nodeId, this.o.role, cameraId, now, this.o.leaseTtlMs);
        if (claim === null) continue; // another node was faster
        const epoch = claim.epoch;
        this.held.set(cameraId, epoch);
        // Not awaited: a slow start (a model loading) must not hold the heartbeat, or the leases would go
        // unrenewed and the node would fence itself. Every stop of this camera waits for it first.
        const starting = (async () => {
          try {
            await this.o.holder.start(cameraId, epoch, claim.previous);
          } catch (err) {
            this.log.error({ cameraId, err: errorMessage(err) }, 'camera could not start on this node; lease given back');
            if (this.held.get(cameraId) !== epoch) return;
            this.held.delete(cameraId);
            await this.o.holder.stop(cameraId, 'released');
            await this.o.repo.release(this.o.nodeId, this.o.role, { cameraId, epoch }, now);
          }
        })()
          .catch((err: unknown) => this.log.warn({ cameraId, err: errorMessage(err) }, 'lease of a camera that failed to start not released (it expires by itself)'))
          .finally(() => {
            if (this.starting.get(cameraId) === starting) this.starting.delete(cameraId);
          });
        this.starting.set(cameraId, starting);
      }
    } else if (this.held.size > target && free.size === 0) {
      // A node joined (or came back): give back what this node likes least, only while a live peer is below its
      // share (it will take them), a few per heartbeat. Sticky otherwise.
      const counts = await this.o.repo.leaseCounts(this.o.role, now);
      const hungry = peers.reduce((sum, n) => sum + Math.max(0, fairShare(candidates.length, capOf(n), [...peers.map(capOf), this.o.capacity]) - (counts.get(n.nodeId) ?? 0)), 0);
      const n = Math.min(this.held.size - target, hungry, REBALANCE_PER_TICK);
      const order = [...this.held.keys()].sort((a, b) => affinity(this.o.nodeId, a) - affinity(this.o.nodeId, b));
      for (const cameraId of order.slice(0, n)) await this.giveBack(cameraId, this.held.get(cameraId)!, now);
    }
  }

  /** Stops a camera's work here, once its start (if still running) has finished. */
  private async stopCamera(cameraId: string, reason: 'released' | 'fenced' | 'lost'): Promise<void> {
    const starting = this.starting.get(cameraId);
    if (starting) await starting;
    await this.o.holder.stop(cameraId, reason);
  }

  private async giveBack(cameraId: string, epoch: number, now: number): Promise<void> {
    this.held.delete(cameraId);
    await this.stopLater(cameraId, 'released');
    await this.o.repo.release(this.o.nodeId, this.o.role, { cameraId, epoch }, now);
  }

  /** Stops every camera when the leases may be about to expire without a renewal (database unreachable or slow). */
  private async fenceIfStale(): Promise<void> {
    if (this.held.size === 0) return;
    if (this.mono() - this.lastRenewSentAt < this.o.leaseTtlMs - this.o.fenceMarginMs) return;
    this.log.error({ cameras: this.held.size }, 'leases could not be renewed in time; stopping this node\'s cameras so no other node records them at the same time');
    const cams = [...this.held.keys()];
    this.held.clear();
    this.o.observer?.fenced(cams.length);
    await Promise.all(cams.map((id) => this.stopLater(id, 'fenced')));
  }
}

export function defaultNodeId(siteId: string, port: number): string {
  return `${siteId}-${hostname().toLowerCase().replace(/[^a-z0-9-]/g, '-')}-${port}`.slice(0, 63);
}
