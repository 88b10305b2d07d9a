/**
 * A minimal writer for the ONNX protobuf messages (onnx.proto, proto2 wire format): just what a converted
 * convolutional graph needs — float and int64 tensors, nodes with int/float/string/ints attributes, typed inputs
 * and outputs. No dependency: protobuf wire encoding is varints and length-prefixed fields.
 */

class Writer {
  // Small scalar bytes collect in `pending`; big payloads (weights) are kept as views, never copied byte by byte.
  private parts: Uint8Array[] = [];
  private pending: number[] = [];

  private flush(): void {
    if (this.pending.length) this.parts.push(Uint8Array.from(this.pending));
    this.pending = [];
  }

  varint(v: number | bigint): this {
    let x = BigInt.asUintN(64, BigInt(v));
    while (x >= 0x80n) {
      this.pending.push(Number((x & 0x7fn) | 0x80n));
      x >>= 7n;
    }
    this.pending.push(Number(x));
    return this;
  }

  tag(field: number, wire: number): this {
    return this.varint((field << 3) | wire);
  }

  int(field: number, v: number | bigint): this {
    return this.tag(field, 0).varint(v);
  }

  float(field: number, v: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.tag(field, 5);
    for (const x of b) this.pending.push(x);
    return this;
  }

  bytes(field: number, b: Uint8Array): this {
    this.tag(field, 2).varint(b.length);
    this.flush();
    this.parts.push(b);
    return this;
  }

  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }

  message(field: number, m: Uint8Array): this {
    return this.bytes(field, m);
  }

  done(): Uint8Array {
    this.flush();
    const total = this.parts.reduce((n, p) => n + p.length, 0);
    const out = new Uint8Array(total);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

export const DT_FLOAT = 1;
export const DT_INT64 = 7;

export type AttrValue = number | string | number[] | { float: number };

export interface OnnxNode {
  op: string;
  inputs: string[];
  outputs: string[];
  name?: string;
  attrs?: Record<string, AttrValue>;
}

export interface OnnxTensor {
  name: string;
  dims: number[];
  /** Float32Array → FLOAT; BigInt64Array → INT64. */
  data: Float32Array | BigInt64Array;
}

export interface OnnxValue {
  name: string;
  dims: number[];
}

function attribute(name: string, v: AttrValue): Uint8Array {
  const w = new Writer().string(1, name);
  if (typeof v === 'string') return w.string(4, v).int(20, 3).done();
  if (Array.isArray(v)) {
    for (const x of v) w.int(8, x);
    return w.int(20, 7).done();
  }
  if (typeof v === 'object') return w.float(2, v.float).int(20, 1).done();
  return w.int(3, v).int(20, 2).done();
}

function tensor(t: OnnxTensor): Uint8Array {
  const w = new Writer();
  for (const d of t.dims) w.int(1, d);
  w.int(2, t.data instanceof Float32Array ? DT_FLOAT : DT_INT64);
  w.string(8, t.name);
  return w.bytes(9, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength)).done();
}

function valueInfo(v: OnnxValue): Uint8Array {
  const shape = new Writer();
  for (const d of v.dims) shape.message(1, new Writer().int(1, d).done());
  const tensorType = new Writer().int(1, DT_FLOAT).message(2, shape.done()).done();
  const type = new Writer().message(1, tensorType).done();
  return new Writer().string(1, v.name).message(2, type).done();
}

function node(n: OnnxNode): Uint8Array {
  const w = new Writer();
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  if (n.name) w.string(3, n.name);
  w.string(4, n.op);
  for (const [k, v] of Object.entries(n.attrs ?? {})) w.message(5, attribute(k, v));
  return w.done();
}

/** A complete ModelProto (IR version 8, default opset 13). */
export function encodeModel(g: { name: string; nodes: OnnxNode[]; initializers: OnnxTensor[]; inputs: OnnxValue[]; outputs: OnnxValue[] }, producer = 'smartview'): Uint8Array {
  const graph = new Writer();
  for (const n of g.nodes) graph.message(1, node(n));
  graph.string(2, g.name);
  for (const t of g.initializers) graph.message(5, tensor(t));
  for (const i of g.inputs) graph.message(11, valueInfo(i));
  for (const o of g.outputs) graph.message(12, valueInfo(o));
  const opset = new Writer().string(1, '').int(2, 13).done();
  return new Writer().int(1, 8).string(2, producer).message(7, graph.done()).message(8, opset).done();
}
