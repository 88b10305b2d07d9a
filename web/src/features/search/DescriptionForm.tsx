import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { CameraPicker } from '../live/CameraPicker';
import { AreaMap } from './AreaMap';
import type { FilterDraft } from './filters';
import { CARRIED, COLOURS, DIRECTIONS, type ClassGroup } from './types';

interface Props {
  draft: FilterDraft;
  onDraft(d: FilterDraft): void;
  disabled: boolean;
  busy: boolean;
  onSearch(): void;
}

function Multi({ id, label, options, value, onChange, disabled, name }: { id: string; label: string; options: readonly string[]; value: string[]; onChange(v: string[]): void; disabled: boolean; name(o: string): string }) {
  return (
    <label className="search-multi">
      {label}
      <select id={id} multiple size={4} value={value} disabled={disabled} onChange={(e) => onChange([...e.target.selectedOptions].map((o) => o.value))} data-testid={id}>
        {options.map((o) => (
          <option key={o} value={o}>
            {name(o)}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Search by description: time range (HKT), cameras (picker or map), area drawn on the map, class, colours, carried items, direction, plate. */
export function DescriptionForm({ draft, onDraft, disabled, busy, onSearch }: Props) {
  const { t } = useTranslation();
  const [picking, setPicking] = useState(false);
  const set = (p: Partial<FilterDraft>) => onDraft({ ...draft, ...p });
  const toggleCamera = (id: string) => set({ cameras: draft.cameras.includes(id) ? draft.cameras.filter((c) => c !== id) : [...draft.cameras, id] });
  const colour = (c: string) => t(`searchPage.colours.${c}`);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSearch();
  };
  const person = draft.classGroup !== 'vehicle';
  const vehicle = draft.classGroup !== 'person';

  return (
    <form className="card search-form" onSubmit={submit} data-testid="description-form" noValidate>
      <h2>{t('searchPage.describe.title')}</h2>
      <fieldset disabled={disabled} className="search-fields">
        <div className="form-inline">
          <label>
            {t('searchPage.describe.from')}
            <input type="datetime-local" value={draft.from} onChange={(e) => set({ from: e.target.value })} data-testid="search-from" />
          </label>
          <label>
            {t('searchPage.describe.to')}
            <input type="datetime-local" value={draft.to} onChange={(e) => set({ to: e.target.value })} data-testid="search-to" />
          </label>
          <label>
            {t('searchPage.describe.class')}
            <select value={draft.classGroup} onChange={(e) => set({ classGroup: e.target.value as ClassGroup | '' })} data-testid="search-class">
              <option value="">{t('searchPage.describe.anyClass')}</option>
              <option value="person">{t('searchPage.describe.person')}</option>
              <option value="vehicle">{t('searchPage.describe.vehicle')}</option>
            </select>
          </label>
          <label>
            {t('searchPage.describe.plate')}
            <input value={draft.plate} onChange={(e) => set({ plate: e.target.value })} placeholder="AB1234" disabled={!vehicle} data-testid="search-plate" />
          </label>
        </div>
        <div className="search-cameras">
          <span>{t('searchPage.describe.cameras')}</span>
          {draft.cameras.length === 0 && <span className="muted small">{t('searchPage.describe.allCameras')}</span>}
          {draft.cameras.map((c) => (
            <button key={c} type="button" className="chip" onClick={() => toggleCamera(c)} title={t('searchPage.describe.removeCamera')} data-testid="search-camera-chip" data-id={c}>
              {c} ×
            </button>
          ))}
          <button type="button" className="small" onClick={() => setPicking((p) => !p)} data-testid="search-add-camera">
            {t('searchPage.describe.addCamera')}
          </button>
        </div>
        {picking && (
          <CameraPicker
            exclude={draft.cameras}
            onPick={(id) => {
              toggleCamera(id);
              setPicking(false);
            }}
          />
        )}
        <div className="search-attrs">
          {person && <Multi id="search-upper" label={t('searchPage.describe.upper')} options={COLOURS} value={draft.upper} onChange={(upper) => set({ upper })} disabled={disabled} name={colour} />}
          {person && <Multi id="search-lower" label={t('searchPage.describe.lower')} options={COLOURS} value={draft.lower} onChange={(lower) => set({ lower })} disabled={disabled} name={colour} />}
          {vehicle && <Multi id="search-vehicle-colour" label={t('searchPage.describe.vehicleColour')} options={COLOURS} value={draft.vehicleColour} onChange={(vehicleColour) => set({ vehicleColour })} disabled={disabled} name={colour} />}
          {person && <Multi id="search-carried" label={t('searchPage.describe.carried')} options={CARRIED} value={draft.carried} onChange={(carried) => set({ carried })} disabled={disabled} name={(o) => t(`searchPage.carried.${o}`)} />}
          <Multi id="search-direction" label={t('searchPage.describe.direction')} options={DIRECTIONS} value={draft.direction} onChange={(direction) => set({ direction })} disabled={disabled} name={(o) => t(`searchPage.directions.${o}`)} />
        </div>
        <p className="muted small">{t('searchPage.describe.multiHint')}</p>
      </fieldset>
      <AreaMap bbox={draft.bbox} selected={draft.cameras} onArea={(bbox) => set({ bbox })} onToggleCamera={(id) => !disabled && toggleCamera(id)} />
      <div className="toolbar search-actions">
        <button type="submit" className="primary" disabled={disabled || busy} data-testid="search-run">
          {busy ? t('common.loading') : t('common.search')}
        </button>
      </div>
    </form>
  );
}
