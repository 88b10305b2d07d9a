import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../../app/auth';
import { errorText } from '../../app/errors';
import { analyticsApi, cameraPictureUrl } from './analyticsApi';
import { DrawingCanvas } from './DrawingCanvas';
import { draftOf, newDraft, type RuleDraft } from './draft';
import { RuleForm } from './RuleForm';
import { RuleList } from './RuleList';
import { SettingsForm, settingsDraftOf, type SettingsDraft } from './SettingsForm';
import { draftShape, overlayShapes } from './shapes';
import type { Pt, Rule } from './types';
import { useCameraAnalytics } from './useCameraAnalytics';

/** One camera: its picture with masks and rules drawn on it, the settings form, the rule list and the rule editor. */
export function CameraAnalytics({ cameraId }: { cameraId: string }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const canManage = can('rules.manage');
  const { view, setView, rules, setRules, error } = useCameraAnalytics(cameraId);
  const [settings, setSettings] = useState<SettingsDraft | null>(null);
  const [editingMask, setEditingMask] = useState<number | null>(null);
  const [draft, setDraft] = useState<RuleDraft | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);
  const [listError, setListError] = useState<unknown>(null);

  if (error !== null) return <div className="notice bad">{errorText(t, error)}</div>;
  if (!view) return <p className="muted">{t('common.loading')}</p>;
  const sd = settings ?? settingsDraftOf(view);
  const masks = sd.masks;

  const active = draft
    ? { shape: draftShape(draft), maxPoints: draft.kind === 'line' ? 2 : 64 }
    : editingMask !== null && masks[editingMask]
      ? { shape: { key: 'mask-edit', role: 'mask' as const, kind: 'mask', label: t('analytics.settings.mask', { n: editingMask + 1 }), points: masks[editingMask], closed: true, dimmed: false }, maxPoints: 64 }
      : null;
  const onPoints = (points: Pt[]) => {
    if (draft) setDraft({ ...draft, points });
    else if (editingMask !== null) setSettings({ ...sd, masks: masks.map((m, i) => (i === editingMask ? points : m)) });
  };
  const startRule = (d: RuleDraft) => {
    setEditingMask(null);
    setDraft(d);
  };
  const change = async (r: Rule, fn: () => Promise<void>) => {
    setBusyId(r.id);
    setListError(null);
    try {
      await fn();
    } catch (err) {
      console.error(`Changing rule ${r.id} failed`, err);
      setListError(err);
    } finally {
      setBusyId(null);
    }
  };
  const remove = (r: Rule) => {
    if (!window.confirm(t('analytics.rule.confirmDelete', { name: r.name }))) return;
    void change(r, async () => {
      await analyticsApi.deleteRule(r.id);
      setRules(rules.filter((x) => x.id !== r.id));
      if (draft?.id === r.id) setDraft(null);
    });
  };
  const toggle = (r: Rule) =>
    void change(r, async () => {
      const next = await analyticsApi.updateRule(r.id, { enabled: !r.enabled });
      setRules(rules.map((x) => (x.id === r.id ? next : x)));
    });

  return (
    <div className="camera-analytics" data-testid="camera-analytics" data-camera={cameraId}>
      <div className="analytics-main">
        <div className="card drawing-card">
          <DrawingCanvas
            pictureUrl={cameraPictureUrl(cameraId)}
            shapes={overlayShapes(rules, masks, draft?.id ?? null, draft ? null : editingMask, (i) => t('analytics.settings.mask', { n: i + 1 }))}
            active={active}
            onChange={onPoints}
          />
          <p className="muted small">{active ? t('analytics.draw.hint') : t('analytics.draw.idle')}</p>
        </div>
        {draft ? (
          <RuleForm
            key={draft.id ?? 'new'}
            cameraId={cameraId}
            draft={draft}
            onChange={setDraft}
            onCancel={() => setDraft(null)}
            onSaved={(saved) => {
              setRules(rules.some((x) => x.id === saved.id) ? rules.map((x) => (x.id === saved.id ? saved : x)) : [...rules, saved]);
              setDraft(null);
            }}
          />
        ) : (
          <SettingsForm cameraId={cameraId} view={view} draft={sd} canManage={canManage} editingMask={editingMask} onChange={setSettings} onEditMask={setEditingMask} onSaved={(v) => { setView(v); setSettings(null); }} />
        )}
      </div>
      <div className="toolbar">
        <h2>{t('analytics.rule.title')}</h2>
        {canManage && !draft && (
          <button type="button" className="primary" onClick={() => startRule(newDraft('zone'))} data-testid="rule-add">
            {t('analytics.rule.add')}
          </button>
        )}
      </div>
      {listError !== null && <div className="notice bad" role="alert">{errorText(t, listError)}</div>}
      <RuleList rules={rules} editingId={draft?.id ?? null} canManage={canManage} busyId={busyId} onEdit={(r) => startRule(draftOf(r))} onDelete={remove} onToggle={toggle} />
    </div>
  );
}
