/**
 * Plate grammars: the pluggable list of formats a read must fit, string normalisation (upper case, separators
 * stripped, confusables swapped by position) and the confusable-folded key used for fuzzy matching.
 */
import { CN_PLATE } from './cn';
import { GENERIC_PLATE } from './generic';
import { HK_ORDINARY, HK_PERSONALISED } from './hk';
import type { GrammarName, NormalisedPlate, PlateGrammar } from './types';

export type { GrammarName, NormalisedPlate, PlateGrammar } from './types';
export { CN_PLATE } from './cn';
export { GENERIC_PLATE } from './generic';
export { HK_ORDINARY, HK_PERSONALISED } from './hk';

/** Most specific first; the order also breaks ties. */
export const DEFAULT_GRAMMARS: readonly PlateGrammar[] = [HK_ORDINARY, CN_PLATE, HK_PERSONALISED, GENERIC_PLATE];

export function grammarsByName(names: readonly GrammarName[]): PlateGrammar[] {
  return names.map((n) => DEFAULT_GRAMMARS.find((g) => g.name === n)!).filter(Boolean);
}

/** Characters OCR mixes up; the first of a group is what the key folds to. */
export const CONFUSABLE_GROUPS: readonly string[] = ['0ODQ', '1I', '8B', '5S', '2Z'];
const GROUP_OF = new Map<string, string>();
for (const g of CONFUSABLE_GROUPS) for (const c of g) GROUP_OF.set(c, g);

/** Upper case, full-width forms folded, separators and anything but letters, digits and CJK dropped. */
export function cleanPlateText(raw: string): string {
  return raw
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[^0-9A-Z\u4e00-\u9fff]/g, '');
}

/** Confusable-folded key: two reads that differ only by confusables get the same key. */
export function plateKey(text: string): string {
  return [...cleanPlateText(text)].map((c) => GROUP_OF.get(c)?.[0] ?? c).join('');
}

export interface NormaliseOptions {
  grammars?: readonly PlateGrammar[];
  /** Per character of `raw` (after cleaning): the recogniser's alternatives, best first. */
  alts?: readonly (readonly { char: string; prob: number }[])[];
}

/** Fits `text` onto one template: the swaps needed, or null when a character fits in no way. */
function fit(text: readonly string[], slots: readonly string[], alts?: NormaliseOptions['alts']): { text: string; swaps: number } | null {
  if (text.length !== slots.length) return null;
  let out = '';
  let swaps = 0;
  for (let i = 0; i < slots.length; i++) {
    const c = text[i]!;
    const slot = slots[i]!;
    if (slot.includes(c)) {
      out += c;
      continue;
    }
    const alt = alts?.[i]?.find((a) => slot.includes(a.char));
    const conf = [...(GROUP_OF.get(c) ?? '')].find((x) => slot.includes(x));
    const pick = alt && (!conf || alt.prob > 0.05) ? alt.char : conf;
    if (!pick) return null;
    out += pick;
    swaps++;
  }
  return { text: out, swaps };
}

/**
 * Normalises an OCR string and validates it against the grammars; null for strings no grammar accepts (absurd
 * reads). Each confusable swapped costs score; the more specific grammar wins at equal cost.
 */
export function normalisePlate(raw: string, opts: NormaliseOptions = {}): NormalisedPlate | null {
  const chars = [...cleanPlateText(raw)];
  if (chars.length === 0 || chars.length > 10) return null;
  let best: { n: NormalisedPlate; cost: number } | null = null;
  for (const g of opts.grammars ?? DEFAULT_GRAMMARS) {
    for (const tpl of g.templates) {
      const f = fit(chars, tpl, opts.alts);
      if (!f || (g.accept && !g.accept(f.text))) continue;
      const cost = f.swaps - g.prior / 2;
      if (!best || cost < best.cost) best = { n: { text: f.text, grammar: g.name, score: Math.max(0, 1 - 0.15 * f.swaps) }, cost };
    }
  }
  return best?.n ?? null;
}
