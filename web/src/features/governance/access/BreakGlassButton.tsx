import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { isAbort } from '../../../api/client';
import { useAuth } from '../../../app/auth';
import { errorText } from '../../../app/errors';
import { formatHkt } from '../../../time/format';
import { governanceApi, type BreakGlass } from '../api';

/**
 * Where a case is asked for (plate search, forensic search, playback of case-required cameras): for holders
 * of 'breakglass.use', state an emergency and pass the case requirement for a short time. Every use is
 * audited with the break-glass id and reviewed by a supervisor afterwards.
 */
export function BreakGlassButton({ onActive }: { onActive?(b: BreakGlass | null): void }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const allowed = can('breakglass.use');
  const [active, setActive] = useState<BreakGlass | null>(null);
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!allowed) return;
    const ac = new AbortController();
    governanceApi.myBreakGlass(ac.signal).then((r) => {
      setActive(r.item);
      onActive?.(r.item);
    }, (err: unknown) => {
      if (!isAbort(err)) setError(err);
    });
    return () => ac.abort();
  }, [allowed]);

  if (!allowed) return null;
  if (active && active.expiresAt > Date.now()) {
    return <span className="break-glass active" data-testid="break-glass-active">{t('governancePage.breakGlass.activeUntil', { time: formatHkt(active.expiresAt) })}</span>;
  }
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const b = await governanceApi.startBreakGlass(reason.trim());
      setActive(b);
      setOpen(false);
      onActive?.(b);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <span className="break-glass">
      {!open && <button type="button" className="danger" onClick={() => setOpen(true)} data-testid="break-glass">{t('governancePage.breakGlass.button')}</button>}
      {open && (
        <form onSubmit={(e) => void submit(e)} className="inline-form">
          <label>
            {t('governancePage.breakGlass.reason')}
            <input type="text" value={reason} minLength={15} maxLength={1000} required onChange={(e) => setReason(e.target.value)} data-testid="break-glass-reason" />
          </label>
          <button type="submit" className="danger" disabled={busy} data-testid="break-glass-confirm">{t('governancePage.breakGlass.confirm')}</button>
          <button type="button" onClick={() => setOpen(false)}>{t('common.cancel')}</button>
          <span className="muted">{t('governancePage.breakGlass.warning')}</span>
        </form>
      )}
      {error !== null && <span className="error">{errorText(t, error)}</span>}
    </span>
  );
}
