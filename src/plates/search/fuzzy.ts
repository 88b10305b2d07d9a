/**
 * Edit distance ≤ 1 by symmetric deletion (as in SymSpell): two strings are within one edit
 * (insert, delete or substitute) only if they share a member of {s} ∪ {s with one character
 * deleted}. Indexing every key under those few variants turns a fuzzy lookup into an exact lookup of
 * len+1 strings; `withinOne` then drops the few false candidates (two deletions at different places).
 * Works on code points, so a province character of a mainland plate counts as one character.
 */
export function deletionVariants(key: string): string[] {
  const cps = [...key];
  const out = new Set<string>([key]);
  for (let i = 0; i < cps.length; i++) out.add(cps.slice(0, i).join('') + cps.slice(i + 1).join(''));
  return [...out];
}

/** Levenshtein distance ≤ 1 (code points). */
export function withinOne(a: string, b: string): boolean {
  if (a === b) return true;
  const x = [...a];
  const y = [...b];
  if (Math.abs(x.length - y.length) > 1) return false;
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  if (x.length === y.length) return x.slice(i + 1).join('') === y.slice(i + 1).join('');
  const [long, short] = x.length > y.length ? [x, y] : [y, x];
  return long.slice(i + 1).join('') === short.slice(i).join('');
}
