/**
 * Turns one recognised text line (the CTC output) into the best plate the grammars allow. The model's thousands
 * of classes are first folded onto the plate alphabet: separators (space, middle dot, hyphen) count as the blank,
 * lower-case and full-width forms count as their upper-case letter or digit, everything else is ignored. Then every
 * template of every grammar is aligned (constrained Viterbi) and the one with the highest log-probability plus
 * grammar prior wins.
 */
import { CONFUSABLE_GROUPS, DEFAULT_GRAMMARS, type GrammarName, type PlateGrammar } from '../grammar/index';
import { PLATE_CHARSET } from '../grammar/charset';
import { decodeTemplate, slotClasses, type EmissionCache, type SlotClasses } from './constrained';

export interface LineRead {
  text: string;
  grammar: GrammarName;
  /** 0..1: the weakest character's probability blended with the mean (one bad character sinks a read). */
  score: number;
  /** Per character probability. */
  probs: number[];
  logp: number;
}

const BLANK_LIKE = new Set([' ', '·', '•', '.', '-', '_', '　']);

/** The plate character a dictionary entry stands for ('' = blank-like, null = not a plate character). */
export function plateCharOf(ch: string): string | null {
  if (BLANK_LIKE.has(ch)) return '';
  const folded = ch.normalize('NFKC').toUpperCase();
  if (folded.length === 1 && PLATE_CHARSET.has(folded) && !BLANK_LIKE.has(folded)) return folded;
  return null;
}

export class PlateDecoder {
  private readonly compiled: { grammar: PlateGrammar; slots: SlotClasses[]; chars: readonly string[] }[] = [];
  /** Model class → reduced class (0 = blank), -1 = ignored. */
  private readonly fold: Int32Array;
  /** Reduced class → character ('' for the blank). */
  readonly alphabet: string[];
  private readonly indexOf = new Map<string, number>();

  constructor(
    readonly dict: readonly string[],
    readonly grammars: readonly PlateGrammar[] = DEFAULT_GRAMMARS,
  ) {
    this.alphabet = [''];
    this.fold = new Int32Array(dict.length).fill(-1);
    this.fold[0] = 0;
    dict.forEach((ch, i) => {
      if (i === 0) return;
      const p = plateCharOf(ch);
      if (p === null) return;
      if (p === '') {
        this.fold[i] = 0;
        return;
      }
      let k = this.indexOf.get(p);
      if (k === undefined) {
        k = this.alphabet.length;
        this.alphabet.push(p);
        this.indexOf.set(p, k);
      }
      this.fold[i] = k;
    });
    const cache = new Map<string, SlotClasses>();
    const classesOf = (chars: string): SlotClasses => {
      let c = cache.get(chars);
      if (!c) cache.set(chars, (c = slotClasses(this.alphabet, chars)));
      return c;
    };
    for (const g of grammars) for (const t of g.templates) this.compiled.push({ grammar: g, slots: t.map(classesOf), chars: t });
  }

  /** Sums the model's probabilities onto the plate alphabet (frames × alphabet). */
  reduce(probs: Float32Array, frames: number, classes: number): Float32Array {
    const n = this.alphabet.length;
    const out = new Float32Array(frames * n);
    for (let t = 0; t < frames; t++) {
      const src = t * classes;
      const dst = t * n;
      for (let c = 0; c < classes; c++) {
        const k = this.fold[c]!;
        if (k >= 0) out[dst + k]! += probs[src + c]!;
      }
    }
    return out;
  }

  /**
   * Confidence of a slot's character: its peak probability plus that of the confusables the slot does not allow.
   * The model saying "O" where a mainland plate can only have "0" is evidence for the 0, not against it.
   */
  private confidence(probs: Float32Array, n: number, frames: readonly number[], cls: number, slot: string): number {
    const ch = this.alphabet[cls]!;
    const group = CONFUSABLE_GROUPS.find((g) => g.includes(ch)) ?? '';
    const extra = [...group].filter((c) => c !== ch && !slot.includes(c)).map((c) => this.indexOf.get(c)).filter((c): c is number => c !== undefined);
    let peak = 0;
    for (const t of frames) {
      let p = probs[t * n + cls]!;
      for (const c of extra) p += probs[t * n + c]!;
      peak = Math.max(peak, p);
    }
    return Math.min(1, peak);
  }

  /** The best plate reading, or null when no grammar fits at all. */
  decode(modelProbs: Float32Array, frames: number, classes: number): LineRead | null {
    const probs = this.reduce(modelProbs, frames, classes);
    const n = this.alphabet.length;
    let best: { read: LineRead; rank: number } | null = null;
    const cache: EmissionCache = new Map();
    for (const { grammar, slots, chars } of this.compiled) {
      const r = decodeTemplate(probs, frames, n, this.alphabet, slots, cache);
      if (!r || (grammar.accept && !grammar.accept(r.text))) continue;
      const rank = r.logp + grammar.prior;
      if (best && rank <= best.rank) continue;
      const conf = r.classes.map((c, i) => this.confidence(probs, n, r.frames[i]!, c, chars[i]!));
      const mean = conf.reduce((s, p) => s + p, 0) / conf.length;
      const min = Math.min(...conf);
      best = { read: { text: r.text, grammar: grammar.name, score: 0.5 * mean + 0.5 * min, probs: conf, logp: r.logp }, rank };
    }
    return best?.read ?? null;
  }
}
