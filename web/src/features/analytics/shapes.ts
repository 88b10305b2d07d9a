import type { RuleDraft } from './draft';
import type { Pt, Rule } from './types';

/** One thing drawn on the picture. */
export interface OverlayShape {
  key: string;
  role: 'mask' | 'rule';
  kind: string;
  label: string;
  points: Pt[];
  closed: boolean;
  inSide?: 'left' | 'right';
  directionDeg?: number;
  dimmed: boolean;
}

export function ruleShape(r: Pick<Rule, 'kind' | 'name'> & { id: string; points: Pt[]; inSide?: 'left' | 'right'; directionDeg?: number; enabled: boolean }): OverlayShape {
  return { key: `rule:${r.id}`, role: 'rule', kind: r.kind, label: r.name, points: r.points, closed: r.kind !== 'line', inSide: r.inSide, directionDeg: r.directionDeg, dimmed: !r.enabled };
}

export function pointsOfRule(r: Rule): Pt[] {
  return (r.kind === 'line' ? r.line : r.polygon) as Pt[];
}

/** The saved rules and masks, with the one being edited left out (it is drawn as the active shape). */
export function overlayShapes(rules: readonly Rule[], masks: readonly Pt[][], editingRuleId: string | null, editingMask: number | null, maskLabel: (i: number) => string): OverlayShape[] {
  const out: OverlayShape[] = masks.flatMap((m, i) => (i === editingMask ? [] : [{ key: `mask:${i}`, role: 'mask' as const, kind: 'mask', label: maskLabel(i), points: m, closed: true, dimmed: false }]));
  for (const r of rules) {
    if (r.id === editingRuleId) continue;
    out.push(ruleShape({ ...r, points: pointsOfRule(r), inSide: r.kind === 'line' ? r.inSide : undefined, directionDeg: r.kind === 'wrong_way' ? r.directionDeg : undefined }));
  }
  return out;
}

/** The shape of the draft being edited (drawn highlighted, its points draggable). */
export function draftShape(d: RuleDraft): OverlayShape {
  const dir = Number(d.directionDeg);
  return ruleShape({ id: d.id ?? 'new', kind: d.kind, name: d.name, points: d.points, enabled: true, inSide: d.kind === 'line' ? d.inSide : undefined, directionDeg: d.kind === 'wrong_way' && Number.isFinite(dir) ? dir : undefined });
}
