import { useEffect, useState, type FormEvent } from 'react';
import { Dialog } from '../../app/Dialog';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/endpoints';
import type { ImportFormat, ImportRejection } from '../../api/types';
import { errorText } from '../../app/errors';
import { guessFormat, rejectionOf } from './importing';
import { RejectedRows } from './RejectedRows';

interface Props {
  onClose(): void;
  onImported(count: number): void;
}

type Outcome = { kind: 'imported'; count: number } | { kind: 'rejected'; rejection: ImportRejection } | { kind: 'failed'; message: string };

/** Upload a CSV or GeoJSON file as-is; the server imports all of it or nothing. */
export function ImportDialog({ onClose, onImported }: Props) {
  const { t } = useTranslation();
  const [file, setFile] = useState<File | null>(null);
  const [format, setFormat] = useState<ImportFormat>('csv');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  const choose = (f: File | null) => {
    setFile(f);
    setOutcome(null);
    if (f) setFormat(guessFormat(f));
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    setOutcome(null);
    try {
      const res = await api.importCameras(file, format);
      setOutcome({ kind: 'imported', count: res.imported });
      onImported(res.imported);
    } catch (err) {
      const rejection = rejectionOf(err);
      if (!rejection) console.error('Import failed', err);
      setOutcome(rejection ? { kind: 'rejected', rejection } : { kind: 'failed', message: errorText(t, err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog id="import" title={t('import.title')} testId="import-dialog" onClose={onClose}>
      <p className="muted">{t('import.help')}</p>
      <form onSubmit={submit} className="import-form">
        <input
          type="file"
          accept=".csv,.geojson,.json,text/csv,application/geo+json,application/json"
          data-testid="import-file"
          onChange={(e) => choose(e.target.files?.[0] ?? null)}
        />
        <label>
          {t('import.format')}{' '}
          <select value={format} onChange={(e) => setFormat(e.target.value as ImportFormat)} data-testid="import-format">
            <option value="csv">{t('import.formats.csv')}</option>
            <option value="geojson">{t('import.formats.geojson')}</option>
          </select>
        </label>
        <button type="submit" className="primary" disabled={!file || busy} data-testid="import-submit">
          {busy ? t('import.uploading') : t('import.upload')}
        </button>
      </form>
      {outcome?.kind === 'imported' && (
        <p className="ok-text" role="status" data-testid="import-result">
          {t('import.imported', { count: outcome.count })}
        </p>
      )}
      {outcome?.kind === 'rejected' && <RejectedRows rejection={outcome.rejection} />}
      {outcome?.kind === 'failed' && (
        <p className="error" role="alert" data-testid="import-error">
          {outcome.message}
        </p>
      )}
    </Dialog>
  );
}
