import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isAbort } from '../../api/client';
import { errorText } from '../../app/errors';
import { formatHkt } from '../../time/format';
import { alertsApi } from './alertsApi';
import type { AlertNote } from './types';

/** The notes of one alert, read when shown and again when the alert changes (updatedAt). */
export function AlertNotes({ alertId, updatedAt }: { alertId: string; updatedAt: number }) {
  const { t } = useTranslation();
  const [notes, setNotes] = useState<AlertNote[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    const ac = new AbortController();
    alertsApi.get(alertId, ac.signal).then(
      (a) => setNotes(a.notes),
      (err: unknown) => {
        if (isAbort(err)) return;
        console.error(`Notes of alert ${alertId} failed`, err);
        setError(err);
      },
    );
    return () => ac.abort();
  }, [alertId, updatedAt]);
  if (error !== null) return <p className="error">{errorText(t, error)}</p>;
  if (notes === null) return <p className="muted">{t('common.loading')}</p>;
  if (notes.length === 0) return <p className="muted">{t('alerts.noNotes')}</p>;
  return (
    <ul className="plain alert-notes" data-testid="alert-notes">
      {notes.map((n) => (
        <li key={n.id}>
          <span className="muted">
            {formatHkt(n.createdAt)} · {n.author}:
          </span>{' '}
          {n.text}
        </li>
      ))}
    </ul>
  );
}
