/**
 * ISO BMFF (MP4) boxes: walking the boxes of a buffer, and splitting a byte stream (ffmpeg's
 * stdout) into whole top-level boxes. A box is `size(4) type(4) [largesize(8)] payload`.
 */

export interface BoxRef {
  type: string;
  /** Offset of the box header in the buffer. */
  start: number;
  /** Offset of the payload (after the header). */
  body: number;
  /** Offset just past the box. */
  end: number;
}

export class BoxFormatError extends Error {
  override readonly name = 'BoxFormatError';
}

function headerAt(buf: Buffer, at: number, limit: number): { size: number; header: number; type: string } {
  if (at + 8 > limit) throw new BoxFormatError(`truncated box header at ${at}`);
  let size = buf.readUInt32BE(at);
  const type = buf.toString('latin1', at + 4, at + 8);
  let header = 8;
  if (size === 1) {
    if (at + 16 > limit) throw new BoxFormatError(`truncated 64-bit box header at ${at}`);
    const big = buf.readBigUInt64BE(at + 8);
    if (big > BigInt(Number.MAX_SAFE_INTEGER)) throw new BoxFormatError(`box '${type}' too large`);
    size = Number(big);
    header = 16;
  } else if (size === 0) {
    size = limit - at; // extends to the end of its container
  }
  if (size < header) throw new BoxFormatError(`box '${type}' at ${at} has an impossible size ${size}`);
  return { size, header, type };
}

/** The boxes in buf[start, end): a container's children when given its payload range. */
export function* boxesIn(buf: Buffer, start = 0, end = buf.length): Generator<BoxRef> {
  let at = start;
  while (at < end) {
    const { size, header, type } = headerAt(buf, at, end);
    if (at + size > end) throw new BoxFormatError(`box '${type}' at ${at} overruns its container (${size} > ${end - at})`);
    yield { type, start: at, body: at + header, end: at + size };
    at += size;
  }
}

/** The first box found by following a path of types, e.g. ['moov', 'trak', 'mdia', 'mdhd']. */
export function findBox(buf: Buffer, path: readonly string[], start = 0, end = buf.length): BoxRef | undefined {
  const [first, ...rest] = path;
  for (const b of boxesIn(buf, start, end)) {
    if (b.type !== first) continue;
    if (rest.length === 0) return b;
    const inner = findBox(buf, rest, b.body, b.end);
    if (inner) return inner;
  }
  return undefined;
}

export interface StreamBox {
  type: string;
  /** The whole box, header included. */
  data: Buffer;
}

/**
 * Splits a byte stream into whole top-level boxes, whatever the chunking. Refuses boxes larger
 * than `maxBoxBytes` (a broken or hostile stream must not make us buffer without bound) and
 * boxes of unknown length (size 0), which cannot be delimited on a stream.
 */
export class BoxSplitter {
  private chunks: Buffer[] = [];
  private bytes = 0;
  private need = 0;
  private needType = '';

  constructor(private readonly maxBoxBytes = 32 * 1024 * 1024) {}

  /** Bytes held waiting for the rest of a box. */
  get pending(): number {
    return this.bytes;
  }

  push(chunk: Buffer): StreamBox[] {
    if (chunk.length) {
      this.chunks.push(chunk);
      this.bytes += chunk.length;
    }
    const out: StreamBox[] = [];
    for (;;) {
      if (this.need === 0) {
        if (this.bytes < 8) break;
        const head = this.peek(Math.min(16, this.bytes));
        const size32 = head.readUInt32BE(0);
        if (size32 === 1 && head.length < 16) break;
        if (size32 === 0) throw new BoxFormatError(`box '${head.toString('latin1', 4, 8)}' of unknown length on a stream`);
        const { size, type } = headerAt(head, 0, head.length < 16 ? 8 : 16);
        if (size > this.maxBoxBytes) throw new BoxFormatError(`box '${type}' of ${size} bytes exceeds the limit of ${this.maxBoxBytes}`);
        this.need = size;
        this.needType = type;
      }
      if (this.bytes < this.need) break;
      const data = this.take(this.need);
      out.push({ type: this.needType, data });
      this.need = 0;
    }
    return out;
  }

  private peek(n: number): Buffer {
    const first = this.chunks[0]!;
    if (first.length >= n) return first.subarray(0, n);
    return Buffer.concat(this.chunks, Math.min(this.bytes, Math.max(n, 16))).subarray(0, n);
  }

  private take(n: number): Buffer {
    const first = this.chunks[0]!;
    if (first.length === n) {
      this.chunks.shift();
      this.bytes -= n;
      return first;
    }
    if (first.length > n) {
      this.chunks[0] = first.subarray(n);
      this.bytes -= n;
      return first.subarray(0, n);
    }
    const parts: Buffer[] = [];
    let left = n;
    while (left > 0) {
      const c = this.chunks[0]!;
      if (c.length <= left) {
        parts.push(c);
        this.chunks.shift();
        left -= c.length;
      } else {
        parts.push(c.subarray(0, left));
        this.chunks[0] = c.subarray(left);
        left = 0;
      }
    }
    this.bytes -= n;
    return Buffer.concat(parts, n);
  }
}
