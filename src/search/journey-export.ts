import type { JourneyStep } from '../cases/cases.repository';
import type { ExportRange } from '../evidence/export.service';
import { clipPaths } from '../evidence/export.service';
import { interval, type JourneyManifest } from '../evidence/manifest';
import type { IndexedTrack } from './model';

/**
 * The journey of a case as the investigator decided it: from the anchor track, every track reached over
 * confirmed steps (a later decision on the same pair replaces an earlier one, so a confirm that was
 * afterwards rejected no longer counts). Returns the track ids in the order reached and, for each track
 * but the anchor, the confirmed step that led to it.
 */
export function journeyChain(anchorTrackId: string, steps: readonly JourneyStep[]): { trackIds: string[]; via: Map<string, JourneyStep> } {
  const latest = new Map<string, JourneyStep>();
  for (const s of steps) latest.set(`${s.fromTrackId}\u0000${s.toTrackId}`, s); // steps come oldest first
  const next = new Map<string, JourneyStep[]>();
  for (const s of latest.values()) {
    if (s.decision !== 'confirmed') continue;
    const list = next.get(s.fromTrackId) ?? [];
    list.push(s);
    next.set(s.fromTrackId, list);
  }
  const trackIds = [anchorTrackId];
  const via = new Map<string, JourneyStep>();
  const seen = new Set(trackIds);
  for (let i = 0; i < trackIds.length; i++) {
    for (const s of next.get(trackIds[i]!) ?? []) {
      if (seen.has(s.toTrackId)) continue;
      seen.add(s.toTrackId);
      via.set(s.toTrackId, s);
      trackIds.push(s.toTrackId);
    }
  }
  return { trackIds, via };
}

/**
 * The clips of a journey export: per track its camera over [start − pad, end + pad]; clips of the same
 * camera that overlap are joined (the target lingering, or the tracker splitting one walk-past), so no
 * footage is exported twice. Steps are in time order; each names the clip that shows it.
 */
export function journeyClips(caseRef: string, anchorTrackId: string, tracks: readonly IndexedTrack[], via: Map<string, JourneyStep>, padMs: number): { ranges: ExportRange[]; journey: JourneyManifest } {
  const ordered = [...tracks].sort((a, b) => a.startedAt - b.startedAt || (a.id < b.id ? -1 : 1));
  const ranges: ExportRange[] = [];
  const clipOf: number[] = [];
  for (const t of ordered) {
    const fromMs = Math.max(0, t.startedAt - padMs);
    const toMs = t.endedAt + padMs;
    const hit = ranges.findIndex((r) => r.cameraId === t.cameraId && fromMs <= r.toMs && toMs >= r.fromMs);
    if (hit >= 0) {
      const r = ranges[hit]!;
      r.fromMs = Math.min(r.fromMs, fromMs);
      r.toMs = Math.max(r.toMs, toMs);
      clipOf.push(hit);
    } else {
      ranges.push({ cameraId: t.cameraId, fromMs, toMs });
      clipOf.push(ranges.length - 1);
    }
  }
  const paths = clipPaths(ranges);
  const journey: JourneyManifest = {
    caseRef, anchorTrackId, padMs,
    steps: ordered.map((t, i) => {
      const v = via.get(t.id);
      return {
        index: i, trackId: t.id, cameraId: t.cameraId, class: t.class, track: interval(t.startedAt, t.endedAt), original: paths[clipOf[i]!]!,
        via: v ? { fromTrackId: v.fromTrackId, similarity: v.similarity, plausibility: v.plausibility, reachable: v.reachable, decidedBy: v.decidedBy, decidedAt: v.decidedAt } : null,
      };
    }),
  };
  return { ranges, journey };
}
