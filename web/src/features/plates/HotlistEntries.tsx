import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isAbort } from '../../api/client';
import { EntryForm } from './EntryForm';
import { EntryRow } from './EntryRow';
import { HotlistImport } from './HotlistImport';
import { platesApi } from './platesApi';
import type { EntryPatch, Hotlist, HotlistEntry } from './types';

/** The entries of one hotlist: add, edit, remove, import and export. */
export function HotlistEntries({ hotlist, onChanged }: { hotlist: Hotlist; onChanged(): void }) {
  const { t } = useTranslation();
  const [items, setItems] = useState<HotlistEntry[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [revision, setRevision] = useState(0);

  const load = useCallback((after: string | undefined, signal?: AbortSignal) => {
    platesApi.entries(hotlist.id, after, signal).then(
      (r) => {
        setItems((prev) => (after ? [...prev, ...r.items] : r.items));
        setNext(r.nextAfter);
        setError(null);
      },
      (err: unknown) => {
        if (!isAbort(err)) setError(err instanceof Error ? err.message : String(err));
      },
    );
  }, [hotlist.id]);

  useEffect(() => {
    const ac = new AbortController();
    load(undefined, ac.signal);
    return () => ac.abort();
  }, [load, revision]);

  const changed = () => {
    setRevision((r) => r + 1);
    onChanged();
  };
  const act = (p: Promise<unknown>) =>
    p.then(changed, (err: unknown) => setError(err instanceof Error ? err.message : String(err)));

  return (
    <section className="hotlist-entries" data-testid="hotlist-entries" data-hotlist={hotlist.id}>
      <h3>
        {hotlist.name} <span className="muted small">({hotlist.owner})</span>
      </h3>
      {hotlist.description && <p className="muted">{hotlist.description}</p>}
      <EntryForm onSubmit={async (body) => { await platesApi.addEntry(hotlist.id, body); changed(); }} />
      <HotlistImport hotlistId={hotlist.id} onImported={changed} />
      {error && <p className="error" role="alert">{error}</p>}
      <table className="data compact" data-testid="entries-table" data-count={items.length}>
        <thead>
          <tr>
            <th>{t('plates.hotlists.plate')}</th>
            <th>{t('plates.hotlists.reason')}</th>
            <th>{t('plates.hotlists.priority')}</th>
            <th>{t('plates.hotlists.validity')}</th>
            <th>{t('plates.hotlists.caseRef')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {items.map((e) => (
            <EntryRow
              key={e.id}
              e={e}
              onSave={async (body: EntryPatch) => { await platesApi.updateEntry(hotlist.id, e.id, body); changed(); }}
              onRemove={() => { if (window.confirm(t('plates.hotlists.confirmRemove', { plate: e.plate }))) act(platesApi.removeEntry(hotlist.id, e.id)); }}
            />
          ))}
        </tbody>
      </table>
      {items.length === 0 && <p className="muted">{t('plates.hotlists.noEntries')}</p>}
      {next && (
        <button type="button" onClick={() => load(next)}>
          {t('plates.feed.more')}
        </button>
      )}
    </section>
  );
}
