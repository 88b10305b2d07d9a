/**
 * Verifies the whole audit trail: checkpoints first (verify-plan.ts), then every record, streamed
 * in keyset-paginated pages ordered by (chain, chain_seq), so memory stays flat at any size.
 *
 * Runs without a long transaction: heads and checkpoints are read once at the start, and records
 * appended to open chains after that (chain_seq beyond the head as first read) are left for the next
 * run, after confirming that the head has since moved past them.
 */
import { isoUtc } from '../core/time';
import type { Db } from '../store/store';
import { recordHash, shortHash } from './chain';
import type { HeadRow } from './append';
import { loadPlans, type ChainPlan, type Report } from './verify-plan';
import type { AuditProblem, ChainReport, PublicKeySource, VerifyOptions, VerifyResult } from './types';

const RECORD_COLUMNS = [
  'seq', 'chain', 'chain_seq', 'at', 'actor_id', 'actor_name', 'action', 'target_type', 'target_id',
  'camera_ids', 'purpose', 'case_ref', 'ip', 'outcome', 'details', 'prev_hash', 'hash',
] as const;
const MAX_SUSPECTS = 200;

/** ISO time for messages; a tampered `at` may be no valid date at all. */
function when(at: number | null): string {
  if (at === null) return '(none)';
  const d = new Date(at);
  return Number.isNaN(d.getTime()) ? `${at} (not a valid time)` : isoUtc(at);
}

export type RecordRow = {
  seq: number; chain: string; chain_seq: number; at: number; actor_id: string | null; actor_name: string; action: string;
  target_type: string | null; target_id: string | null; camera_ids: string; purpose: string | null; case_ref: string | null;
  ip: string | null; outcome: string; details: string; prev_hash: string; hash: string;
};

interface ChainState {
  chain: string;
  plan: ChainPlan | undefined;
  /** Records up to this chain_seq are checked; later ones arrived after the heads were read. */
  limit: number;
  expectSeq: number;
  expectedPrev: string | null;
  prevHashOk: boolean;
  checked: number;
  lastSeq: number;
  lastHash: string | null;
  firstAt: number | null;
  endAt: number | null;
  beyond: { count: number; min: number; max: number };
  suspects: RecordRow[];
}

/** Pages through audit_records in (chain, chain_seq) order (exported for the benchmark's baseline). */
export async function* recordPages(db: Db, batchSize: number): AsyncGenerator<RecordRow[]> {
  let after: [string, number] | null = null;
  for (;;) {
    let q = db.selectFrom('audit_records').select(RECORD_COLUMNS).orderBy('chain').orderBy('chain_seq').limit(batchSize);
    if (after) {
      const [c, s] = after;
      q = q.where((eb) => eb(eb.refTuple('chain', 'chain_seq'), '>', eb.tuple(c, s)));
    }
    const rows = (await q.execute()) as RecordRow[];
    if (rows.length > 0) yield rows;
    if (rows.length < batchSize) return;
    const last = rows[rows.length - 1]!;
    after = [last.chain, last.chain_seq];
  }
}

export async function verifyAudit(db: Db, keys: PublicKeySource, opts: VerifyOptions = {}): Promise<VerifyResult> {
  const batchSize = Math.max(100, opts.batchSize ?? 5000);
  const maxProblems = opts.maxProblems ?? 1000;
  const problems: AuditProblem[] = [];
  let problemsOmitted = 0;
  const badChains = new Set<string>();
  const report: Report = (chain, kind, message, chainSeq) => {
    badChains.add(chain);
    if (problems.length >= maxProblems) problemsOmitted++;
    else problems.push(chainSeq === undefined ? { chain, kind, message } : { chain, chainSeq, kind, message });
  };

  const { plans, checkpointsChecked } = await loadPlans(db, keys, report);
  const reports = new Map<string, ChainReport>();
  let recordsChecked = 0;
  /** The head as it is now (read after the records in question, so it is at least as new). */
  const headNow = (chain: string): Promise<HeadRow | undefined> => db.selectFrom('audit_chains').selectAll().where('chain', '=', chain).executeTakeFirst();

  const start = (chain: string): ChainState => {
    const plan = plans.get(chain);
    const ref = plan?.head?.last_seq ?? plan?.cp?.record_count;
    return {
      chain, plan, limit: ref ?? 0, expectSeq: 1, expectedPrev: plan?.expectedStart ?? null, prevHashOk: true,
      checked: 0, lastSeq: 0, lastHash: null, firstAt: null, endAt: null, beyond: { count: 0, min: 0, max: 0 }, suspects: [],
    };
  };

  const check = (st: ChainState, r: RecordRow): void => {
    if (r.chain_seq > st.limit || !st.plan) {
      if (st.beyond.count++ === 0) st.beyond.min = r.chain_seq;
      st.beyond.max = r.chain_seq;
      return;
    }
    recordsChecked++;
    st.checked++;
    let gap = false;
    if (r.chain_seq !== st.expectSeq) {
      gap = true;
      if (r.chain_seq > st.expectSeq) {
        const range = r.chain_seq - 1 === st.expectSeq ? `#${st.expectSeq} is` : `#${st.expectSeq}–#${r.chain_seq - 1} are`;
        const from = st.expectSeq === 1 ? 'the chain starts' : `the stored records jump from #${st.expectSeq - 1}`;
        report(st.chain, 'missing', `Record ${range} missing from chain ${st.chain}: ${from} to #${r.chain_seq} (rows deleted)`, st.expectSeq);
      } else {
        report(st.chain, 'inserted', `Record #${r.chain_seq} (row seq ${r.seq}) of chain ${st.chain} has an impossible position (chain_seq starts at 1): inserted by hand`, r.chain_seq);
      }
    }
    if (recordHash(r) !== r.hash) {
      if (st.suspects.length < MAX_SUSPECTS) st.suspects.push(r);
      else reportModified(st, r);
      st.prevHashOk = false;
    } else {
      if (!gap && st.prevHashOk && st.expectedPrev !== null && r.prev_hash !== st.expectedPrev) {
        const should = r.chain_seq === 1 ? `should be ${st.plan.startSource}` : `is not the stored hash of record #${r.chain_seq - 1} (${shortHash(st.expectedPrev)})`;
        const cause = r.chain_seq === 1 ? 'the chain is not linked to its predecessor (a chain was removed, replaced or re-created)' : `record #${r.chain_seq - 1} was rewritten and re-hashed, or this one was`;
        report(st.chain, 'broken_link', `Record #${r.chain_seq} of chain ${st.chain}: prev_hash ${shortHash(r.prev_hash)} ${should}: ${cause}`, r.chain_seq);
      }
      st.prevHashOk = true;
    }
    if (r.chain_seq === 1) st.firstAt = r.at;
    if (r.chain_seq === st.plan.cp?.record_count) st.endAt = r.at;
    st.expectSeq = r.chain_seq + 1;
    st.expectedPrev = r.hash;
    st.lastSeq = r.chain_seq;
    st.lastHash = r.hash;
  };

  const reportModified = (st: ChainState, r: RecordRow): void => {
    report(
      st.chain,
      'modified',
      `Record #${r.chain_seq} of chain ${st.chain} (row seq ${r.seq}): its stored content (action '${r.action}', actor '${r.actor_name}', at ${when(r.at)}) no longer matches its hash ${shortHash(r.hash)}: a field was changed after it was written`,
      r.chain_seq,
    );
  };

  /** Tells moved records (their hash verifies at another position) from edited ones. */
  const resolveSuspects = async (st: ChainState): Promise<void> => {
    const wanted = [...new Set(st.suspects.map((s) => s.prev_hash))];
    const posOf = new Map<string, number>();
    for (let i = 0; i < wanted.length; i += 200) {
      const rows = await db.selectFrom('audit_records').select(['chain_seq', 'hash']).where('chain', '=', st.chain).where('hash', 'in', wanted.slice(i, i + 200)).execute();
      for (const row of rows) posOf.set(row.hash, row.chain_seq);
    }
    // A moved record lands on a position whose content changed (another suspect), or follows the
    // record whose hash its prev_hash names.
    const positions = st.suspects.map((s) => s.chain_seq);
    for (const s of st.suspects) {
      const p = s.prev_hash === st.plan?.expectedStart ? 0 : posOf.get(s.prev_hash);
      const candidates = new Set(positions);
      if (p !== undefined) candidates.add(p + 1);
      candidates.delete(s.chain_seq);
      let q: number | undefined;
      for (const c of candidates) if (recordHash({ ...s, chain_seq: c }) === s.hash) q = c;
      if (q !== undefined) {
        report(st.chain, 'reordered', `Record #${s.chain_seq} of chain ${st.chain} (row seq ${s.seq}) holds the record written as #${q} (its hash verifies only at position #${q}): records were moved or swapped`, s.chain_seq);
      } else {
        reportModified(st, s);
      }
    }
  };

  const finish = async (st: ChainState): Promise<void> => {
    if (st.suspects.length > 0) await resolveSuspects(st);
    const { plan } = st;
    const rep: ChainReport = { chain: st.chain, records: st.checked, ok: true, state: 'unknown' };
    reports.set(st.chain, rep);
    if (!plan) {
      const h = await headNow(st.chain);
      if (h) {
        rep.state = 'open';
        rep.appendedDuringRun = st.beyond.count;
      } else {
        report(st.chain, 'inserted', `${st.beyond.count} record(s) (#${st.beyond.min}–#${st.beyond.max}) belong to chain ${st.chain}, which has no chain head or checkpoint: rows inserted outside the audit log, or the chain's head was deleted`);
      }
      return;
    }
    rep.state = plan.cp?.archived_at != null ? 'archived' : plan.cp || plan.head?.closed_at != null ? 'closed' : 'open';
    if (st.beyond.count > 0) {
      const h = plan.head && plan.head.closed_at === null && !plan.cp ? await headNow(st.chain) : undefined;
      if (h && h.last_seq >= st.beyond.max) rep.appendedDuringRun = st.beyond.count;
      else {
        const endSrc = plan.head ? `the chain head's last_seq ${plan.head.last_seq}` : `the checkpoint's record_count ${plan.cp?.record_count}`;
        report(st.chain, 'inserted', `Records #${st.beyond.min}–#${st.beyond.max} of chain ${st.chain} (${st.beyond.count} rows) lie beyond ${endSrc}: rows added outside the audit log`, st.beyond.min);
      }
    }
    const archivedEmpty = plan.cp?.archived_at != null && st.checked === 0;
    const refSeq = plan.head?.last_seq ?? plan.cp?.record_count;
    const refHash = plan.head?.last_hash ?? plan.cp?.last_hash;
    const refName = plan.head ? 'chain head' : 'checkpoint';
    if (!archivedEmpty && refSeq !== undefined && refHash !== undefined) {
      if (st.lastSeq < refSeq) {
        const lost = st.lastSeq + 1 === refSeq ? `record #${refSeq} is` : `records #${st.lastSeq + 1}–#${refSeq} are`;
        const found = st.checked === 0 ? 'no records are stored' : `the last stored record is #${st.lastSeq}`;
        report(st.chain, 'head_mismatch', `The ${refName} of chain ${st.chain} says it ends at #${refSeq} (hash ${shortHash(refHash)}), but ${found}: ${lost} missing from the end (deleted)`, st.lastSeq + 1);
      } else if (st.lastHash !== refHash && refSeq > 0) {
        report(st.chain, 'head_mismatch', `The last record #${st.lastSeq} of chain ${st.chain} has hash ${shortHash(st.lastHash)}, but the ${refName} says ${shortHash(refHash)}: the last record was replaced`, st.lastSeq);
      }
    }
    const cp = plan.cp;
    if (cp && !archivedEmpty) {
      if (st.firstAt !== null && st.firstAt !== cp.first_at) {
        report(st.chain, 'checkpoint_mismatch', `Record #1 of chain ${st.chain} is at ${when(st.firstAt)}, but its signed checkpoint says the chain starts at ${when(cp.first_at)}`, 1);
      }
      if (st.endAt !== null && st.endAt !== cp.last_at) {
        report(st.chain, 'checkpoint_mismatch', `Record #${cp.record_count} of chain ${st.chain} is at ${when(st.endAt)}, but its signed checkpoint says the chain ends at ${when(cp.last_at)}`, cp.record_count);
      }
    }
  };

  let cur: ChainState | undefined;
  for await (const rows of recordPages(db, batchSize)) {
    for (const r of rows) {
      if (!cur || cur.chain !== r.chain) {
        if (cur) await finish(cur);
        cur = start(r.chain);
      }
      check(cur, r);
    }
    opts.onProgress?.(recordsChecked);
  }
  if (cur) await finish(cur);
  for (const chain of plans.keys()) if (!reports.has(chain)) await finish(start(chain));

  const chains = [...reports.values()].sort((a, b) => (a.chain < b.chain ? -1 : a.chain > b.chain ? 1 : 0));
  for (const c of chains) c.ok = !badChains.has(c.chain);
  for (const chain of badChains) if (!reports.has(chain)) chains.push({ chain, records: 0, ok: false, state: 'unknown' });
  return { ok: badChains.size === 0, recordsChecked, checkpointsChecked, chains, problems, problemsOmitted };
}
