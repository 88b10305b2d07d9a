import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../app/errors';
import { formatHkt, parseHktLocal } from '../../time/format';
import { searchApi } from './searchApi';
import type { Case } from './types';

const DAY = 86_400_000;
const hktLocal = (ms: number) => {
  const s = formatHkt(ms);
  return `${s.slice(0, 10)}T${s.slice(11, 16)}`;
};

/** Open a new case: reference, purpose, authorised users (usernames; I always am one), expiry in Hong Kong time. */
export function CaseCreateForm({ onCreated }: { onCreated(c: Case): void }) {
  const { t } = useTranslation();
  const [ref, setRef] = useState('');
  const [purpose, setPurpose] = useState('');
  const [users, setUsers] = useState('');
  const [expires, setExpires] = useState(() => hktLocal(Date.now() + 30 * DAY));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const expiresAt = parseHktLocal(expires);
    if (expiresAt === null) {
      setError(new Error(t('searchPage.cases.badExpiry')));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const authorisedUsers = users.split(/[,\s]+/).map((s) => s.trim()).filter(Boolean);
      onCreated(await searchApi.createCase({ ref: ref.trim(), purpose: purpose.trim(), authorisedUsers, expiresAt }));
      setRef('');
      setPurpose('');
      setUsers('');
    } catch (err) {
      console.error('Opening a case failed', err);
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="case-create" onSubmit={(e) => void submit(e)} data-testid="case-create" noValidate>
      <h3>{t('searchPage.cases.create')}</h3>
      {error !== null && (
        <p className="error" role="alert" data-testid="case-create-error">
          {errorText(t, error)}
        </p>
      )}
      <label>
        {t('searchPage.cases.ref')}
        <input value={ref} onChange={(e) => setRef(e.target.value)} placeholder="HKP-2026-00123" required data-testid="case-new-ref" />
      </label>
      <label>
        {t('searchPage.cases.purpose')}
        <input value={purpose} onChange={(e) => setPurpose(e.target.value)} placeholder={t('searchPage.cases.purposeHint')} required data-testid="case-new-purpose" />
      </label>
      <label>
        {t('searchPage.cases.users')}
        <input value={users} onChange={(e) => setUsers(e.target.value)} placeholder={t('searchPage.cases.usersHint')} data-testid="case-new-users" />
      </label>
      <label>
        {t('searchPage.cases.expires')}
        <input type="datetime-local" value={expires} onChange={(e) => setExpires(e.target.value)} required data-testid="case-new-expires" />
      </label>
      <button type="submit" className="primary" disabled={busy || !ref.trim() || !purpose.trim()} data-testid="case-new-submit">
        {t('searchPage.cases.createButton')}
      </button>
    </form>
  );
}
