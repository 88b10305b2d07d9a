/** Anything plate-like: 2–10 Latin letters and digits with at least one digit. Last resort, lowest prior. */
import { DIGITS, LATIN } from './charset';
import type { PlateGrammar } from './types';

export const GENERIC_PLATE: PlateGrammar = {
  name: 'generic',
  prior: -10,
  templates: Array.from({ length: 9 }, (_, i) => Array<string>(i + 2).fill(LATIN + DIGITS)),
  accept: (t) => /[0-9]/.test(t) && !/^(.)\1+$/.test(t),
};
