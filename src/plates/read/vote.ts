/**
 * One read per vehicle track: the reads of every frame are voted character by character. Reads are grouped by
 * shape (grammar and length: a 7-character mainland plate never votes with a 6-character Hong Kong mark); the
 * heaviest group wins (grammar-valid reads weigh more than generic ones), then each position takes the character
 * with the most confidence behind it.
 */
import type { GrammarName } from '../grammar/index';

export interface VoteInput {
  text: string;
  score: number;
  grammar?: GrammarName;
}

export interface VotedRead {
  text: string;
  /** 0..1: the group's share of the confidence seen, times the mean agreement per position, times its best score. */
  score: number;
  grammar?: GrammarName;
  firstMs: number;
  lastMs: number;
  /** The frame of the best read that agrees with the voted text (or the group's best read). */
  frame: number;
  tMs: number;
  reads: number;
}

interface Entry extends VoteInput {
  tMs: number;
  frame: number;
}

const GRAMMAR_WEIGHT: Record<GrammarName, number> = { hk: 1, cn: 1, hk_personalised: 0.7, generic: 0.4 };

export class PlateVoter {
  private readonly entries: Entry[] = [];
  private firstMs = Infinity;
  private lastMs = -Infinity;

  constructor(private readonly maxReads = 200) {}

  get size(): number {
    return this.entries.length;
  }

  add(read: VoteInput, tMs: number, frame: number): void {
    this.firstMs = Math.min(this.firstMs, tMs);
    this.lastMs = Math.max(this.lastMs, tMs);
    this.entries.push({ ...read, tMs, frame });
    // Bounded memory for very long tracks: drop the weakest read.
    if (this.entries.length > this.maxReads) {
      let weakest = 0;
      for (let i = 1; i < this.entries.length; i++) if (this.entries[i]!.score < this.entries[weakest]!.score) weakest = i;
      this.entries.splice(weakest, 1);
    }
  }

  best(): VotedRead | null {
    if (!this.entries.length) return null;
    const groups = new Map<string, Entry[]>();
    let total = 0;
    for (const e of this.entries) {
      const key = `${e.grammar ?? 'generic'}:${[...e.text].length}`;
      (groups.get(key) ?? groups.set(key, []).get(key)!).push(e);
      total += e.score * GRAMMAR_WEIGHT[e.grammar ?? 'generic'];
    }
    let bestGroup: Entry[] = [];
    let bestWeight = -1;
    for (const g of groups.values()) {
      const w = g.reduce((s, e) => s + e.score * GRAMMAR_WEIGHT[e.grammar ?? 'generic'], 0);
      if (w > bestWeight) {
        bestWeight = w;
        bestGroup = g;
      }
    }
    const len = [...bestGroup[0]!.text].length;
    let text = '';
    let agreement = 0;
    for (let i = 0; i < len; i++) {
      const votes = new Map<string, number>();
      let sum = 0;
      for (const e of bestGroup) {
        const c = [...e.text][i]!;
        votes.set(c, (votes.get(c) ?? 0) + e.score);
        sum += e.score;
      }
      let ch = '';
      let w = -1;
      for (const [c, v] of votes) if (v > w || (v === w && c < ch)) [ch, w] = [c, v];
      text += ch;
      agreement += sum > 0 ? w / sum : 0;
    }
    agreement /= len;
    const agreeing = bestGroup.filter((e) => e.text === text);
    const pick = (agreeing.length ? agreeing : bestGroup).reduce((a, b) => (b.score > a.score ? b : a));
    const maxScore = Math.max(...bestGroup.map((e) => e.score));
    const share = total > 0 ? bestWeight / total : 0;
    return {
      text,
      score: Math.round(Math.sqrt(share) * agreement * maxScore * 1000) / 1000,
      grammar: bestGroup[0]!.grammar,
      firstMs: this.firstMs,
      lastMs: this.lastMs,
      frame: pick.frame,
      tMs: pick.tMs,
      reads: this.entries.length,
    };
  }
}
