import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { formatHkt, parseHktLocal } from '../../time/format';
import { PRIORITIES, type EntryInput, type HotlistEntry, type Priority } from './types';

/** HKT datetime-local value of a UTC ms time ('' for none). */
function toLocal(ms: number | null): string {
  if (ms === null) return '';
  return formatHkt(ms).replace(' HKT', '').replace(' ', 'T').slice(0, 16);
}

/** Add a plate (or change an entry: the plate then stays). */
export function EntryForm({ entry, onSubmit, onCancel }: { entry?: HotlistEntry; onSubmit(body: EntryInput): Promise<void>; onCancel?(): void }) {
  const { t } = useTranslation();
  const [plate, setPlate] = useState(entry?.plate ?? '');
  const [reason, setReason] = useState(entry?.reason ?? '');
  const [priority, setPriority] = useState<Priority>(entry?.priority ?? 'high');
  const [fuzzy, setFuzzy] = useState(entry?.fuzzy ?? false);
  const [from, setFrom] = useState(toLocal(entry?.validFrom ?? null));
  const [to, setTo] = useState(toLocal(entry?.validTo ?? null));
  const [caseRef, setCaseRef] = useState(entry?.caseRef ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const body: EntryInput = { plate, reason, priority, fuzzy, validFrom: from ? parseHktLocal(from) : null, validTo: to ? parseHktLocal(to) : null, caseRef: caseRef.trim() || null };
    onSubmit(body).then(
      () => {
        setBusy(false);
        if (!entry) {
          setPlate('');
          setReason('');
        }
      },
      (err: unknown) => {
        setBusy(false);
        setError(err instanceof Error ? err.message : String(err));
      },
    );
  };

  return (
    <form className="entry-form filters" onSubmit={submit} data-testid={entry ? 'entry-edit-form' : 'entry-form'}>
      {!entry && (
        <label>
          {t('plates.hotlists.plate')}
          <input value={plate} onChange={(e) => setPlate(e.target.value)} required maxLength={20} data-testid="entry-plate" />
        </label>
      )}
      <label>
        {t('plates.hotlists.reason')}
        <input value={reason} onChange={(e) => setReason(e.target.value)} required maxLength={500} data-testid="entry-reason" />
      </label>
      <label>
        {t('plates.hotlists.priority')}
        <select value={priority} onChange={(e) => setPriority(e.target.value as Priority)} data-testid="entry-priority">
          {PRIORITIES.map((p) => (
            <option key={p} value={p}>
              {t(`alerts.severities.${p}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="check">
        <input type="checkbox" checked={fuzzy} onChange={(e) => setFuzzy(e.target.checked)} data-testid="entry-fuzzy" />
        {t('plates.hotlists.fuzzy')}
      </label>
      <label>
        {t('plates.hotlists.validFrom')}
        <input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} />
      </label>
      <label>
        {t('plates.hotlists.validTo')}
        <input type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} />
      </label>
      <label>
        {t('plates.hotlists.caseRef')}
        <input value={caseRef} onChange={(e) => setCaseRef(e.target.value)} maxLength={100} />
      </label>
      <button type="submit" disabled={busy} data-testid="entry-save">
        {entry ? t('plates.hotlists.save') : t('plates.hotlists.add')}
      </button>
      {onCancel && (
        <button type="button" onClick={onCancel}>
          {t('plates.hotlists.cancel')}
        </button>
      )}
      {error && (
        <p className="error" role="alert" data-testid="entry-error">
          {error}
        </p>
      )}
    </form>
  );
}
