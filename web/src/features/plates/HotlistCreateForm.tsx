import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useOrganisations } from '../cameras/organisations';
import { platesApi } from './platesApi';
import type { Hotlist } from './types';

/** A new hotlist: name, owning organisation, description. */
export function HotlistCreateForm({ onCreated }: { onCreated(h: Hotlist): void }) {
  const { t } = useTranslation();
  const orgs = useOrganisations();
  const [name, setName] = useState('');
  const [owner, setOwner] = useState('');
  const [description, setDescription] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    platesApi.createHotlist({ name, owner: owner || orgs.items[0]?.id || '', description: description || undefined }).then(
      (h) => {
        setName('');
        setDescription('');
        onCreated(h);
      },
      (err: unknown) => setError(err instanceof Error ? err.message : String(err)),
    );
  };
  return (
    <form className="filters hotlist-create" onSubmit={submit} data-testid="hotlist-create">
      <label>
        {t('plates.hotlists.name')}
        <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} data-testid="hotlist-name" />
      </label>
      <label>
        {t('plates.hotlists.owner')}
        <select value={owner} onChange={(e) => setOwner(e.target.value)} data-testid="hotlist-owner">
          {orgs.items.map((o) => (
            <option key={o.id} value={o.id}>
              {o.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('plates.hotlists.description')}
        <input value={description} onChange={(e) => setDescription(e.target.value)} maxLength={1000} />
      </label>
      <button type="submit" data-testid="hotlist-create-submit">
        {t('plates.hotlists.create')}
      </button>
      {error && <p className="error" role="alert">{error}</p>}
    </form>
  );
}
