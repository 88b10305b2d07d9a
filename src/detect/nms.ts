/** Candidate boxes as decoders produce them (corner form) and class-wise non-maximum suppression. */

export interface Candidate {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  score: number;
  classId: number;
}

export function iou(a: Candidate, b: Candidate): number {
  const iw = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
  if (iw <= 0) return 0;
  const ih = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
  if (ih <= 0) return 0;
  const inter = iw * ih;
  const union = (a.x2 - a.x1) * (a.y2 - a.y1) + (b.x2 - b.x1) * (b.y2 - b.y1) - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * Greedy NMS per class: the best box of a class suppresses the boxes of the SAME class overlapping it by
 * more than `iouThreshold` (a person on a bicycle keeps both boxes). Returns the kept boxes, best first;
 * at most `maxDetections`. Only the best `maxCandidates` enter (bounded cost on noisy frames).
 */
export function nmsByClass(cands: readonly Candidate[], iouThreshold: number, maxDetections = 300, maxCandidates = 3000): Candidate[] {
  const sorted = [...cands].sort((a, b) => b.score - a.score).slice(0, maxCandidates);
  const byClass = new Map<number, Candidate[]>();
  const kept: Candidate[] = [];
  for (const c of sorted) {
    const mine = byClass.get(c.classId);
    if (mine) {
      let suppressed = false;
      for (const k of mine) {
        if (iou(k, c) > iouThreshold) {
          suppressed = true;
          break;
        }
      }
      if (suppressed) continue;
      mine.push(c);
    } else byClass.set(c.classId, [c]);
    kept.push(c);
    if (kept.length >= maxDetections) break;
  }
  return kept;
}
