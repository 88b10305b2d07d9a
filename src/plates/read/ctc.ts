/**
 * Greedy CTC decoding of a recogniser's per-frame class probabilities, keeping for every emitted character the
 * best few alternatives seen at its strongest frame: the grammars use them to resolve confusables by position
 * (a plate's "8" in a letter slot is most likely the "B" the model ranked second).
 */

export interface CharAlternative {
  char: string;
  prob: number;
}

export interface DecodedChar {
  char: string;
  prob: number;
  /** Best first, `char` included; at most `topK`. */
  alts: CharAlternative[];
}

export interface CtcResult {
  text: string;
  chars: DecodedChar[];
  /** Mean of the emitted characters' probabilities (0 when nothing was read). */
  score: number;
}

export interface CtcOptions {
  /** Class index → character; index 0 is the CTC blank. */
  dict: readonly string[];
  /** When given, only these class indices (and the blank) compete; the rest are ignored as if absent. */
  allowed?: Uint8Array;
  topK?: number;
}

/**
 * `probs` holds `frames × classes` softmax outputs, row-major. A character is emitted where the arg-max changes to
 * a non-blank class (repeats collapse unless a blank separates them).
 */
export function ctcDecode(probs: Float32Array, frames: number, classes: number, o: CtcOptions): CtcResult {
  const topK = o.topK ?? 3;
  const chars: DecodedChar[] = [];
  let prev = 0;
  let cur: { cls: number; frame: number; prob: number } | null = null;
  const flush = (): void => {
    if (!cur) return;
    const base = cur.frame * classes;
    const alts: CharAlternative[] = [];
    // Top-k among allowed non-blank classes at the character's strongest frame.
    for (let c = 1; c < classes; c++) {
      if (o.allowed && !o.allowed[c]) continue;
      const p = probs[base + c]!;
      if (alts.length < topK || p > alts[alts.length - 1]!.prob) {
        const ch = o.dict[c] ?? '';
        alts.push({ char: ch, prob: p });
        alts.sort((a, b) => b.prob - a.prob);
        if (alts.length > topK) alts.pop();
      }
    }
    chars.push({ char: o.dict[cur.cls] ?? '', prob: cur.prob, alts });
    cur = null;
  };
  for (let t = 0; t < frames; t++) {
    const base = t * classes;
    let best = 0;
    let bestP = probs[base]!;
    for (let c = 1; c < classes; c++) {
      if (o.allowed && !o.allowed[c]) continue;
      const p = probs[base + c]!;
      if (p > bestP) {
        bestP = p;
        best = c;
      }
    }
    if (best !== prev) flush();
    if (best !== 0) {
      if (best !== prev) cur = { cls: best, frame: t, prob: bestP };
      else if (cur && bestP > cur.prob) cur = { cls: best, frame: t, prob: bestP };
    }
    prev = best;
  }
  flush();
  const text = chars.map((c) => c.char).join('');
  const score = chars.length ? chars.reduce((s, c) => s + c.prob, 0) / chars.length : 0;
  return { text, chars, score };
}
