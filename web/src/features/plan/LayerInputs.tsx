import { useTranslation } from 'react-i18next';
import type { LayerDraft, PlanForm } from './types';

interface Props {
  form: PlanForm;
  onChange(next: Partial<PlanForm>): void;
}

const readFile = (f: File) => f.text();
const baseName = (name: string) => name.replace(/\.(csv|geojson|json)$/i, '');
let nextKey = 1;

/** Upload or paste the planner's layers: demand (several, each with a weight), candidates, existing cameras, obstacles. */
export function LayerInputs({ form, onChange }: Props) {
  const { t } = useTranslation();

  const addDemandFiles = async (files: FileList | null) => {
    if (!files?.length) return;
    const added: LayerDraft[] = [];
    for (const f of Array.from(files)) added.push({ key: nextKey++, name: baseName(f.name), weight: 1, text: await readFile(f) });
    onChange({ layers: [...form.layers, ...added] });
  };
  const setLayer = (key: number, patch: Partial<LayerDraft>) => onChange({ layers: form.layers.map((l) => (l.key === key ? { ...l, ...patch } : l)) });
  const textFile = (field: 'candidates' | 'existing' | 'obstacles') => async (files: FileList | null) => {
    const f = files?.[0];
    if (f) onChange({ [field]: await readFile(f) });
  };

  return (
    <div className="plan-inputs">
      <fieldset>
        <legend>{t('plan.inputs.demand')}</legend>
        <p className="muted">{t('plan.inputs.demandHelp')}</p>
        {form.layers.map((l) => (
          <div className="plan-layer" key={l.key} data-testid="plan-layer">
            <label>
              {t('plan.inputs.layerName')}
              <input value={l.name} onChange={(e) => setLayer(l.key, { name: e.target.value })} />
            </label>
            <label>
              {t('plan.inputs.layerWeight')}
              <input type="number" min={0} step="any" value={l.weight} onChange={(e) => setLayer(l.key, { weight: Number(e.target.value) })} />
            </label>
            <span className="muted">{t('plan.inputs.lines', { count: Math.max(0, l.text.trim().split('\n').length - 1) })}</span>
            <button type="button" className="link" onClick={() => onChange({ layers: form.layers.filter((x) => x.key !== l.key) })}>
              {t('plan.inputs.remove')}
            </button>
          </div>
        ))}
        <label>
          {t('plan.inputs.addFiles')}
          <input type="file" accept=".csv,.geojson,.json,text/csv,application/geo+json" multiple data-testid="plan-demand-file" onChange={(e) => void addDemandFiles(e.target.files)} />
        </label>
        <details>
          <summary>{t('plan.inputs.paste')}</summary>
          <textarea
            rows={4}
            placeholder="id,lat,lon,weight"
            data-testid="plan-demand-paste"
            onBlur={(e) => {
              if (!e.target.value.trim()) return;
              onChange({ layers: [...form.layers, { key: nextKey++, name: t('plan.inputs.pasted', { n: form.layers.length + 1 }), weight: 1, text: e.target.value }] });
              e.target.value = '';
            }}
          />
        </details>
      </fieldset>
      <fieldset>
        <legend>{t('plan.inputs.candidates')}</legend>
        <input type="file" accept=".csv,text/csv" data-testid="plan-candidates-file" onChange={(e) => void textFile('candidates')(e.target.files)} />
        <textarea rows={3} placeholder="id,lat,lon,cost[,height]" value={form.candidates} data-testid="plan-candidates" onChange={(e) => onChange({ candidates: e.target.value })} />
      </fieldset>
      <fieldset>
        <legend>{t('plan.inputs.existing')}</legend>
        <label className="check">
          <input type="checkbox" checked={form.useInventory} data-testid="plan-inventory" onChange={(e) => onChange({ useInventory: e.target.checked })} />
          {t('plan.inputs.useInventory')}
        </label>
        <input type="file" accept=".csv,text/csv" data-testid="plan-existing-file" onChange={(e) => void textFile('existing')(e.target.files)} />
        <textarea rows={2} placeholder="id,lat,lon[,bearing,fov,range]" value={form.existing} onChange={(e) => onChange({ existing: e.target.value })} />
      </fieldset>
      <fieldset>
        <legend>{t('plan.inputs.obstacles')}</legend>
        <input type="file" accept=".geojson,.json,application/geo+json" data-testid="plan-obstacles-file" onChange={(e) => void textFile('obstacles')(e.target.files)} />
        {form.obstacles && <span className="muted">{t('plan.inputs.loaded', { n: form.obstacles.length })}</span>}
      </fieldset>
    </div>
  );
}
