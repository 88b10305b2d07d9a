import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/endpoints';
import { useAuth } from '../../app/auth';
import { errorText } from '../../app/errors';
import { formatHkt } from '../../time/format';

/** Shown when the user's password has an expiry: a notice and a small change-password form. */
export function PasswordNotice({ expiresAt }: { expiresAt: number }) {
  const { t } = useTranslation();
  const { refresh } = useAuth();
  const [open, setOpen] = useState(false);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);

  const expired = expiresAt <= Date.now();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (next !== confirm) {
      setError(t('password.mismatch'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api.changePassword(current, next);
      setDone(true);
      setOpen(false);
      await refresh();
    } catch (err) {
      setError(errorText(t, err));
    } finally {
      setBusy(false);
    }
  };

  if (done) return <div className="notice ok">{t('password.changed')}</div>;
  return (
    <div className={`notice ${expired ? 'bad' : 'warn'}`} data-testid="password-notice">
      <span>
        {expired ? t('password.expired', { at: formatHkt(expiresAt) }) : t('password.expires', { at: formatHkt(expiresAt) })}
      </span>{' '}
      {!open && (
        <button type="button" className="link" onClick={() => setOpen(true)}>
          {t('password.changeNow')}
        </button>
      )}
      {open && (
        <form className="password-form" onSubmit={submit}>
          <input
            type="password"
            autoComplete="current-password"
            placeholder={t('password.current')}
            aria-label={t('password.current')}
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
            required
          />
          <input
            type="password"
            autoComplete="new-password"
            placeholder={t('password.new')}
            aria-label={t('password.new')}
            value={next}
            onChange={(e) => setNext(e.target.value)}
            required
          />
          <input
            type="password"
            autoComplete="new-password"
            placeholder={t('password.confirm')}
            aria-label={t('password.confirm')}
            value={confirm}
            onChange={(e) => setConfirm(e.target.value)}
            required
          />
          <button type="submit" className="primary" disabled={busy}>
            {t('password.submit')}
          </button>
          <button type="button" onClick={() => setOpen(false)}>
            {t('common.cancel')}
          </button>
          {error && (
            <span className="error" role="alert">
              {error}
            </span>
          )}
        </form>
      )}
    </div>
  );
}
