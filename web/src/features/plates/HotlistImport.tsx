import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import type { RejectedRow } from '../../api/types';
import { ImportRejected } from './ImportRejected';
import { platesApi } from './platesApi';

function rejectedRows(err: ApiError): RejectedRow[] | null {
  const r = err.details?.rejected;
  return err.code === 'import_rejected' && Array.isArray(r) ? (r as RejectedRow[]) : null;
}

/** CSV import (all rows or none; the refused rows are listed) and export of one hotlist. */
export function HotlistImport({ hotlistId, onImported }: { hotlistId: string; onImported(): void }) {
  const { t } = useTranslation();
  const [replace, setReplace] = useState(false);
  const [busy, setBusy] = useState(false);
  const [rejected, setRejected] = useState<RejectedRow[] | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  const upload = async (file: File) => {
    setBusy(true);
    setRejected(null);
    setMessage(null);
    try {
      const r = await platesApi.importCsv(hotlistId, await file.text(), replace);
      setMessage({ ok: true, text: t('plates.import.done', { imported: r.imported, replaced: r.replaced }) });
      onImported();
    } catch (err) {
      const rows = err instanceof ApiError ? rejectedRows(err) : null;
      if (rows) setRejected(rows);
      else setMessage({ ok: false, text: err instanceof Error ? err.message : String(err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="hotlist-import">
      <label>
        {t('plates.import.file')}
        <input
          type="file"
          accept=".csv,text/csv"
          disabled={busy}
          data-testid="hotlist-import-file"
          onChange={(e) => {
            const f = e.target.files?.[0];
            e.target.value = '';
            if (f) void upload(f);
          }}
        />
      </label>
      <label className="check">
        <input type="checkbox" checked={replace} onChange={(e) => setReplace(e.target.checked)} />
        {t('plates.import.replace')}
      </label>
      <a href={platesApi.exportUrl(hotlistId)} download data-testid="hotlist-export">
        {t('plates.import.export')}
      </a>
      <p className="muted small">{t('plates.import.columns')}</p>
      {message && (
        <p className={message.ok ? 'ok' : 'error'} role="status" data-testid="hotlist-import-result">
          {message.text}
        </p>
      )}
      {rejected && <ImportRejected rows={rejected} />}
    </div>
  );
}
