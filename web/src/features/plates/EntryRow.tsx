import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatHkt } from '../../time/format';
import { EntryForm } from './EntryForm';
import type { EntryPatch, HotlistEntry } from './types';

/** One hotlist entry, editable in place. */
export function EntryRow({ e, onSave, onRemove }: { e: HotlistEntry; onSave(body: EntryPatch): Promise<void>; onRemove(): void }) {
  const { t } = useTranslation();
  const [editing, setEditing] = useState(false);
  if (editing) {
    return (
      <tr data-testid="entry-row" data-plate={e.plate}>
        <td className="mono">{e.plate}</td>
        <td colSpan={5}>
          <EntryForm
            entry={e}
            onCancel={() => setEditing(false)}
            onSubmit={async (body) => {
              const { plate: _plate, ...patch } = body;
              await onSave(patch);
              setEditing(false);
            }}
          />
        </td>
      </tr>
    );
  }
  const validity = e.validFrom === null && e.validTo === null ? t('plates.hotlists.always') : `${formatHkt(e.validFrom)} – ${formatHkt(e.validTo)}`;
  return (
    <tr data-testid="entry-row" data-plate={e.plate} data-priority={e.priority}>
      <td className="mono">
        {e.plate}
        {e.fuzzy && <span className="muted small"> ≈</span>}
      </td>
      <td>{e.reason}</td>
      <td>
        <span className={`sev sev-${e.priority}`}>{t(`alerts.severities.${e.priority}`)}</span>
      </td>
      <td className="small">{validity}</td>
      <td className="mono">{e.caseRef ?? '—'}</td>
      <td>
        <button type="button" className="link" onClick={() => setEditing(true)} data-testid="entry-edit">
          {t('plates.hotlists.edit')}
        </button>{' '}
        <button type="button" className="link danger" onClick={onRemove} data-testid="entry-remove">
          {t('plates.hotlists.remove')}
        </button>
      </td>
    </tr>
  );
}
