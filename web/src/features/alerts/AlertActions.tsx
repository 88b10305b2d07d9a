import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../app/errors';
import { alertsApi } from './alertsApi';
import type { Alert, AlertWithNotes } from './types';

interface Props {
  alert: Alert;
  onChanged(a: AlertWithNotes): void;
}

/** Acknowledge, add a note, close (operators with alert.manage). Errors from the API are shown here. */
export function AlertActions({ alert, onChanged }: Props) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [noteOpen, setNoteOpen] = useState(false);
  const [note, setNote] = useState('');

  const run = async (fn: () => Promise<AlertWithNotes>, label: string) => {
    setBusy(true);
    setError(null);
    try {
      onChanged(await fn());
      return true;
    } catch (err) {
      console.error(`${label} of alert ${alert.id} failed`, err);
      setError(err);
      return false;
    } finally {
      setBusy(false);
    }
  };
  const submitNote = async (e: FormEvent) => {
    e.preventDefault();
    if (!note.trim()) return;
    if (await run(() => alertsApi.addNote(alert.id, note.trim()), 'Note')) {
      setNote('');
      setNoteOpen(false);
    }
  };

  return (
    <div className="alert-actions">
      {alert.state === 'open' && (
        <button type="button" className="primary small" disabled={busy} onClick={() => void run(() => alertsApi.acknowledge(alert.id), 'Acknowledge')} data-testid="alert-ack">
          {t('alerts.ack')}
        </button>
      )}
      {alert.state !== 'closed' && (
        <button type="button" className="small" disabled={busy} onClick={() => void run(() => alertsApi.close(alert.id), 'Close')} data-testid="alert-close">
          {t('alerts.closeAlert')}
        </button>
      )}
      <button type="button" className="small" aria-expanded={noteOpen} onClick={() => setNoteOpen((o) => !o)} data-testid="alert-note-toggle">
        {t('alerts.addNote')}
      </button>
      {noteOpen && (
        <form className="note-form" onSubmit={(e) => void submitNote(e)}>
          <label className="sr-only" htmlFor={`note-${alert.id}`}>
            {t('alerts.note')}
          </label>
          <textarea id={`note-${alert.id}`} value={note} maxLength={2000} rows={2} onChange={(e) => setNote(e.target.value)} placeholder={t('alerts.notePlaceholder')} data-testid="alert-note-text" />
          <button type="submit" className="small" disabled={busy || !note.trim()} data-testid="alert-note-save">
            {t('alerts.saveNote')}
          </button>
        </form>
      )}
      {error !== null && (
        <p className="error" role="alert">
          {errorText(t, error)}
        </p>
      )}
    </div>
  );
}
