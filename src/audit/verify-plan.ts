/**
 * First phase of verification: loads every chain head and checkpoint (small: one row per node and
 * partition), orders each node's chains, and checks the checkpoints (hash, signature, links to the
 * previous checkpoint, agreement with the chain head). Produces, per chain, what its records must
 * link to and end with; the record stream (verify.ts) checks that.
 */
import { errorMessage } from '../core/errors';
import { verifySignature } from '../keys/site-keys';
import type { Db } from '../store/store';
import { isPostgres, type CheckpointRow, type HeadRow } from './append';
import { GENESIS, chainName, checkpointHash, checkpointSigningMessage, comparePartitions, parseChainName, shortHash } from './chain';
import type { ProblemKind, PublicKeySource } from './types';

export interface ChainPlan {
  chain: string;
  node: string;
  partition: string;
  head?: HeadRow;
  cp?: CheckpointRow;
  /** What the first record's prev_hash must be; null when unknown (the previous checkpoint is missing). */
  expectedStart: string | null;
  /** Where that value comes from, for messages. */
  startSource: string;
}

export type Report = (chain: string, kind: ProblemKind, message: string, chainSeq?: number) => void;

export async function loadPlans(db: Db, keys: PublicKeySource, report: Report): Promise<{ plans: Map<string, ChainPlan>; checkpointsChecked: number }> {
  // Heads and checkpoints must come from one snapshot: a rollover between two separate reads would
  // look like a closed chain without checkpoint (or a checkpointed chain still open).
  const read = async (tx: Db) => [await tx.selectFrom('audit_chains').selectAll().execute(), await tx.selectFrom('audit_checkpoints').selectAll().execute()] as const;
  const [heads, cps] = db.isTransaction
    ? await read(db)
    : isPostgres(db)
      ? await db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute(read)
      : await db.transaction().execute(read);
  const plans = new Map<string, ChainPlan>();
  const plan = (chain: string, node: string, partition: string): ChainPlan => {
    let p = plans.get(chain);
    if (!p) plans.set(chain, (p = { chain, node, partition, expectedStart: null, startSource: '' }));
    return p;
  };
  for (const h of heads) {
    if (h.chain !== chainName(h.node, h.partition)) {
      report(h.chain, 'modified', `Chain head row '${h.chain}' names node '${h.node}' and partition '${h.partition}', which do not match its chain name: the row was altered`);
    }
    const parsed = parseChainName(h.chain);
    plan(h.chain, parsed?.node ?? h.node, parsed?.partition ?? h.partition).head = h;
  }
  for (const c of cps) {
    if (c.chain !== chainName(c.node, c.partition)) {
      report(c.chain, 'modified', `Checkpoint row '${c.chain}' names node '${c.node}' and partition '${c.partition}', which do not match its chain name: the row was altered`);
    }
    const parsed = parseChainName(c.chain);
    plan(c.chain, parsed?.node ?? c.node, parsed?.partition ?? c.partition).cp = c;
  }

  const byNode = new Map<string, ChainPlan[]>();
  for (const p of plans.values()) {
    const list = byNode.get(p.node);
    if (list) list.push(p);
    else byNode.set(p.node, [p]);
  }
  const keyCache = new Map<string, string | null>();
  const pemFor = (keyId: string): string | null => {
    let pem = keyCache.get(keyId);
    if (pem === undefined) keyCache.set(keyId, (pem = keys.publicKey(keyId)?.publicKeyPem ?? null));
    return pem;
  };

  let checkpointsChecked = 0;
  for (const list of byNode.values()) {
    list.sort((a, b) => comparePartitions(a.partition, b.partition));
    let prev: ChainPlan | undefined;
    for (const [i, p] of list.entries()) {
      const isLast = i === list.length - 1;
      if (!prev) {
        p.expectedStart = GENESIS;
        p.startSource = `the fixed start value ${GENESIS} (this is node ${p.node}'s first chain)`;
      } else if (prev.cp) {
        p.expectedStart = prev.cp.checkpoint_hash;
        p.startSource = `the checkpoint hash of the node's previous chain ${prev.chain} (${shortHash(prev.cp.checkpoint_hash)})`;
      }
      if (p.cp) {
        checkpointsChecked++;
        checkCheckpoint(p, p.cp, prev, pemFor, report);
      } else if (!isLast || p.head?.closed_at != null) {
        const why = isLast ? 'is marked closed' : `is followed by chain ${list[i + 1]!.chain}`;
        report(p.chain, 'missing', `Chain ${p.chain} ${why} but has no checkpoint row: its signed checkpoint was deleted (or never written)`);
      }
      if (!p.head && !(p.cp && p.cp.archived_at !== null)) {
        report(p.chain, 'missing', `Chain ${p.chain} has a checkpoint but no chain head row in audit_chains: the head row was deleted`);
      }
      prev = p;
    }
  }
  return { plans, checkpointsChecked };
}

function checkCheckpoint(p: ChainPlan, cp: CheckpointRow, prev: ChainPlan | undefined, pemFor: (keyId: string) => string | null, report: Report): void {
  const where = `Checkpoint of chain ${p.chain}`;
  if (checkpointHash(cp) !== cp.checkpoint_hash) {
    report(p.chain, 'modified', `${where}: its fields (record_count ${cp.record_count}, last_hash ${shortHash(cp.last_hash)}, first/last at, prev_checkpoint_hash …) no longer hash to the stored checkpoint_hash ${shortHash(cp.checkpoint_hash)}: the row was altered`);
  }
  const pem = pemFor(cp.key_id);
  if (pem === null) {
    report(p.chain, 'unknown_key', `${where} is signed with key_id '${cp.key_id}', which is not one of this site's public keys (keys/public/*.pem): forged, or the public key file is missing`);
  } else {
    let valid = false;
    let why = '';
    try {
      valid = verifySignature(pem, checkpointSigningMessage(cp.checkpoint_hash), cp.signature);
    } catch (err) {
      why = ` (${errorMessage(err)})`;
    }
    if (!valid) report(p.chain, 'bad_signature', `${where}: the signature does not verify with public key '${cp.key_id}'${why}: the checkpoint was forged or altered`);
  }
  const expectedPrev = prev ? (prev.cp?.checkpoint_hash ?? null) : GENESIS;
  if (expectedPrev !== null && cp.prev_checkpoint_hash !== expectedPrev) {
    const whatPrev = prev ? `the node's previous checkpoint (chain ${prev.chain}) has hash ${shortHash(expectedPrev)}` : `this is node ${p.node}'s first chain, so it must be ${GENESIS}`;
    report(p.chain, 'broken_link', `${where} links to prev_checkpoint_hash ${shortHash(cp.prev_checkpoint_hash)}, but ${whatPrev}: a checkpoint or chain in between was removed or replaced`);
  }
  const h = p.head;
  if (h) {
    if (h.closed_at === null) report(p.chain, 'head_mismatch', `Chain ${p.chain} has a signed checkpoint but its head row is marked open (closed_at is null): the head row was altered`);
    if (h.last_seq !== cp.record_count || h.last_hash !== cp.last_hash || h.record_count !== cp.record_count) {
      report(
        p.chain,
        'head_mismatch',
        `Chain head of ${p.chain} (last_seq ${h.last_seq}, record_count ${h.record_count}, last_hash ${shortHash(h.last_hash)}) disagrees with its signed checkpoint (record_count ${cp.record_count}, last_hash ${shortHash(cp.last_hash)})`,
      );
    }
  }
}
