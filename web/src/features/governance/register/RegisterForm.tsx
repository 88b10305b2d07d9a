import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../../app/errors';
import { governanceApi, type RegisterEntry, type RegisterInput } from '../api';

/** Edits one camera's assessment fields (audited as register.update). */
export function RegisterForm({ entry, onDone, onCancel }: { entry: RegisterEntry; onDone(): void; onCancel(): void }) {
  const { t } = useTranslation();
  const [f, setF] = useState<RegisterInput>({
    purpose: entry.purpose ?? '', legalBasis: entry.legalBasis ?? '', signage: entry.signage ?? false, residentialFacing: entry.residentialFacing ?? false, notes: entry.notes ?? '',
  });
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await governanceApi.setRegister(entry.cameraId, f);
      onDone();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form className="inline-form register-form" onSubmit={(e) => void submit(e)} data-testid="register-form">
      <strong>{entry.name}</strong>
      <label>{t('governancePage.register.col.purpose')}<input type="text" value={f.purpose} required minLength={3} onChange={(e) => setF({ ...f, purpose: e.target.value })} data-testid="register-purpose" /></label>
      <label>{t('governancePage.register.col.legalBasis')}<input type="text" value={f.legalBasis} required minLength={3} onChange={(e) => setF({ ...f, legalBasis: e.target.value })} data-testid="register-legal" /></label>
      <label><input type="checkbox" checked={f.signage} onChange={(e) => setF({ ...f, signage: e.target.checked })} data-testid="register-signage" />{t('governancePage.register.col.signage')}</label>
      <label><input type="checkbox" checked={f.residentialFacing} onChange={(e) => setF({ ...f, residentialFacing: e.target.checked })} data-testid="register-residential-input" />{t('governancePage.register.col.residential')}</label>
      <label>{t('governancePage.register.notes')}<input type="text" value={f.notes} onChange={(e) => setF({ ...f, notes: e.target.value })} /></label>
      <button type="submit" data-testid="register-save">{t('governancePage.register.save')}</button>
      <button type="button" onClick={onCancel}>{t('common.cancel')}</button>
      {error !== null && <span className="error">{errorText(t, error)}</span>}
    </form>
  );
}
