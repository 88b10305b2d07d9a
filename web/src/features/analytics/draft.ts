/**
 * The rule editor's working copy: numbers are kept as the text typed (so a half-typed value is not lost)
 * and turned into the API's body only on save. Fields left empty are left out, so the server's
 * defaults apply (or it names the missing field).
 */
import type { Pt, Rule, RuleInput, RuleKind, RulePatch, ScheduleWindow, Severity } from './types';

export interface RuleDraft {
  id: string | null;
  kind: RuleKind;
  name: string;
  enabled: boolean;
  severity: Severity;
  alert: boolean;
  classes: string;
  cooldownSec: string;
  schedule: ScheduleWindow[];
  /** The polygon, or the line's two points. */
  points: Pt[];
  mode: 'presence' | 'intrusion' | 'count';
  threshold: string;
  inSide: 'left' | 'right';
  hysteresis: string;
  dwellSec: string;
  directionDeg: string;
  toleranceDeg: string;
  minMove: string;
  minSpeed: string;
  unit: 'image/s' | 'm/s';
  stillSec: string;
  maxMove: string;
}

export const isLineKind = (k: RuleKind) => k === 'line';

export function newDraft(kind: RuleKind): RuleDraft {
  return {
    id: null, kind, name: '', enabled: true, severity: 'medium', alert: true, classes: kind === 'left_behind' ? '' : 'person', cooldownSec: '30', schedule: [], points: [],
    mode: 'presence', threshold: '', inSide: 'left', hysteresis: '0.01', dwellSec: '60', directionDeg: '0', toleranceDeg: '90', minMove: '0.03', minSpeed: '0.3', unit: 'image/s', stillSec: '60', maxMove: '0.02',
  };
}

export function draftOf(r: Rule): RuleDraft {
  const d: RuleDraft = { ...newDraft(r.kind), id: r.id, name: r.name, enabled: r.enabled, severity: r.severity, alert: r.alert, classes: r.classes.join(', '), cooldownSec: String(r.cooldownSec), schedule: r.schedule };
  switch (r.kind) {
    case 'zone':
      return { ...d, points: r.polygon as Pt[], mode: r.mode, threshold: r.threshold === undefined ? '' : String(r.threshold) };
    case 'line':
      return { ...d, points: r.line as Pt[], inSide: r.inSide, hysteresis: String(r.hysteresis) };
    case 'loitering':
      return { ...d, points: r.polygon as Pt[], dwellSec: String(r.dwellSec) };
    case 'wrong_way':
      return { ...d, points: r.polygon as Pt[], directionDeg: String(r.directionDeg), toleranceDeg: String(r.toleranceDeg), minMove: String(r.minMove) };
    case 'running':
      return { ...d, points: r.polygon as Pt[], minSpeed: String(r.minSpeed), unit: r.unit };
    case 'left_behind':
      return { ...d, points: r.polygon as Pt[], stillSec: String(r.stillSec), maxMove: String(r.maxMove) };
  }
}

/** '' → undefined (server default or "required"); anything else → a number (NaN shows as the server's type error). */
function num(s: string): number | undefined {
  const v = s.trim();
  return v === '' ? undefined : Number(v);
}

const classList = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);

/** The body of POST /api/cameras/:id/rules. Required numbers left empty are sent missing on purpose: the API names the field. */
export function toDefinition(d: RuleDraft): RuleInput {
  const common = { name: d.name.trim(), enabled: d.enabled, severity: d.severity, alert: d.alert, classes: classList(d.classes), schedule: d.schedule, cooldownSec: num(d.cooldownSec) };
  const polygon = d.points;
  switch (d.kind) {
    case 'zone':
      return { kind: 'zone', ...common, polygon, mode: d.mode, threshold: d.mode === 'count' ? num(d.threshold) : undefined };
    case 'line':
      return { kind: 'line', ...common, line: d.points as [Pt, Pt], inSide: d.inSide, hysteresis: num(d.hysteresis) };
    case 'loitering':
      return { kind: 'loitering', ...common, polygon, dwellSec: num(d.dwellSec) as number };
    case 'wrong_way':
      return { kind: 'wrong_way', ...common, polygon, directionDeg: num(d.directionDeg) as number, toleranceDeg: num(d.toleranceDeg), minMove: num(d.minMove) };
    case 'running':
      return { kind: 'running', ...common, polygon, minSpeed: num(d.minSpeed) as number, unit: d.unit };
    case 'left_behind':
      return { kind: 'left_behind', ...common, polygon, stillSec: num(d.stillSec) as number, maxMove: num(d.maxMove) };
  }
}

/** The body of PATCH /api/rules/:id: every field of the rule but its kind (a zone leaving count mode drops its threshold). */
export function toPatch(d: RuleDraft): RulePatch {
  const { kind: _kind, ...rest } = toDefinition(d) as RuleInput & { threshold?: number };
  const patch: RulePatch = rest;
  if (d.kind === 'zone' && d.mode !== 'count') patch.threshold = null;
  return patch;
}
