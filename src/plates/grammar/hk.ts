/**
 * Hong Kong marks. Ordinary: up to two letters (A–Z without I, O, Q) then 1–9999 without leading zeros.
 * Personalised: up to 8 letters and digits, no I, O, Q.
 */
import { DIGITS, LATIN } from './charset';
import type { PlateGrammar } from './types';

export const HK_LETTERS = [...LATIN].filter((c) => !'IOQ'.includes(c)).join('');
const NONZERO = '123456789';

function ordinaryTemplates(): string[][] {
  const out: string[][] = [];
  for (let letters = 0; letters <= 2; letters++) {
    for (let digits = 1; digits <= 4; digits++) {
      out.push([...Array<string>(letters).fill(HK_LETTERS), NONZERO, ...Array<string>(digits - 1).fill(DIGITS)]);
    }
  }
  return out;
}

export const HK_ORDINARY: PlateGrammar = { name: 'hk', prior: 0, templates: ordinaryTemplates() };

export const HK_PERSONALISED: PlateGrammar = {
  name: 'hk_personalised',
  prior: -5,
  templates: Array.from({ length: 8 }, (_, i) => Array<string>(i + 1).fill(HK_LETTERS + DIGITS)),
  // A bare number is an ordinary mark (or nothing); personalised marks are words, mostly letters.
  accept: (t) => /[A-Z]/.test(t) && t.length >= 2,
};
