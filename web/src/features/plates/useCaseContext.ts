import { useCallback, useState } from 'react';
import type { CaseContext } from './types';

const KEY = 'smartview.case';

function load(): CaseContext {
  const raw = window.sessionStorage.getItem(KEY);
  if (!raw) return { caseRef: '', purpose: '' };
  try {
    const v = JSON.parse(raw) as Partial<CaseContext>;
    return { caseRef: typeof v.caseRef === 'string' ? v.caseRef : '', purpose: typeof v.purpose === 'string' ? v.purpose : '' };
  } catch (err) {
    console.warn('Ignoring a stored case context that is not JSON', err);
    return { caseRef: '', purpose: '' };
  }
}

/**
 * The case the operator works in (plate search and interception both run inside one), kept for the
 * browser tab so that moving between the pages does not ask again.
 */
export function useCaseContext(): [CaseContext, (c: CaseContext) => void] {
  const [ctx, setCtx] = useState<CaseContext>(load);
  const set = useCallback((c: CaseContext) => {
    window.sessionStorage.setItem(KEY, JSON.stringify(c));
    setCtx(c);
  }, []);
  return [ctx, set];
}
