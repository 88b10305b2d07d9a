/**
 * Appending to the hash chain, and closing (checkpointing) chains.
 *
 * Concurrency: every append of a node runs under one lock per node and then takes the chain
 * head row. PostgreSQL: `pg_advisory_xact_lock(<node key>)` (held to the end of the caller's
 * transaction) followed by `SELECT … FOR UPDATE` of the head row, inserted first if absent. The
 * node lock is what makes a partition rollover safe: closing the previous chain, signing its
 * checkpoint and opening the next one must not race with another transaction doing the same for a
 * different partition, and always taking it first gives one lock order (node → head), so appends
 * never deadlock with each other. SQLite serialises writers (one connection, one writer).
 *
 * Partitions only move forward per node: a record whose time falls into a partition older than the
 * node's newest chain (clock skew between transactions, a sealed month) goes into the newest open
 * chain, or the next partition after a sealed one. It keeps its true `at`.
 */
import { createHash } from 'node:crypto';
import { PostgresAdapter, sql, type Selectable } from 'kysely';
import { ValidationError } from '../core/errors';
import type { Clock, EpochMs } from '../core/time';
import type { AuditChainTable, AuditCheckpointTable } from '../store/schema';
import type { Db } from '../store/store';
import {
  GENESIS, canonicalJson, chainName, checkpointHash, checkpointSigningMessage, comparePartitions, nextPartition,
  partitionEnd, partitionOf, recordHash, type HashedRecordFields, type PartitionMode,
} from './chain';
import type { AppendedRecord, AuditEntry, CheckpointSigner } from './types';
import { ensureRowMonths, tableOf } from '../metadata/partitions';

export type HeadRow = Selectable<AuditChainTable>;
export type CheckpointRow = Selectable<AuditCheckpointTable>;

export interface ChainConfig {
  node: string;
  partition: PartitionMode;
  signer: CheckpointSigner;
  clock: Clock;
}

const MAX_DETAILS_CHARS = 256 * 1024;
const ACTION_RE = /^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)*$/;
const LOCK_NAMESPACE = 0x53564155; // 'SVAU'

/** True when `db` (or the transaction) talks to PostgreSQL. */
export function isPostgres(db: Db): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** Runs `fn` in the caller's transaction, or in a new one when `db` is not a transaction. */
export function inTransaction<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}

function nodeLockKey(node: string): number {
  return createHash('sha256').update(`audit-node:${node}`).digest().readInt32BE(0);
}

/** PostgreSQL: serialises the node's appends, rollovers and seals until the transaction ends. */
async function lockNode(tx: Db, node: string): Promise<void> {
  if (isPostgres(tx)) await sql`select pg_advisory_xact_lock(${LOCK_NAMESPACE}::int, ${nodeLockKey(node)}::int)`.execute(tx);
}

async function lockedHead(tx: Db, chain: string): Promise<HeadRow | undefined> {
  const q = tx.selectFrom('audit_chains').selectAll().where('chain', '=', chain);
  return (isPostgres(tx) ? q.forUpdate() : q).executeTakeFirst();
}

function text(v: string | null | undefined, max: number): string | null {
  if (v === null || v === undefined) return null;
  // PostgreSQL text cannot hold NUL; both engines store the same replacement so hashes agree.
  const s = v.replace(/\u0000/g, '\uFFFD');
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

export type RecordBody = Omit<HashedRecordFields, 'chain' | 'chain_seq' | 'prev_hash'>;

/** Validates and converts an entry to the stored column form (JSON as canonical text). */
export function toRecordBody(entry: AuditEntry, now: EpochMs): RecordBody {
  const at = entry.at ?? now;
  if (!Number.isSafeInteger(at) || at < 0) throw new ValidationError(`Audit time must be integer UTC ms, got ${String(at)}`);
  if (typeof entry.action !== 'string' || entry.action.length > 100 || !ACTION_RE.test(entry.action)) {
    throw new ValidationError(`Audit action '${String(entry.action)}' is invalid: use lower-case dotted words, e.g. 'camera.create'`);
  }
  const outcome = entry.outcome ?? 'ok';
  if (outcome !== 'ok' && outcome !== 'denied' && outcome !== 'failed') throw new ValidationError(`Audit outcome must be ok, denied or failed, got '${String(outcome)}'`);
  const cameraIds = [...new Set(entry.cameraIds ?? [])];
  if (cameraIds.some((c) => typeof c !== 'string')) throw new ValidationError('Audit cameraIds must be strings');
  const details = canonicalJson(entry.details ?? {});
  if (!details.startsWith('{')) throw new ValidationError('Audit details must be a JSON object');
  if (details.length > MAX_DETAILS_CHARS) throw new ValidationError(`Audit details are ${details.length} characters; the limit is ${MAX_DETAILS_CHARS}`);
  const actor = entry.actor === 'system' ? { id: null, name: 'system' } : { id: text(entry.actor.id, 200), name: text(entry.actor.name, 200) ?? '' };
  return {
    at,
    actor_id: actor.id,
    actor_name: actor.name,
    action: entry.action,
    target_type: text(entry.target?.type, 100),
    target_id: text(entry.target?.id, 300),
    camera_ids: JSON.stringify(cameraIds.map((c) => text(c, 200))),
    purpose: text(entry.purpose, 2000),
    case_ref: text(entry.caseRef, 200),
    ip: text(entry.ip, 100),
    outcome,
    details,
  };
}

/** Appends one record in the caller's transaction `tx`. */
export async function appendRecord(tx: Db, cfg: ChainConfig, entry: AuditEntry): Promise<AppendedRecord> {
  const [rec] = await appendBodies(tx, cfg, [toRecordBody(entry, cfg.clock.now())]);
  return rec!;
}

/** Rows per multi-row insert: 16 columns each, under SQLite's and PostgreSQL's parameter limits. */
const INSERT_CHUNK = 500;

/**
 * Appends validated records (toRecordBody), in this order, in the caller's transaction `tx`: the node
 * lock once, then each record chained onto its chain's head exactly as one-by-one appends would chain
 * them. Rows go in as multi-row inserts and each head row is updated once per run of records on it;
 * when a record needs another chain (a partition rollover inside the batch) what is pending is written
 * first, so opening and closing chains sees the same database state as with single appends.
 */
export async function appendBodies(tx: Db, cfg: ChainConfig, bodies: readonly RecordBody[]): Promise<AppendedRecord[]> {
  const out: AppendedRecord[] = [];
  if (bodies.length === 0) return out;
  await lockNode(tx, cfg.node);
  let head: HeadRow | undefined; // the locked head, advanced in memory by the pending records
  let baseSeq = 0; // last_seq of `head` as stored
  let pending: (HashedRecordFields & { hash: string })[] = [];
  /** Partitions whose records go into `head`'s chain (a late record goes into the newest open chain). */
  const resolved = new Set<string>();

  const flush = async (): Promise<void> => {
    if (!head || pending.length === 0) return;
    // PostgreSQL: audit_records is partitioned by month of `at` (src/metadata); no-op for this month's records.
    await ensureRowMonths(tx, tableOf('audit'), pending.map((r) => r.at));
    for (let i = 0; i < pending.length; i += INSERT_CHUNK) await tx.insertInto('audit_records').values(pending.slice(i, i + INSERT_CHUNK)).execute();
    const updated = await tx
      .updateTable('audit_chains')
      .set({ last_seq: head.last_seq, last_hash: head.last_hash, record_count: head.record_count })
      .where('chain', '=', head.chain)
      .where('last_seq', '=', baseSeq)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) {
      throw new Error(`Audit chain ${head.chain} head moved during append (expected last_seq ${baseSeq}); the node lock was not held`);
    }
    baseSeq = head.last_seq;
    pending = [];
  };

  for (const body of bodies) {
    const partition = partitionOf(body.at, cfg.partition);
    if (!head || (head.chain !== chainName(cfg.node, partition) && !resolved.has(partition))) {
      await flush();
      let h = await lockedHead(tx, chainName(cfg.node, partition));
      if (!h || h.closed_at !== null) h = await openChainFor(tx, cfg, partition);
      if (!head || h.chain !== head.chain) resolved.clear();
      resolved.add(partition);
      head = { ...h };
      baseSeq = h.last_seq;
    }
    const rec: HashedRecordFields = { chain: head.chain, chain_seq: head.last_seq + 1, ...body, prev_hash: head.last_hash };
    const h = recordHash(rec);
    pending.push({ ...rec, hash: h });
    head.last_seq = rec.chain_seq;
    head.last_hash = h;
    head.record_count += 1;
    out.push({ chain: rec.chain, chainSeq: rec.chain_seq, at: rec.at, hash: h });
  }
  await flush();
  return out;
}

/**
 * Called with the node lock held when the wanted partition has no open chain: picks the partition
 * (never older than the node's newest chain), closes the node's open chains with signed
 * checkpoints, and opens the new chain linked to the newest checkpoint. Returns its locked head.
 */
async function openChainFor(tx: Db, cfg: ChainConfig, wanted: string): Promise<HeadRow> {
  const chains = await tx.selectFrom('audit_chains').select(['chain', 'partition', 'closed_at']).where('node', '=', cfg.node).execute();
  let newest: (typeof chains)[number] | undefined;
  for (const c of chains) if (!newest || comparePartitions(c.partition, newest.partition) > 0) newest = c;
  let partition = wanted;
  if (newest && comparePartitions(newest.partition, wanted) >= 0) {
    if (newest.closed_at === null) {
      const head = await lockedHead(tx, newest.chain);
      if (head) return head;
    }
    partition = nextPartition(newest.partition);
  }
  const open = chains.filter((c) => c.closed_at === null).sort((a, b) => comparePartitions(a.partition, b.partition));
  for (const c of open) {
    const head = await lockedHead(tx, c.chain);
    if (head && head.closed_at === null) await closeChain(tx, cfg, head);
  }
  const prev = await newestCheckpoint(tx, cfg.node, partition);
  const chain = chainName(cfg.node, partition);
  await tx
    .insertInto('audit_chains')
    .values({
      chain, node: cfg.node, partition, last_seq: 0, last_hash: prev?.checkpoint_hash ?? GENESIS, record_count: 0,
      opened_at: cfg.clock.now(), closed_at: null,
    })
    .onConflict((oc) => oc.column('chain').doNothing())
    .execute();
  const head = await lockedHead(tx, chain);
  if (!head || head.closed_at !== null) throw new Error(`Audit chain ${chain} could not be opened (a closed chain of that name exists)`);
  return head;
}

/** The node's checkpoint with the greatest partition before `before` (all of them when omitted). */
export async function newestCheckpoint(db: Db, node: string, before?: string): Promise<CheckpointRow | undefined> {
  const rows = await db.selectFrom('audit_checkpoints').selectAll().where('node', '=', node).execute();
  let best: CheckpointRow | undefined;
  for (const r of rows) {
    if (before !== undefined && comparePartitions(r.partition, before) >= 0) continue;
    if (!best || comparePartitions(r.partition, best.partition) > 0) best = r;
  }
  return best;
}

/** Writes the signed checkpoint of `head` and marks the chain closed. Caller holds the node lock. */
export async function closeChain(tx: Db, cfg: Pick<ChainConfig, 'signer' | 'clock'>, head: HeadRow): Promise<CheckpointRow> {
  const ends = await tx
    .selectFrom('audit_records')
    .select(['chain_seq', 'at'])
    .where('chain', '=', head.chain)
    .where('chain_seq', 'in', [1, head.last_seq])
    .execute();
  const prev = await newestCheckpoint(tx, head.node, head.partition);
  const now = cfg.clock.now();
  const fields = {
    chain: head.chain,
    node: head.node,
    partition: head.partition,
    record_count: head.record_count,
    first_at: ends.find((e) => e.chain_seq === 1)?.at ?? null,
    last_at: ends.find((e) => e.chain_seq === head.last_seq)?.at ?? null,
    last_hash: head.last_hash,
    prev_checkpoint_hash: prev?.checkpoint_hash ?? GENESIS,
    created_at: now,
  };
  const cpHash = checkpointHash(fields);
  const { keyId, signature } = cfg.signer.sign(checkpointSigningMessage(cpHash));
  const row: CheckpointRow = { ...fields, checkpoint_hash: cpHash, key_id: keyId, signature, archived_at: null };
  await tx.insertInto('audit_checkpoints').values(row).execute();
  await tx.updateTable('audit_chains').set({ closed_at: now }).where('chain', '=', head.chain).execute();
  return row;
}

export interface SealResult {
  /** Chains closed by this call, with their checkpoint hashes. */
  sealed: { chain: string; records: number; checkpointHash: string }[];
}

/**
 * Closes and checkpoints every open chain (of every node) whose partition ended at or before `now`.
 * Each chain is sealed in its own transaction under its node's lock.
 */
export async function sealChains(db: Db, cfg: Pick<ChainConfig, 'signer' | 'clock'>, now: EpochMs): Promise<SealResult> {
  const open = await db.selectFrom('audit_chains').selectAll().where('closed_at', 'is', null).execute();
  open.sort((a, b) => (a.node === b.node ? comparePartitions(a.partition, b.partition) : a.node < b.node ? -1 : 1));
  const sealed: SealResult['sealed'] = [];
  for (const c of open) {
    if (partitionEnd(c.partition) > now) continue;
    const cp = await inTransaction(db, async (tx) => {
      await lockNode(tx, c.node);
      const head = await lockedHead(tx, c.chain);
      return head && head.closed_at === null ? closeChain(tx, cfg, head) : undefined;
    });
    if (cp) sealed.push({ chain: cp.chain, records: cp.record_count, checkpointHash: cp.checkpoint_hash });
  }
  return { sealed };
}
