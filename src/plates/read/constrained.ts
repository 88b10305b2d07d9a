/**
 * Grammar-constrained CTC decoding. A template is a fixed sequence of slots, each the set of characters allowed
 * at that position (e.g. province · letter · 5 letters/digits). The best CTC alignment of the recogniser's output
 * onto the template is found by Viterbi over the usual blank-interleaved state chain; a slot's character is then
 * the allowed class with the highest summed log-probability over the frames aligned to it. This resolves
 * confusables by position from the model's own second choices, and recovers a character the greedy path dropped
 * (a faint province character) when the template needs one there.
 */

export interface ConstrainedRead {
  text: string;
  /** Class index chosen per slot. */
  classes: number[];
  /** The frames aligned to each slot. */
  frames: number[][];
  /** Per character: the probability at its strongest aligned frame. */
  probs: number[];
  /** Log-probability of the whole alignment (all frames); comparable across templates of one output. */
  logp: number;
}

const LOG_FLOOR = -30;
const CHANGE_PENALTY = Math.log(0.05);
const safeLog = (p: number): number => (p > 1e-13 ? Math.log(p) : LOG_FLOOR);

/** Precomputed per-slot class indices into the model's dictionary. */
export type SlotClasses = Int32Array;

export function slotClasses(dict: readonly string[], chars: string): SlotClasses {
  const want = new Set(chars);
  const out: number[] = [];
  dict.forEach((ch, i) => {
    if (i > 0 && want.has(ch)) out.push(i);
  });
  return Int32Array.from(out);
}

/** Per slot set: each frame's best allowed class and its log-probability (computed once per line, not per template). */
export type EmissionCache = Map<SlotClasses, { logp: Float64Array; arg: Int32Array }>;

function slotEmissions(probs: Float32Array, frames: number, classes: number, slot: SlotClasses, cache?: EmissionCache): { logp: Float64Array; arg: Int32Array } {
  const hit = cache?.get(slot);
  if (hit) return hit;
  const logp = new Float64Array(frames);
  const arg = new Int32Array(frames).fill(-1);
  for (let t = 0; t < frames; t++) {
    let best = 0;
    for (const c of slot) {
      if (probs[t * classes + c]! > best) {
        best = probs[t * classes + c]!;
        arg[t] = c;
      }
    }
    logp[t] = safeLog(best);
  }
  const e = { logp, arg };
  cache?.set(slot, e);
  return e;
}

/**
 * `probs` is frames × classes softmax output. Returns null when the template has more characters than the output
 * has frames to hold them.
 */
export function decodeTemplate(
  probs: Float32Array,
  frames: number,
  classes: number,
  dict: readonly string[],
  slots: readonly SlotClasses[],
  cache?: EmissionCache,
): ConstrainedRead | null {
  const L = slots.length;
  if (L === 0 || L > frames) return null;
  // Emission of slot s at frame t: best allowed class (log), and which. Shared by templates through `cache`.
  const em = new Float64Array(frames * L);
  const arg = new Int32Array(frames * L);
  const blank = new Float64Array(frames);
  for (let t = 0; t < frames; t++) blank[t] = safeLog(probs[t * classes]!);
  for (let s = 0; s < L; s++) {
    const e = slotEmissions(probs, frames, classes, slots[s]!, cache);
    for (let t = 0; t < frames; t++) {
      em[t * L + s] = e.logp[t]!;
      arg[t * L + s] = e.arg[t]!;
    }
  }
  // States 0..2L: even = blank before slot s/2 (2L = trailing blank), odd = slot (k-1)/2.
  const S = 2 * L + 1;
  const NEG = -Infinity;
  let prev = new Float64Array(S).fill(NEG);
  const back = new Int8Array(frames * S); // 0 stay, 1 from k-1, 2 from k-2
  const emit = (t: number, k: number): number => (k % 2 === 0 ? blank[t]! : em[t * L + (k - 1) / 2]!);
  prev[0] = emit(0, 0);
  prev[1] = emit(0, 1);
  for (let t = 1; t < frames; t++) {
    const cur = new Float64Array(S).fill(NEG);
    for (let k = 0; k < S; k++) {
      // Staying in a slot while the frames' best character changes means two characters were merged into one
      // slot: allowed (a blurred glyph can flicker) but penalised, or short templates would read "8799" as "99".
      let best = k % 2 === 1 && arg[(t - 1) * L + (k - 1) / 2] !== arg[t * L + (k - 1) / 2] ? prev[k]! + CHANGE_PENALTY : prev[k]!;
      let from = 0;
      if (k >= 1 && prev[k - 1]! > best) {
        best = prev[k - 1]!;
        from = 1;
      }
      // Skip the blank between two slots only when the two frames read different characters: the same character
      // on consecutive frames is one character in CTC, and letting it fill two slots would make longer templates free.
      if (k >= 3 && k % 2 === 1 && prev[k - 2]! > best && arg[(t - 1) * L + (k - 3) / 2] !== arg[t * L + (k - 1) / 2]) {
        best = prev[k - 2]!;
        from = 2;
      }
      if (best === NEG) continue;
      cur[k] = best + emit(t, k);
      back[t * S + k] = from;
    }
    prev = cur;
  }
  let k = prev[S - 1]! >= prev[S - 2]! ? S - 1 : S - 2;
  const logp = prev[k]!;
  if (logp === NEG) return null;
  // Walk back: frames of each slot.
  const slotFrames: number[][] = Array.from({ length: L }, () => []);
  for (let t = frames - 1; t >= 0; t--) {
    if (k % 2 === 1) slotFrames[(k - 1) / 2]!.push(t);
    k -= back[t * S + k]!;
  }
  let text = '';
  const outProbs: number[] = [];
  const chosen: number[] = [];
  for (let s = 0; s < L; s++) {
    let bestC = -1;
    let bestSum = NEG;
    for (const c of slots[s]!) {
      let sum = 0;
      for (const t of slotFrames[s]!) sum += safeLog(probs[t * classes + c]!);
      if (sum > bestSum) {
        bestSum = sum;
        bestC = c;
      }
    }
    let peak = 0;
    for (const t of slotFrames[s]!) peak = Math.max(peak, probs[t * classes + bestC]!);
    text += dict[bestC]!;
    outProbs.push(peak);
    chosen.push(bestC);
  }
  return { text, classes: chosen, frames: slotFrames, probs: outProbs, logp };
}

/** Log-probability of the unconstrained greedy path over the allowed classes (the ceiling any template can reach). */
export function greedyLogp(probs: Float32Array, frames: number, classes: number, allowed?: Uint8Array): number {
  let sum = 0;
  for (let t = 0; t < frames; t++) {
    let best = probs[t * classes]!;
    for (let c = 1; c < classes; c++) if ((!allowed || allowed[c]) && probs[t * classes + c]! > best) best = probs[t * classes + c]!;
    sum += safeLog(best);
  }
  return sum;
}
