/**
 * Pure hashing, canonicalisation and partition arithmetic of the audit hash chain.
 * No I/O here: the verifier, the archive checker and external tools recompute exactly this.
 *
 * Record hash   = SHA-256 hex of JSON.stringify([RECORD_TAG, chain, chain_seq, at, actor_id, actor_name,
 *                 action, target_type, target_id, camera_ids, purpose, case_ref, ip, outcome, details,
 *                 prev_hash]) encoded as UTF-8, where camera_ids and details are the stored JSON *text*.
 * Checkpoint    = SHA-256 hex of JSON.stringify([CHECKPOINT_TAG, chain, node, partition, record_count,
 *                 first_at, last_at, last_hash, prev_checkpoint_hash, created_at]);
 *                 the site key signs CHECKPOINT_SIGNING_PREFIX + checkpoint_hash (Ed25519).
 * A JSON array of strings, integers and nulls is unambiguous: no field can absorb its neighbour.
 */
import { hash } from 'node:crypto';
import { ValidationError } from '../core/errors';
import type { EpochMs } from '../core/time';

export const RECORD_TAG = 'smartview.audit.record.v1';
export const CHECKPOINT_TAG = 'smartview.audit.checkpoint.v1';
export const CHECKPOINT_SIGNING_PREFIX = 'smartview audit checkpoint v1\n';
/** prev_hash of a node's very first record and prev_checkpoint_hash of its first checkpoint. */
export const GENESIS = 'GENESIS';

export type PartitionMode = 'day' | 'month';

/** The columns of an audit_records row that the record hash covers (stored form). */
export interface HashedRecordFields {
  chain: string;
  chain_seq: number;
  at: number;
  actor_id: string | null;
  actor_name: string;
  action: string;
  target_type: string | null;
  target_id: string | null;
  camera_ids: string;
  purpose: string | null;
  case_ref: string | null;
  ip: string | null;
  outcome: string;
  details: string;
  prev_hash: string;
}

/** The columns of an audit_checkpoints row that the checkpoint hash covers. */
export interface HashedCheckpointFields {
  chain: string;
  node: string;
  partition: string;
  record_count: number;
  first_at: number | null;
  last_at: number | null;
  last_hash: string;
  prev_checkpoint_hash: string;
  created_at: number;
}

export function sha256Hex(data: string): string {
  return hash('sha256', data, 'hex');
}

export function recordPayload(r: HashedRecordFields): string {
  return JSON.stringify([
    RECORD_TAG, r.chain, r.chain_seq, r.at, r.actor_id, r.actor_name, r.action, r.target_type, r.target_id,
    r.camera_ids, r.purpose, r.case_ref, r.ip, r.outcome, r.details, r.prev_hash,
  ]);
}

export function recordHash(r: HashedRecordFields): string {
  return sha256Hex(recordPayload(r));
}

export function checkpointPayload(c: HashedCheckpointFields): string {
  return JSON.stringify([
    CHECKPOINT_TAG, c.chain, c.node, c.partition, c.record_count, c.first_at, c.last_at, c.last_hash, c.prev_checkpoint_hash, c.created_at,
  ]);
}

export function checkpointHash(c: HashedCheckpointFields): string {
  return sha256Hex(checkpointPayload(c));
}

/** The exact bytes the site key signs for a checkpoint. */
export function checkpointSigningMessage(checkpointHashHex: string): string {
  return CHECKPOINT_SIGNING_PREFIX + checkpointHashHex;
}

/**
 * Deterministic JSON: object keys sorted by UTF-16 code unit, no whitespace, `toJSON` honoured,
 * `undefined` object members dropped (as JSON.stringify does). Rejects what JSON cannot carry
 * faithfully (NaN, Infinity, bigint, functions, symbols, cycles) instead of silently changing it.
 */
export function canonicalJson(value: unknown): string {
  const seen = new Set<object>();
  const enc = (v: unknown, where: string): string | undefined => {
    if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') {
      v = (v as { toJSON: () => unknown }).toJSON();
    }
    if (v === null) return 'null';
    switch (typeof v) {
      case 'string':
        return JSON.stringify(v);
      case 'boolean':
        return v ? 'true' : 'false';
      case 'number':
        if (!Number.isFinite(v)) throw new ValidationError(`Audit details: ${where} is ${v}, which JSON cannot represent`);
        return JSON.stringify(v);
      case 'undefined':
        return undefined;
      case 'object': {
        const o = v as object;
        if (seen.has(o)) throw new ValidationError(`Audit details: ${where} refers to itself (cycle)`);
        seen.add(o);
        let out: string;
        if (Array.isArray(o)) {
          out = `[${o.map((x, i) => enc(x, `${where}[${i}]`) ?? 'null').join(',')}]`;
        } else {
          const parts: string[] = [];
          for (const k of Object.keys(o).sort()) {
            const s = enc((o as Record<string, unknown>)[k], `${where}.${k}`);
            if (s !== undefined) parts.push(`${JSON.stringify(k)}:${s}`);
          }
          out = `{${parts.join(',')}}`;
        }
        seen.delete(o);
        return out;
      }
      default:
        throw new ValidationError(`Audit details: ${where} is a ${typeof v}, which JSON cannot represent`);
    }
  };
  return enc(value, '$') ?? 'null';
}

// ---- partitions ---------------------------------------------------------------------------

const MONTH_RE = /^(\d{4})-(\d{2})$/;
const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** The partition ('YYYY-MM' or 'YYYY-MM-DD', UTC) a time falls into. */
export function partitionOf(at: EpochMs, mode: PartitionMode): string {
  if (!Number.isSafeInteger(at) || at < 0) throw new ValidationError(`Audit time must be integer UTC ms ≥ 0, got ${at}`);
  const d = new Date(at);
  const ym = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}`;
  return mode === 'month' ? ym : `${ym}-${pad(d.getUTCDate())}`;
}

function parsePartition(p: string): { y: number; m: number; d: number | null } {
  const mm = MONTH_RE.exec(p);
  if (mm) return { y: Number(mm[1]), m: Number(mm[2]), d: null };
  const dm = DAY_RE.exec(p);
  if (dm) return { y: Number(dm[1]), m: Number(dm[2]), d: Number(dm[3]) };
  throw new ValidationError(`'${p}' is not an audit partition (expected YYYY-MM or YYYY-MM-DD)`);
}

export function isPartition(p: string): boolean {
  return MONTH_RE.test(p) || DAY_RE.test(p);
}

/** First millisecond of the partition (UTC). */
export function partitionStart(p: string): EpochMs {
  const { y, m, d } = parsePartition(p);
  return Date.UTC(y, m - 1, d ?? 1);
}

/** First millisecond after the partition (UTC). */
export function partitionEnd(p: string): EpochMs {
  const { y, m, d } = parsePartition(p);
  return d === null ? Date.UTC(y, m, 1) : Date.UTC(y, m - 1, d + 1);
}

/** The partition right after `p`, in the same format. */
export function nextPartition(p: string): string {
  return partitionOf(partitionEnd(p), DAY_RE.test(p) ? 'day' : 'month');
}

/** Code-unit order ('2026-11' < '2026-11-05' < '2026-12'): the order chains of a node are opened in. */
export function comparePartitions(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---- chain names ----------------------------------------------------------------------------

const NODE_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

export function assertNodeName(node: string): void {
  if (!NODE_RE.test(node)) throw new ValidationError(`Audit node name '${node}' is invalid: use 1–63 letters, digits, '.', '_' or '-' (no ':')`);
}

export function chainName(node: string, partition: string): string {
  return `${node}:${partition}`;
}

/** Splits '<node>:<partition>'; null when the name does not have that shape. */
export function parseChainName(chain: string): { node: string; partition: string } | null {
  const i = chain.lastIndexOf(':');
  if (i <= 0) return null;
  const node = chain.slice(0, i);
  const partition = chain.slice(i + 1);
  return NODE_RE.test(node) && isPartition(partition) ? { node, partition } : null;
}

/** Shortens a hash for messages: 'ab12cd34…'. */
export function shortHash(h: string | null | undefined): string {
  if (h === null || h === undefined) return '(none)';
  return h.length > 16 ? `${h.slice(0, 12)}…` : h;
}
