import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../app/errors';
import { parseHktLocal } from '../../time/format';
import { CameraPicker } from '../live/CameraPicker';
import { crowdApi } from './crowdApi';
import { hktInput } from './format';
import type { CrowdEvent } from './types';

const HOUR = 3_600_000;

/** A public event's name, cameras and time window (Hong Kong time): a new one, or `initial` changed (PATCH). */
export function EventForm({ initial, onSaved, onCancel }: { initial?: CrowdEvent; onSaved(e: CrowdEvent): void; onCancel?: () => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState(initial?.name ?? '');
  const [cameraIds, setCameraIds] = useState<string[]>(initial?.cameraIds ?? []);
  const [startsAt, setStartsAt] = useState(() => hktInput(initial?.startsAt ?? Math.floor(Date.now() / 60_000) * 60_000 - HOUR));
  const [endsAt, setEndsAt] = useState(() => hktInput(initial?.endsAt ?? Math.floor(Date.now() / 60_000) * 60_000 + 4 * HOUR));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const from = parseHktLocal(startsAt);
  const to = parseHktLocal(endsAt);
  const problem = !name.trim() ? t('crowdPage.event.needName') : cameraIds.length === 0 ? t('crowdPage.event.needCamera') : from === null || to === null || to <= from ? t('crowdPage.event.badWindow') : null;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (problem || from === null || to === null) return;
    setBusy(true);
    setError(null);
    try {
      const body = { name: name.trim(), cameraIds, startsAt: from, endsAt: to };
      onSaved(initial ? await crowdApi.updateEvent(initial.id, body) : await crowdApi.createEvent(body));
    } catch (err) {
      console.error(initial ? `Changing crowd event ${initial.id} failed` : 'Creating the crowd event failed', err);
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card crowd-event-form" onSubmit={submit} data-testid="event-form">
      <h2>{initial ? t('crowdPage.event.edit') : t('crowdPage.event.new')}</h2>
      <label>
        {t('crowdPage.event.name')}
        <input name="event-name" value={name} onChange={(e) => setName(e.target.value)} maxLength={200} data-testid="event-name" />
      </label>
      <div className="crowd-window">
        <label>
          {t('crowdPage.event.startsAt')}
          <input type="datetime-local" value={startsAt} onChange={(e) => setStartsAt(e.target.value)} data-testid="event-starts" />
        </label>
        <label>
          {t('crowdPage.event.endsAt')}
          <input type="datetime-local" value={endsAt} onChange={(e) => setEndsAt(e.target.value)} data-testid="event-ends" />
        </label>
      </div>
      <div>
        <span>{t('crowdPage.event.cameras')}</span>
        <ul className="crowd-chips" data-testid="event-cameras">
          {cameraIds.map((id) => (
            <li key={id} data-id={id}>
              <span className="mono">{id}</span>
              <button type="button" className="icon" aria-label={t('crowdPage.event.removeCamera', { id })} onClick={() => setCameraIds(cameraIds.filter((c) => c !== id))}>
                ×
              </button>
            </li>
          ))}
        </ul>
        <CameraPicker exclude={cameraIds} onPick={(id) => setCameraIds([...cameraIds, id])} />
      </div>
      {problem && <p className="muted">{problem}</p>}
      {error !== null && <p className="error" role="alert">{errorText(t, error)}</p>}
      <div className="form-actions">
        <button type="submit" className="primary" disabled={busy || problem !== null} data-testid={initial ? 'event-save' : 'event-create'}>
          {initial ? t('crowdPage.event.save') : t('crowdPage.event.create')}
        </button>
        {onCancel && (
          <button type="button" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        )}
      </div>
    </form>
  );
}
