import type { BBox } from '../../api/types';
import { formatHkt, parseHktLocal } from '../../time/format';
import { CLASS_GROUPS, type ClassGroup, type TrackFilter } from './types';

/** What the description form holds (times as <input type="datetime-local"> values in Hong Kong time). */
export interface FilterDraft {
  from: string;
  to: string;
  cameras: string[];
  bbox: BBox | null;
  classGroup: ClassGroup | '';
  upper: string[];
  lower: string[];
  vehicleColour: string[];
  carried: string[];
  direction: string[];
  plate: string;
}

export const hktLocal = (ms: number) => {
  const s = formatHkt(ms);
  return `${s.slice(0, 10)}T${s.slice(11, 16)}`;
};

export function defaultDraft(now: number): FilterDraft {
  const end = Math.ceil(now / 60_000) * 60_000;
  return { from: hktLocal(end - 3_600_000), to: hktLocal(end), cameras: [], bbox: null, classGroup: '', upper: [], lower: [], vehicleColour: [], carried: [], direction: [], plate: '' };
}

/** The API filter from the form, or the key of the message saying what is wrong. */
export function toFilter(d: FilterDraft): { filter: TrackFilter } | { problem: 'badTime' | 'order' } {
  const from = parseHktLocal(d.from);
  const to = parseHktLocal(d.to);
  if (from === null || to === null) return { problem: 'badTime' };
  if (to <= from) return { problem: 'order' };
  const list = <T extends string>(xs: string[]) => (xs.length ? (xs as T[]) : undefined);
  const f: TrackFilter = {
    from,
    to,
    cameras: list(d.cameras),
    bbox: d.bbox ?? undefined,
    classes: d.classGroup ? [...CLASS_GROUPS[d.classGroup]] : undefined,
    upperColour: list(d.upper),
    lowerColour: list(d.lower),
    vehicleColour: list(d.vehicleColour),
    carried: list(d.carried),
    direction: list(d.direction),
    plate: d.plate.trim() || undefined,
  };
  return { filter: f };
}

/** Playback of one camera around a moment: a few seconds before it to a minute after the track ended. */
export function playbackWindow(startedAt: number, endedAt: number): { from: number; to: number } {
  return { from: startedAt - 5_000, to: Math.max(endedAt, startedAt + 30_000) + 30_000 };
}
