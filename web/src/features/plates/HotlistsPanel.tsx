import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isAbort } from '../../api/client';
import { HotlistCreateForm } from './HotlistCreateForm';
import { HotlistEntries } from './HotlistEntries';
import { platesApi } from './platesApi';
import type { Hotlist } from './types';

/** Hotlist management: the lists of my organisations, one selected with its entries. */
export function HotlistsPanel() {
  const { t } = useTranslation();
  const [lists, setLists] = useState<Hotlist[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [revision, setRevision] = useState(0);
  const reload = useCallback(() => setRevision((r) => r + 1), []);

  useEffect(() => {
    const ac = new AbortController();
    platesApi.hotlists(ac.signal).then(
      (r) => {
        setLists(r.items);
        setSelected((s) => (s && r.items.some((h) => h.id === s) ? s : (r.items[0]?.id ?? null)));
      },
      (err: unknown) => {
        if (!isAbort(err)) setError(err instanceof Error ? err.message : String(err));
      },
    );
    return () => ac.abort();
  }, [revision]);

  const remove = (h: Hotlist) => {
    if (!window.confirm(t('plates.hotlists.confirmDelete', { name: h.name, count: h.entries }))) return;
    platesApi.removeHotlist(h.id).then(reload, (err: unknown) => setError(err instanceof Error ? err.message : String(err)));
  };
  const current = lists.find((h) => h.id === selected) ?? null;

  return (
    <section className="hotlists">
      <h2>{t('plates.hotlists.title')}</h2>
      {error && <p className="error" role="alert">{error}</p>}
      <HotlistCreateForm onCreated={(h) => { setSelected(h.id); reload(); }} />
      <ul className="hotlist-list plain" data-testid="hotlist-list">
        {lists.map((h) => (
          <li key={h.id} className={h.id === selected ? 'active' : undefined} data-testid="hotlist-item" data-id={h.id}>
            <button type="button" className="link" onClick={() => setSelected(h.id)} aria-pressed={h.id === selected}>
              {h.name}
            </button>{' '}
            <span className="muted small">{t('plates.hotlists.count', { count: h.entries })} · {h.owner}</span>{' '}
            <button type="button" className="link danger" onClick={() => remove(h)}>
              {t('plates.hotlists.delete')}
            </button>
          </li>
        ))}
      </ul>
      {lists.length === 0 && <p className="muted">{t('plates.hotlists.none')}</p>}
      {current && <HotlistEntries key={current.id} hotlist={current} onChanged={reload} />}
    </section>
  );
}
