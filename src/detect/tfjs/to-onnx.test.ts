import assert from 'node:assert/strict';
import test from 'node:test';
import * as ort from 'onnxruntime-node';
import { convertToOnnx, type TfNode } from './to-onnx';

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const ints = (...v: number[]): { list: { i: string[] } } => ({ list: { i: v.map(String) } });

/** A tiny NHWC graph: fused 3×3 conv (SAME, stride 2) + bias + Relu6, then hard-swish-like Mul by a constant. */
function graph(): TfNode[] {
  return [
    { name: 'x', op: 'Placeholder' },
    { name: 'w', op: 'Const' },
    { name: 'b', op: 'Const' },
    { name: 'k', op: 'Const' },
    { name: 'conv', op: '_FusedConv2D', input: ['x', 'w', 'b'], attr: { padding: { s: b64('SAME') }, strides: ints(1, 2, 2, 1), dilations: ints(1, 1, 1, 1), data_format: { s: b64('NHWC') }, fused_ops: { list: { s: [b64('BiasAdd'), b64('Relu6')] } } } },
    { name: 'y', op: 'Mul', input: ['conv', 'k'] },
  ];
}

test('a converted convolution gives what TF would compute (NHWC weights → NCHW, SAME padding, bias, Relu6, broadcast constant)', async () => {
  // Input 1×4×4×1 = 0..15; filter 3×3×1×2: channel 0 sums the window, channel 1 takes the centre × -1.
  const w = new Float32Array(3 * 3 * 1 * 2);
  for (let i = 0; i < 9; i++) w[i * 2] = 1;
  w[4 * 2 + 1] = -1;
  const consts = new Map([
    ['w', { shape: [3, 3, 1, 2], data: w }],
    ['b', { shape: [2], data: Float32Array.of(-40, 7) }],
    ['k', { shape: [2], data: Float32Array.of(10, 1) }],
  ]);
  const shapes = new Map([['x', [1, 4, 4, 1]], ['conv', [1, 2, 2, 2]], ['y', [1, 2, 2, 2]]]);
  const bytes = convertToOnnx({ nodes: graph(), consts, shapes, input: 'x', outputs: ['y'] });
  const s = await ort.InferenceSession.create(bytes);
  try {
    const x = Float32Array.from({ length: 16 }, (_, i) => i);
    const r = await s.run({ x: new ort.Tensor('float32', x, [1, 1, 4, 4]) });
    assert.deepEqual(r.y!.dims, [1, 2, 2, 2]);
    // TF SAME with stride 2 on 4×4: total padding 1, all of it after (bottom/right) → windows centred on (1,1), (1,3), (3,1), (3,3).
    const win = (cy: number, cx: number): number => {
      let sum = 0;
      for (let y = cy - 1; y <= cy + 1; y++) for (let xx = cx - 1; xx <= cx + 1; xx++) if (y >= 0 && y < 4 && xx >= 0 && xx < 4) sum += y * 4 + xx;
      return sum;
    };
    const relu6 = (v: number): number => Math.min(6, Math.max(0, v));
    const centres = [[1, 1], [1, 3], [3, 1], [3, 3]] as const;
    const expected = [...centres.map(([y, x]) => relu6(win(y, x) - 40) * 10), ...centres.map(([y, x]) => relu6(7 - (y * 4 + x)) * 1)];
    assert.deepEqual(expected, [50, 0, 60, 60, 2, 0, 0, 0]); // the hand computation itself, spelled out
    assert.deepEqual(Array.from(r.y!.data as Float32Array), expected);
  } finally {
    await s.release();
  }
});

test('an op the converter does not know is refused by name', () => {
  const nodes: TfNode[] = [{ name: 'x', op: 'Placeholder' }, { name: 'z', op: 'Softplus', input: ['x'] }];
  assert.throws(() => convertToOnnx({ nodes, consts: new Map(), shapes: new Map([['x', [1, 2, 2, 1]]]), input: 'x', outputs: ['z'] }), /op Softplus \(z\) is not supported/);
});
