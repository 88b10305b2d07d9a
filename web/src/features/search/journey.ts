import type { JourneyStep } from './types';

/**
 * The journey of a case from an anchor track as the server builds its export (src/search/journey-export.ts):
 * the latest decision on each pair counts; tracks reached over confirmed steps, in the order reached.
 */
export function journeyChain(anchorTrackId: string, steps: readonly JourneyStep[]): { trackIds: string[]; via: Map<string, JourneyStep>; rejected: Set<string> } {
  const latest = new Map<string, JourneyStep>();
  for (const s of steps) latest.set(`${s.fromTrackId}\u0000${s.toTrackId}`, s);
  const next = new Map<string, JourneyStep[]>();
  const rejected = new Set<string>();
  for (const s of latest.values()) {
    if (s.decision !== 'confirmed') {
      rejected.add(`${s.fromTrackId}\u0000${s.toTrackId}`);
      continue;
    }
    next.set(s.fromTrackId, [...(next.get(s.fromTrackId) ?? []), s]);
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
  return { trackIds, via, rejected };
}

/** Journeys begun in a case: tracks that start a confirmed step without being reached by one. */
export function journeyAnchors(steps: readonly JourneyStep[]): string[] {
  const confirmed = steps.filter((s) => s.decision === 'confirmed');
  const reached = new Set(confirmed.map((s) => s.toTrackId));
  return [...new Set(confirmed.map((s) => s.fromTrackId).filter((id) => !reached.has(id)))];
}
