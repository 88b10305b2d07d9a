import { useEffect, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { isAbort } from '../../api/client';
import { useAuth } from '../../app/auth';
import { BreakGlassButton } from '../governance/access/BreakGlassButton';
import { platesApi } from './platesApi';
import type { Case, CaseContext } from './types';

/**
 * Case reference (offered from my open cases) and purpose: searches and predictions run inside a
 * case and are audited with both. A field is committed when it is left or Enter is pressed, not at
 * every keystroke: a half-typed reference would be refused, and every refusal is audited.
 */
export function CaseFields({ value, onChange, withPurpose = true, onBreakGlass }: { value: CaseContext; onChange(c: CaseContext): void; withPurpose?: boolean; onBreakGlass?(active: boolean): void }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const [cases, setCases] = useState<Case[]>([]);
  const [draft, setDraft] = useState(value);
  const [breakGlass, setBreakGlass] = useState(false);
  const mayList = can('case.manage');

  useEffect(() => setDraft(value), [value.caseRef, value.purpose]);

  useEffect(() => {
    if (!mayList) return;
    const ac = new AbortController();
    platesApi.cases(ac.signal).then(
      (r) => setCases(r.items.filter((c) => c.status === 'open')),
      (err: unknown) => {
        if (!isAbort(err)) console.warn('Cases could not be listed', err);
      },
    );
    return () => ac.abort();
  }, [mayList]);

  const commit = () => {
    const c = cases.find((x) => x.ref === draft.caseRef.trim());
    const next = { caseRef: draft.caseRef.trim(), purpose: draft.purpose || c?.purpose || '' };
    if (next.caseRef !== value.caseRef || next.purpose !== value.purpose) onChange(next);
  };
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      commit();
    }
  };

  return (
    <fieldset className="case-fields">
      <legend>{t('plates.case.legend')}</legend>
      <label>
        {t('plates.case.ref')}
        <input value={draft.caseRef} list="plates-cases" onChange={(e) => setDraft({ ...draft, caseRef: e.target.value })} onBlur={commit} onKeyDown={onKey} placeholder="HKP-2026-00123" data-testid="case-ref" required={!breakGlass} />
        <datalist id="plates-cases">
          {cases.map((c) => (
            <option key={c.ref} value={c.ref}>
              {c.purpose}
            </option>
          ))}
        </datalist>
      </label>
      {withPurpose && (
        <label>
          {t('plates.case.purpose')}
          <input value={draft.purpose} onChange={(e) => setDraft({ ...draft, purpose: e.target.value })} onBlur={commit} onKeyDown={onKey} placeholder={t('plates.case.purposePlaceholder')} data-testid="case-purpose" required />
        </label>
      )}
      <BreakGlassButton onActive={(b) => {
        const on = b !== null && b.expiresAt > Date.now();
        setBreakGlass(on);
        onBreakGlass?.(on);
      }} />
    </fieldset>
  );
}
