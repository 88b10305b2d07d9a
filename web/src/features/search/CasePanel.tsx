import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isAbort } from '../../api/client';
import { useAuth } from '../../app/auth';
import { errorText } from '../../app/errors';
import { formatHkt } from '../../time/format';
import type { CaseContext } from '../plates/types';
import { CaseCreateForm } from './CaseCreateForm';
import { searchApi } from './searchApi';
import type { Case } from './types';
import { BreakGlassButton } from '../governance/access/BreakGlassButton';
import type { BreakGlass } from '../governance/api';

/**
 * My cases: open one to work in it (its reference goes with every search as X-Case-Ref), create one,
 * close one with a reason. Forensic search refuses to run outside an open case.
 */
export function CasePanel({ value, onChange, onBreakGlass }: { value: CaseContext; onChange(c: CaseContext): void; onBreakGlass?(b: BreakGlass | null): void }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const mayManage = can('case.manage');
  const [cases, setCases] = useState<Case[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [closing, setClosing] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [revision, setRevision] = useState(0);
  const reload = useCallback(() => setRevision((r) => r + 1), []);

  useEffect(() => {
    if (!mayManage) return;
    const ac = new AbortController();
    searchApi.cases(ac.signal).then(
      (r) => {
        setCases(r.items);
        setError(null);
      },
      (err: unknown) => {
        if (isAbort(err)) return;
        console.error('Cases could not be listed', err);
        setError(err);
      },
    );
    return () => ac.abort();
  }, [mayManage, revision]);

  const open = (c: Case) => onChange({ caseRef: c.ref, purpose: c.purpose });
  const close = async (ref: string) => {
    setError(null);
    try {
      await searchApi.closeCase(ref, reason.trim());
      if (value.caseRef === ref) onChange({ caseRef: '', purpose: '' });
      setClosing(null);
      setReason('');
      reload();
    } catch (err) {
      console.error(`Closing case ${ref} failed`, err);
      setError(err);
    }
  };

  const current = cases.find((c) => c.ref === value.caseRef);
  return (
    <section className="card search-cases" data-testid="case-panel" data-open={value.caseRef}>
      <div className="toolbar">
        <h2>{t('searchPage.cases.title')}</h2>
        {value.caseRef ? (
          <span className="case-open" data-testid="case-open">
            {t('searchPage.cases.working', { ref: value.caseRef })}
            {current && current.status === 'closed' && <span className="warn-text"> · {t('searchPage.cases.closedNote')}</span>}{' '}
            <button type="button" className="small" onClick={() => onChange({ caseRef: '', purpose: '' })} data-testid="case-leave">
              {t('searchPage.cases.leave')}
            </button>
          </span>
        ) : (
          <span className="warn-text">{t('searchPage.cases.none')}</span>
        )}
        <BreakGlassButton onActive={onBreakGlass} />
      </div>
      {error !== null && (
        <p className="error" role="alert">
          {errorText(t, error)}
        </p>
      )}
      {!mayManage && <p className="muted">{t('searchPage.cases.noManage')}</p>}
      {mayManage && (
        <div className="case-columns">
          <div className="scroll case-list">
            <table className="data compact" data-testid="case-table">
              <thead>
                <tr>
                  <th>{t('searchPage.cases.ref')}</th>
                  <th>{t('searchPage.cases.purpose')}</th>
                  <th>{t('searchPage.cases.expires')}</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {cases.map((c) => (
                  <tr key={c.ref} data-testid="case-row" data-ref={c.ref} data-status={c.status} className={c.ref === value.caseRef ? 'selected' : undefined}>
                    <td className="mono">{c.ref}</td>
                    <td>
                      {c.purpose}
                      <div className="muted small">{t('searchPage.cases.usersList', { users: c.authorisedUsers.map((u) => u.username).join(', ') })}</div>
                    </td>
                    <td className="nowrap small">{c.status === 'closed' ? t('searchPage.cases.closedAt', { at: formatHkt(c.closedAt) }) : formatHkt(c.expiresAt)}</td>
                    <td className="nowrap">
                      {c.status === 'open' && c.ref !== value.caseRef && (
                        <button type="button" className="small" onClick={() => open(c)} data-testid="case-open-button">
                          {t('searchPage.cases.open')}
                        </button>
                      )}
                      {c.status === 'open' && closing !== c.ref && (
                        <button type="button" className="small" onClick={() => setClosing(c.ref)} data-testid="case-close-button">
                          {t('searchPage.cases.close')}
                        </button>
                      )}
                      {closing === c.ref && (
                        <span className="case-close-form">
                          <input value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t('searchPage.cases.reason')} aria-label={t('searchPage.cases.reason')} data-testid="case-close-reason" />
                          <button type="button" className="small" disabled={reason.trim().length < 3} onClick={() => void close(c.ref)} data-testid="case-close-confirm">
                            {t('searchPage.cases.closeConfirm')}
                          </button>
                          <button type="button" className="small" onClick={() => setClosing(null)}>
                            {t('common.cancel')}
                          </button>
                        </span>
                      )}
                    </td>
                  </tr>
                ))}
                {cases.length === 0 && (
                  <tr>
                    <td colSpan={4} className="empty">
                      {t('searchPage.cases.empty')}
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          </div>
          <CaseCreateForm
            onCreated={(c) => {
              open(c);
              reload();
            }}
          />
        </div>
      )}
    </section>
  );
}
