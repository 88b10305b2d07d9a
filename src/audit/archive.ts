/**
 * Retention: moves fully checkpointed old chains out of the database into JSONL files.
 *
 * File `<dir>/audit-<node>-<partition>.jsonl`:
 *   line 1   {"format":"smartview-audit-archive-v1","checkpoint":{…the signed checkpoint row…}}
 *   lines    {"record":{…the audit_records row, JSON columns as the stored text…}}
 *   last     {"end":{"records":N}}
 * The checkpoint row stays in the database (archived_at set), so the chain of checkpoints and the
 * link of the next chain still verify; `verifyArchiveFile` re-checks a file on its own.
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdirSync, renameSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { errorMessage } from '../core/errors';
import type { EpochMs } from '../core/time';
import { verifySignature } from '../keys/site-keys';
import type { Db } from '../store/store';
import { inTransaction, type CheckpointRow } from './append';
import { checkpointHash, checkpointSigningMessage, partitionEnd, partitionStart, recordHash, shortHash, type HashedRecordFields } from './chain';
import type { PublicKeySource } from './types';

export const ARCHIVE_FORMAT = 'smartview-audit-archive-v1';

export interface ArchiveResult {
  archived: { chain: string; records: number; file: string }[];
  /** Chains that were due but not archived, and why (their records stay in the database). */
  skipped: { chain: string; reason: string }[];
}

type StoredRecord = HashedRecordFields & { seq: number; hash: string };

/** Checks one chain's record sequence against its checkpoint; feed records in chain_seq order. */
class ChainChecker {
  private expectSeq = 1;
  private prev: string;
  problem: string | null = null;
  constructor(private readonly cp: Omit<CheckpointRow, 'archived_at'>) {
    this.prev = cp.prev_checkpoint_hash;
  }
  add(r: StoredRecord): void {
    if (this.problem) return;
    if (r.chain !== this.cp.chain) this.problem = `record row seq ${r.seq} belongs to chain ${r.chain}, not ${this.cp.chain}`;
    else if (r.chain_seq !== this.expectSeq) this.problem = `expected record #${this.expectSeq}, found #${r.chain_seq} (records missing or out of order)`;
    else if (recordHash(r) !== r.hash) this.problem = `record #${r.chain_seq} does not match its hash ${shortHash(r.hash)} (modified)`;
    else if (r.prev_hash !== this.prev) this.problem = `record #${r.chain_seq} does not link to its predecessor (prev_hash ${shortHash(r.prev_hash)}, expected ${shortHash(this.prev)})`;
    this.prev = r.hash;
    this.expectSeq++;
  }
  finish(): string | null {
    if (this.problem) return this.problem;
    const n = this.expectSeq - 1;
    if (n !== this.cp.record_count) return `${n} records found, the checkpoint covers ${this.cp.record_count}`;
    if (n > 0 && this.prev !== this.cp.last_hash) return `the last record's hash ${shortHash(this.prev)} differs from the checkpoint's last_hash ${shortHash(this.cp.last_hash)}`;
    return null;
  }
}

function checkpointProblem(cp: Omit<CheckpointRow, 'archived_at'>, keys: PublicKeySource): string | null {
  if (checkpointHash(cp) !== cp.checkpoint_hash) return 'the checkpoint row does not match its checkpoint_hash (modified)';
  const key = keys.publicKey(cp.key_id);
  if (!key) return `the checkpoint is signed with unknown key_id '${cp.key_id}'`;
  try {
    if (!verifySignature(key.publicKeyPem, checkpointSigningMessage(cp.checkpoint_hash), cp.signature)) return `the checkpoint signature does not verify with key '${cp.key_id}'`;
  } catch (err) {
    return `the checkpoint signature cannot be checked: ${errorMessage(err)}`;
  }
  return null;
}

/**
 * Archives every chain whose partition ends at or before the start of partition `before` and which
 * has a checkpoint, after checking its records against that checkpoint. Each chain: file written,
 * flushed and renamed into place, then records deleted and checkpoint marked in one transaction.
 */
export async function archivePartitions(db: Db, keys: PublicKeySource, opts: { before: string; dir: string; now: EpochMs; batchSize?: number }): Promise<ArchiveResult> {
  const cutoff = partitionStart(opts.before);
  const batchSize = opts.batchSize ?? 5000;
  const due = (await db.selectFrom('audit_checkpoints').selectAll().where('archived_at', 'is', null).execute())
    .filter((cp) => partitionEnd(cp.partition) <= cutoff)
    .sort((a, b) => (a.chain < b.chain ? -1 : 1));
  const result: ArchiveResult = { archived: [], skipped: [] };
  if (due.length > 0) mkdirSync(opts.dir, { recursive: true });
  for (const row of due) {
    const { archived_at: _ignored, ...cp } = row;
    const bad = checkpointProblem(cp, keys);
    if (bad) {
      result.skipped.push({ chain: cp.chain, reason: bad });
      continue;
    }
    const file = path.join(opts.dir, `audit-${cp.node}-${cp.partition}.jsonl`);
    const tmp = `${file}.partial`;
    const checker = new ChainChecker(cp);
    const out = createWriteStream(tmp, { encoding: 'utf8' });
    const write = async (line: string): Promise<void> => {
      if (!out.write(line + '\n')) await once(out, 'drain');
    };
    try {
      await write(JSON.stringify({ format: ARCHIVE_FORMAT, checkpoint: cp }));
      let after = 0;
      for (;;) {
        const rows = (await db.selectFrom('audit_records').selectAll().where('chain', '=', cp.chain).where('chain_seq', '>', after).orderBy('chain_seq').limit(batchSize).execute()) as StoredRecord[];
        for (const r of rows) {
          checker.add(r);
          await write(JSON.stringify({ record: r }));
        }
        if (rows.length < batchSize) break;
        after = rows[rows.length - 1]!.chain_seq;
      }
      await write(JSON.stringify({ end: { records: cp.record_count } }));
      out.end();
      await once(out, 'finish');
    } catch (err) {
      out.destroy();
      rmSync(tmp, { force: true });
      throw err;
    }
    const problem = checker.finish();
    if (problem) {
      rmSync(tmp, { force: true });
      result.skipped.push({ chain: cp.chain, reason: `not archived: ${problem}; run audit verify` });
      continue;
    }
    const fh = await open(tmp, 'r+');
    await fh.sync();
    await fh.close();
    renameSync(tmp, file);
    await inTransaction(db, async (tx) => {
      await tx.deleteFrom('audit_records').where('chain', '=', cp.chain).execute();
      await tx.updateTable('audit_checkpoints').set({ archived_at: opts.now }).where('chain', '=', cp.chain).where('archived_at', 'is', null).execute();
    });
    result.archived.push({ chain: cp.chain, records: cp.record_count, file });
  }
  return result;
}

/** Re-checks an archive file on its own: checkpoint hash and signature, every record, the end line. */
export async function verifyArchiveFile(file: string, keys: PublicKeySource): Promise<{ ok: boolean; chain: string | null; records: number; problem: string | null }> {
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let cp: Omit<CheckpointRow, 'archived_at'> | null = null;
  let checker: ChainChecker | null = null;
  let records = 0;
  let ended = false;
  let problem: string | null = null;
  let lineNo = 0;
  for await (const line of lines) {
    lineNo++;
    if (problem || line === '') continue;
    let obj: { format?: string; checkpoint?: Omit<CheckpointRow, 'archived_at'>; record?: StoredRecord; end?: { records: number } };
    try {
      obj = JSON.parse(line) as typeof obj;
    } catch (err) {
      problem = `line ${lineNo} is not JSON: ${errorMessage(err)}`;
      continue;
    }
    if (lineNo === 1) {
      if (obj.format !== ARCHIVE_FORMAT || !obj.checkpoint) problem = `line 1 is not a ${ARCHIVE_FORMAT} header`;
      else {
        cp = obj.checkpoint;
        problem = checkpointProblem(cp, keys);
        checker = new ChainChecker(cp);
      }
    } else if (obj.record && checker && !ended) {
      records++;
      checker.add(obj.record);
    } else if (obj.end && !ended) {
      ended = true;
      if (obj.end.records !== records) problem = `the end line says ${obj.end.records} records, the file holds ${records}`;
    } else {
      problem = `line ${lineNo} is unexpected (after the end line, or neither record nor end)`;
    }
  }
  if (!problem && !ended) problem = 'the file has no end line (truncated)';
  if (!problem && checker) problem = checker.finish();
  return { ok: problem === null, chain: cp?.chain ?? null, records, problem };
}
