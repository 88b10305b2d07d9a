import { useTranslation } from 'react-i18next';
import type { SetupDraft } from './setup';
import { CROWD_KINDS, type CrowdKind } from './types';

type Input = SetupDraft['input'];
const THRESHOLDS = ['advisory', 'warning', 'critical', 'surgePerMin'] as const;

/** Whether crowd analytics runs on the camera, how it counts, how often, and the alert thresholds. */
export function SettingsFields({ input, disabled, onChange }: { input: Input; disabled: boolean; onChange(i: Input): void }) {
  const { t } = useTranslation();
  const num = (v: string, fallback: number) => (v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : fallback);
  return (
    <fieldset className="crowd-settings" disabled={disabled} data-testid="crowd-settings">
      <legend>{t('crowdPage.setup.settings')}</legend>
      <label className="inline">
        <input type="checkbox" checked={input.enabled} onChange={(e) => onChange({ ...input, enabled: e.target.checked })} data-testid="crowd-enabled" />
        {t('crowdPage.setup.enabled')}
      </label>
      <label>
        {t('crowdPage.setup.kind')}
        <select value={input.kind} onChange={(e) => onChange({ ...input, kind: e.target.value as CrowdKind })} data-testid="crowd-kind">
          {CROWD_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`crowdPage.setup.kinds.${k}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('crowdPage.setup.fps')}
        <input type="number" min={0.1} max={5} step={0.1} value={input.fps} onChange={(e) => onChange({ ...input, fps: num(e.target.value, input.fps) })} data-testid="crowd-fps" />
      </label>
      <div className="crowd-thresholds">
        {THRESHOLDS.map((k) => (
          <label key={k}>
            {t(`crowdPage.setup.thresholds.${k}`)}
            <input
              type="number"
              min={0}
              step={k === 'surgePerMin' ? 1 : 0.1}
              value={input.thresholds[k]}
              onChange={(e) => onChange({ ...input, thresholds: { ...input.thresholds, [k]: num(e.target.value, input.thresholds[k]) } })}
              data-testid={`threshold-${k}`}
            />
          </label>
        ))}
      </div>
    </fieldset>
  );
}
