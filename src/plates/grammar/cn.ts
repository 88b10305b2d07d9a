/**
 * Mainland Chinese plates (cross-boundary vehicles in Hong Kong carry them): province character, the issuing
 * city's letter, then 5 letters/digits (ordinary) or 6 (new-energy), I and O never used; special plates end in a
 * character (警 police, 学 learner, 港/澳 cross-boundary, 挂 trailer, 领/使 consular) after 4 letters/digits.
 */
import { CN_PROVINCES, CN_SUFFIXES, DIGITS, LATIN } from './charset';
import type { PlateGrammar } from './types';

const CN_LETTERS = [...LATIN].filter((c) => c !== 'I' && c !== 'O').join('');
const ALNUM = CN_LETTERS + DIGITS;

export const CN_PLATE: PlateGrammar = {
  name: 'cn',
  prior: 0,
  templates: [
    [CN_PROVINCES, CN_LETTERS, ...Array<string>(5).fill(ALNUM)],
    [CN_PROVINCES, CN_LETTERS, ...Array<string>(6).fill(ALNUM)],
    [CN_PROVINCES, CN_LETTERS, ...Array<string>(4).fill(ALNUM), CN_SUFFIXES],
  ],
  // Ordinary serials carry at most two letters in practice; this is only a sanity floor.
  accept: (t) => /[0-9]/.test(t.slice(2)),
};
