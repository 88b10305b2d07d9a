import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';

/**
 * A small POSIX ustar writer and reader: enough for evidence bundles (regular files and
 * directories; long names through the ustar prefix, GNU 'L' or pax 'path'; sizes past 8 GiB in
 * base-256). Written here so a verifier needs nothing beyond Node.
 */
const BLOCK = 512;

export interface TarInputFile {
  /** Name inside the archive (posix). */
  name: string;
  /** File on disk. */
  file: string;
  size: number;
  mtimeMs: number;
}

function octal(buf: Buffer, off: number, len: number, value: number): void {
  buf.write(`${value.toString(8).padStart(len - 1, '0')}\0`, off, len, 'ascii');
}

function writeSize(buf: Buffer, size: number): void {
  if (size < 8 ** 11) return octal(buf, 124, 12, size);
  // base-256: high bit of the first byte set, big-endian value in the rest
  buf.fill(0, 124, 136);
  let v = BigInt(size);
  for (let i = 135; i > 124; i--, v >>= 8n) buf[i] = Number(v & 0xffn);
  buf[124] = 0x80;
}

function splitName(name: string): { prefix: string; base: string } {
  if (Buffer.byteLength(name) <= 100) return { prefix: '', base: name };
  for (let i = name.indexOf('/'); i > 0; i = name.indexOf('/', i + 1)) {
    const prefix = name.slice(0, i);
    const base = name.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(base) <= 100) return { prefix, base };
  }
  throw new Error(`tar: name too long for ustar: ${name}`);
}

export function tarHeader(name: string, size: number, mtimeMs: number, type: '0' | '5' = '0'): Buffer {
  const h = Buffer.alloc(BLOCK);
  const { prefix, base } = splitName(name);
  h.write(base, 0, 100, 'utf8');
  octal(h, 100, 8, type === '5' ? 0o755 : 0o644);
  octal(h, 108, 8, 0);
  octal(h, 116, 8, 0);
  writeSize(h, size);
  octal(h, 136, 12, Math.floor(mtimeMs / 1000));
  h.fill(0x20, 148, 156);
  h.write(type, 156, 1, 'ascii');
  h.write('ustar\0', 257, 6, 'ascii');
  h.write('00', 263, 2, 'ascii');
  h.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  return h;
}

const padding = (size: number): number => (BLOCK - (size % BLOCK)) % BLOCK;

/** Bytes of the archive that tarStream makes of these files. */
export function tarSize(files: TarInputFile[]): number {
  return files.reduce((n, f) => n + BLOCK + f.size + padding(f.size), 0) + 2 * BLOCK;
}

/** Streams the files as one tar archive; a file whose size changed since listing fails the stream. */
export function tarStream(files: TarInputFile[]): Readable {
  async function* gen(): AsyncGenerator<Buffer> {
    for (const f of files) {
      yield tarHeader(f.name, f.size, f.mtimeMs);
      let n = 0;
      for await (const chunk of createReadStream(f.file, { highWaterMark: 1 << 20 })) {
        n += (chunk as Buffer).length;
        if (n > f.size) break;
        yield chunk as Buffer;
      }
      if (n !== f.size) throw new Error(`tar: ${f.name} changed while it was archived (${n} bytes, expected ${f.size})`);
      if (padding(f.size)) yield Buffer.alloc(padding(f.size));
    }
    yield Buffer.alloc(2 * BLOCK);
  }
  return Readable.from(gen(), { objectMode: false });
}

export interface TarEntry {
  name: string;
  type: 'file' | 'directory' | 'other';
  /** The raw type flag, for messages about unsupported entries. */
  typeFlag: string;
  size: number;
  sha256: string;
  /** The content, for the files `keep` asked for. */
  content?: Buffer;
}

function readString(b: Buffer, off: number, len: number): string {
  const s = b.subarray(off, off + len);
  const z = s.indexOf(0);
  return (z >= 0 ? s.subarray(0, z) : s).toString('utf8');
}

export function readTarNumber(b: Buffer, off: number, len: number): number {
  if (b[off]! & 0x80) {
    let v = BigInt(b[off]! & 0x7f);
    for (let i = off + 1; i < off + len; i++) v = (v << 8n) | BigInt(b[i]!);
    return Number(v);
  }
  const t = readString(b, off, len).trim();
  return t ? parseInt(t, 8) : 0;
}

function checksumOk(h: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!;
  return sum === readTarNumber(h, 148, 8);
}

function paxPath(data: Buffer): string | undefined {
  let i = 0;
  let found: string | undefined;
  while (i < data.length) {
    const sp = data.indexOf(0x20, i);
    if (sp < 0) break;
    const len = Number(data.subarray(i, sp).toString('ascii'));
    if (!Number.isInteger(len) || len <= 0) break;
    const rec = data.subarray(sp + 1, i + len - 1).toString('utf8');
    const eq = rec.indexOf('=');
    if (rec.slice(0, eq) === 'path') found = rec.slice(eq + 1);
    i += len;
  }
  return found;
}

/** Reads every entry of a tar file, hashing file contents as it goes; keeps the contents `keep` asks for. Throws on a damaged archive. */
export async function readTar(file: string, keep: (name: string, size: number) => boolean = () => false): Promise<TarEntry[]> {
  const fh = await open(file, 'r');
  const out: TarEntry[] = [];
  try {
    const { size: total } = await fh.stat();
    const header = Buffer.alloc(BLOCK);
    const chunk = Buffer.alloc(4 << 20);
    let pos = 0;
    let longName: string | undefined;
    for (;;) {
      if (pos + BLOCK > total) throw new Error(`tar: the archive ends without its end-of-archive blocks (truncated at byte ${pos})`);
      await fh.read(header, 0, BLOCK, pos);
      pos += BLOCK;
      if (header.every((b) => b === 0)) break;
      if (!checksumOk(header)) throw new Error(`tar: bad header checksum at byte ${pos - BLOCK}: not a tar file, or damaged`);
      const typeFlag = String.fromCharCode(header[156]!) || '0';
      const size = readTarNumber(header, 124, 12);
      if (pos + size > total) throw new Error(`tar: entry at byte ${pos - BLOCK} claims ${size} bytes but the archive is shorter (truncated)`);
      const hash = createHash('sha256');
      const prefix = readString(header, 345, 155);
      const name = longName ?? (prefix ? `${prefix}/${readString(header, 0, 100)}` : readString(header, 0, 100));
      const kept = typeFlag === 'L' || typeFlag === 'x' || ((typeFlag === '0' || typeFlag === '\0') && keep(name, size)) ? Buffer.alloc(size) : undefined;
      for (let done = 0; done < size; ) {
        const n = Math.min(chunk.length, size - done);
        await fh.read(chunk, 0, n, pos + done);
        hash.update(chunk.subarray(0, n));
        if (kept) chunk.copy(kept, done, 0, n);
        done += n;
      }
      pos += size + padding(size);
      if (typeFlag === 'L') {
        longName = readString(kept!, 0, size);
        continue;
      }
      if (typeFlag === 'x') {
        longName = paxPath(kept!) ?? longName;
        continue;
      }
      if (typeFlag === 'g') continue;
      longName = undefined;
      const type = typeFlag === '0' || typeFlag === '\0' || typeFlag === '7' ? 'file' : typeFlag === '5' ? 'directory' : 'other';
      out.push({ name: name.replace(/^\.\//, '').replace(/\/$/, ''), type, typeFlag, size, sha256: hash.digest('hex'), content: type === 'file' ? kept : undefined });
    }
    return out;
  } finally {
    await fh.close();
  }
}
