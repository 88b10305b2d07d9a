import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/endpoints';
import type { VerifyResult } from '../../api/types';
import { errorText } from '../../app/errors';

/** Re-checks the hash chains of the audit trail on the server. */
export function VerifyPanel() {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<VerifyResult | null>(null);
  const [error, setError] = useState<string | null>(null);

  const verify = async () => {
    setBusy(true);
    setError(null);
    try {
      setResult(await api.verifyAudit());
    } catch (err) {
      console.error('Audit verification failed', err);
      setResult(null);
      setError(errorText(t, err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="verify" data-testid="audit-verify">
      <button type="button" onClick={() => void verify()} disabled={busy} data-testid="audit-verify-button">
        {busy ? t('audit.verify.running') : t('audit.verify.button')}
      </button>
      {result && result.ok && (
        <span className="ok-text" role="status" data-testid="audit-verify-result" data-ok="true">
          ✓ {t('audit.verify.ok', { count: result.recordsChecked })}
        </span>
      )}
      {result && !result.ok && (
        <div className="error" role="alert" data-testid="audit-verify-result" data-ok="false">
          {t('audit.verify.problems', { count: result.problems.length, checked: result.recordsChecked })}
          <ul>
            {result.problems.map((p, i) => (
              <li key={i}>
                <span className="mono">
                  {p.chain}
                  {p.chainSeq !== undefined ? ` #${p.chainSeq}` : ''} · {p.kind}
                </span>{' '}
                {p.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      {error && <span className="error">{error}</span>}
    </div>
  );
}
