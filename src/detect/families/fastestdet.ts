/**
 * FastestDet (dog-qiuqiu): one output [1, 5+C, H/16, W/16]: per cell objectness (sigmoid), x/y offset (tanh),
 * w/h (sigmoid, normalised to the image), classes (softmax); score = obj^0.6 × cls^0.4.
 * Input RGB/255, plain resize (no letterbox).
 */
import type { Candidate } from '../nms';
import { fixed, sigmoid, type Family, type OutputTensor } from './family';

export const fastestdet: Family = {
  name: 'fastestdet',
  defaultSize: { width: 352, height: 352 },
  defaultThreshold: 0.55,
  format: (width, height) => ({ width, height, order: 'rgb', mean: [0, 0, 0], std: [255, 255, 255], letterbox: false, pad: 0 }),
  layout(outputs, input, numClasses) {
    const gw = Math.ceil(input.width / 16);
    const gh = Math.ceil(input.height / 16);
    const expected = `one output [1,5+classes,${gh},${gw}] (objectness, box, class scores per cell of a ${gw}×${gh} grid for a ${input.width}×${input.height} input)`;
    const d = outputs.length === 1 ? fixed(outputs[0]!.dims) : null;
    if (!d || d.length !== 4 || d[0] !== 1 || d[2] !== gh || d[3] !== gw || d[1]! <= 5 || (numClasses !== null && d[1] !== numClasses + 5)) return { ok: false, expected };
    const name = outputs[0]!.name;
    const nc = d[1]! - 5;
    const plane = gw * gh;
    return {
      ok: true,
      numClasses: nc,
      decode(out: Readonly<Record<string, OutputTensor>>, thr: number): Candidate[] {
        const data = out[name]!.data;
        const res: Candidate[] = [];
        for (let i = 0; i < plane; i++) {
          const obj = data[i]!;
          // score ≤ obj^0.6 (cls ≤ 1): skip hopeless cells before the class scan.
          if (obj <= 0 || Math.pow(obj, 0.6) < thr) continue;
          let cls = 0;
          let best = data[5 * plane + i]!;
          for (let c = 1; c < nc; c++) {
            const v = data[(5 + c) * plane + i]!;
            if (v > best) {
              best = v;
              cls = c;
            }
          }
          const score = Math.pow(obj, 0.6) * Math.pow(Math.max(best, 0), 0.4);
          if (score < thr) continue;
          const gx = i % gw;
          const gy = Math.floor(i / gw);
          const cx = ((gx + Math.tanh(data[plane + i]!)) / gw) * input.width;
          const cy = ((gy + Math.tanh(data[2 * plane + i]!)) / gh) * input.height;
          const w = sigmoid(data[3 * plane + i]!) * input.width;
          const h = sigmoid(data[4 * plane + i]!) * input.height;
          res.push({ x1: cx - w / 2, y1: cy - h / 2, x2: cx + w / 2, y2: cy + h / 2, score, classId: cls });
        }
        return res;
      },
    };
  },
};
