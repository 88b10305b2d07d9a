import { useTranslation } from 'react-i18next';
import { degOfDir, dirOfDeg, newId, type Editing, type SetupDraft } from './setup';

interface Props {
  draft: SetupDraft;
  editing: Editing;
  onDraft(d: SetupDraft): void;
  onEditing(e: Editing): void;
}

/** The crowd zones (polygons, optionally one-way) and counting lines; the selected one is drawn on the picture. */
export function ShapesEditor({ draft, editing, onDraft, onEditing }: Props) {
  const { t } = useTranslation();
  const { zones, lines } = draft.input;
  const setZones = (z: typeof zones) => onDraft({ ...draft, input: { ...draft.input, zones: z } });
  const setLines = (l: typeof lines) => onDraft({ ...draft, input: { ...draft.input, lines: l } });
  const isEditing = (what: 'zone' | 'line', i: number) => editing !== null && editing.what === what && 'index' in editing && editing.index === i;

  return (
    <div className="crowd-shapes" data-testid="crowd-shapes">
      <h3>{t('crowdPage.setup.zones')}</h3>
      <ul>
        {zones.map((z, i) => (
          <li key={z.id} className={isEditing('zone', i) ? 'editing' : undefined} data-testid="zone-row">
            <input aria-label={t('crowdPage.setup.zoneName')} value={z.name} onChange={(e) => setZones(zones.map((x, j) => (j === i ? { ...x, name: e.target.value } : x)))} />
            <span className="muted">{t('crowdPage.setup.points', { count: z.polygon.length })}</span>
            <label className="inline">
              <input
                type="checkbox"
                checked={Boolean(z.oneWayDirection)}
                onChange={(e) => setZones(zones.map((x, j) => (j === i ? { ...x, oneWayDirection: e.target.checked ? dirOfDeg(0) : null } : x)))}
              />
              {t('crowdPage.setup.oneWay')}
            </label>
            {z.oneWayDirection && (
              <input
                type="number"
                min={0}
                max={359}
                step={5}
                className="narrow"
                aria-label={t('crowdPage.setup.oneWayDeg')}
                title={t('crowdPage.setup.oneWayDeg')}
                value={degOfDir(z.oneWayDirection)}
                onChange={(e) => setZones(zones.map((x, j) => (j === i ? { ...x, oneWayDirection: dirOfDeg(Number(e.target.value) || 0) } : x)))}
              />
            )}
            <button type="button" onClick={() => onEditing(isEditing('zone', i) ? null : { what: 'zone', index: i })} aria-pressed={isEditing('zone', i)}>
              {isEditing('zone', i) ? t('crowdPage.setup.done') : t('crowdPage.setup.draw')}
            </button>
            <button type="button" onClick={() => { onEditing(null); setZones(zones.filter((_, j) => j !== i)); }}>
              {t('crowdPage.setup.remove')}
            </button>
          </li>
        ))}
      </ul>
      <button
        type="button"
        data-testid="add-zone"
        onClick={() => {
          setZones([...zones, { id: newId('zone'), name: t('crowdPage.setup.zoneN', { n: zones.length + 1 }), polygon: [], oneWayDirection: null }]);
          onEditing({ what: 'zone', index: zones.length });
        }}
      >
        {t('crowdPage.setup.addZone')}
      </button>

      <h3>{t('crowdPage.setup.lines')}</h3>
      <ul>
        {lines.map((l, i) => (
          <li key={l.id} className={isEditing('line', i) ? 'editing' : undefined} data-testid="line-row">
            <input aria-label={t('crowdPage.setup.lineName')} value={l.name} onChange={(e) => setLines(lines.map((x, j) => (j === i ? { ...x, name: e.target.value } : x)))} />
            <span className="muted">{t('crowdPage.setup.lineHint')}</span>
            <button type="button" onClick={() => onEditing(isEditing('line', i) ? null : { what: 'line', index: i })} aria-pressed={isEditing('line', i)}>
              {isEditing('line', i) ? t('crowdPage.setup.done') : t('crowdPage.setup.draw')}
            </button>
            <button type="button" onClick={() => { onEditing(null); setLines(lines.filter((_, j) => j !== i)); }}>
              {t('crowdPage.setup.remove')}
            </button>
          </li>
        ))}
      </ul>
      <button
        type="button"
        data-testid="add-line"
        onClick={() => {
          setLines([...lines, { id: newId('line'), name: t('crowdPage.setup.lineN', { n: lines.length + 1 }), a: [0.3, 0.5], b: [0.7, 0.5] }]);
          onEditing({ what: 'line', index: lines.length });
        }}
      >
        {t('crowdPage.setup.addLine')}
      </button>
    </div>
  );
}
