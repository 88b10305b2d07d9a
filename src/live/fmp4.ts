import { BoxFormatError, BoxSplitter, boxesIn, findBox } from './box';

/**
 * Fragmented MP4 as ffmpeg writes it with `-movflags frag_keyframe+empty_moov+default_base_moof`:
 * `ftyp moov` (the init segment, no samples) then `moof mdat` pairs (fragments). What the browser
 * needs: the init segment, the codec string for MediaSource.isTypeSupported/addSourceBuffer, and
 * fragments that a new decoder may start with (the first sample is a sync sample = keyframe).
 */

export type CodecKind = 'avc' | 'hevc' | 'other';

export interface InitInfo {
  /** RFC 6381 codec string, e.g. avc1.64001f or hvc1.1.6.L93.B0 */
  codec: string;
  kind: CodecKind;
  /** The sample entry type: avc1, avc3, hev1, hvc1, … */
  sampleEntry: string;
  width: number | null;
  height: number | null;
  timescale: number | null;
  /** Default sample flags from moov/mvex/trex (used when a fragment names none). */
  trexDefaultFlags: number | null;
}

export interface Fragment {
  /** moof + mdat, ready to append to a SourceBuffer. */
  data: Buffer;
  /** The fragment's first sample is a sync sample: a decoder may start here. */
  keyframe: boolean;
  /** baseMediaDecodeTime of the first track fragment (timescale units), when present. */
  decodeTime: number | null;
  /** Samples (frames) in the fragment. */
  samples: number;
}

const hex2 = (n: number) => n.toString(16).padStart(2, '0');

function avcCodec(buf: Buffer, entryType: string, avcC: { body: number; end: number } | undefined): string {
  if (!avcC || avcC.end - avcC.body < 4) return entryType;
  return `${entryType}.${hex2(buf[avcC.body + 1]!)}${hex2(buf[avcC.body + 2]!)}${hex2(buf[avcC.body + 3]!)}`;
}

function reverseBits32(n: number): number {
  let r = 0;
  for (let i = 0; i < 32; i++) r = (r << 1) | ((n >>> i) & 1);
  return r >>> 0;
}

/** ISO/IEC 14496-15 Annex E: hvc1.<space><profile>.<compat reversed>.<tier><level>.<constraints> */
function hevcCodec(buf: Buffer, entryType: string, hvcC: { body: number; end: number } | undefined): string {
  if (!hvcC || hvcC.end - hvcC.body < 13) return entryType;
  const b = hvcC.body;
  const space = ['', 'A', 'B', 'C'][buf[b + 1]! >> 6]!;
  const tier = (buf[b + 1]! >> 5) & 1 ? 'H' : 'L';
  const profile = buf[b + 1]! & 0x1f;
  const compat = reverseBits32(buf.readUInt32BE(b + 2)).toString(16);
  const constraints = [...buf.subarray(b + 6, b + 12)];
  while (constraints.length && constraints[constraints.length - 1] === 0) constraints.pop();
  const level = buf[b + 12]!;
  return [`${entryType}`, `${space}${profile}`, compat, `${tier}${level}`, ...constraints.map((c) => c.toString(16).toUpperCase())].join('.');
}

/** Reads the codec, size and timescale of the first track from an init segment (ftyp + moov). */
export function parseInit(init: Buffer): InitInfo {
  const moov = findBox(init, ['moov']);
  if (!moov) throw new BoxFormatError('init segment has no moov box');
  const stsd = findBox(init, ['trak', 'mdia', 'minf', 'stbl', 'stsd'], moov.body, moov.end);
  const mdhd = findBox(init, ['trak', 'mdia', 'mdhd'], moov.body, moov.end);
  const trex = findBox(init, ['mvex', 'trex'], moov.body, moov.end);
  let timescale: number | null = null;
  if (mdhd) timescale = init.readUInt32BE(mdhd.body + (init[mdhd.body] === 1 ? 20 : 12));
  const trexDefaultFlags = trex && trex.end - trex.body >= 24 ? init.readUInt32BE(trex.body + 20) : null;
  if (!stsd) return { codec: 'unknown', kind: 'other', sampleEntry: 'unknown', width: null, height: null, timescale, trexDefaultFlags };
  const entry = boxesIn(init, stsd.body + 8, stsd.end).next().value;
  if (!entry) throw new BoxFormatError('stsd holds no sample entry');
  const sampleEntry = entry.type;
  const visual = entry.end - entry.body >= 78;
  const width = visual ? init.readUInt16BE(entry.body + 24) : null;
  const height = visual ? init.readUInt16BE(entry.body + 26) : null;
  const children = visual ? [...boxesIn(init, entry.body + 78, entry.end)] : [];
  let kind: CodecKind = 'other';
  let codec = sampleEntry;
  if (sampleEntry === 'avc1' || sampleEntry === 'avc3') {
    kind = 'avc';
    codec = avcCodec(init, sampleEntry, children.find((c) => c.type === 'avcC'));
  } else if (sampleEntry === 'hev1' || sampleEntry === 'hvc1') {
    kind = 'hevc';
    codec = hevcCodec(init, sampleEntry, children.find((c) => c.type === 'hvcC'));
  }
  return { codec, kind, sampleEntry, width, height, timescale, trexDefaultFlags };
}

const NON_SYNC = 0x0001_0000;

/** Flags of the first sample of the first track fragment in a moof (tfhd/trun/trex defaults). */
export function firstSampleFlags(moof: Buffer, trexDefault: number | null = null): number | null {
  const traf = findBox(moof, ['moof', 'traf']);
  if (!traf) return null;
  let flags: number | null = trexDefault;
  const tfhd = findBox(moof, ['tfhd'], traf.body, traf.end);
  if (tfhd) {
    const f = moof.readUInt32BE(tfhd.body) & 0xffffff;
    let at = tfhd.body + 8;
    if (f & 0x01) at += 8;
    if (f & 0x02) at += 4;
    if (f & 0x08) at += 4;
    if (f & 0x10) at += 4;
    if (f & 0x20) flags = moof.readUInt32BE(at);
  }
  const trun = findBox(moof, ['trun'], traf.body, traf.end);
  if (trun) {
    const f = moof.readUInt32BE(trun.body) & 0xffffff;
    const count = moof.readUInt32BE(trun.body + 4);
    let at = trun.body + 8;
    if (f & 0x001) at += 4;
    if (f & 0x004) return moof.readUInt32BE(at);
    if (f & 0x400 && count > 0) {
      if (f & 0x100) at += 4;
      if (f & 0x200) at += 4;
      return moof.readUInt32BE(at);
    }
  }
  return flags;
}

/** True when the fragment's first sample is a sync sample (unknown flags count as not). */
export function startsWithKeyframe(moof: Buffer, trexDefault: number | null = null): boolean {
  const flags = firstSampleFlags(moof, trexDefault);
  return flags !== null && (flags & NON_SYNC) === 0;
}

export function baseDecodeTime(moof: Buffer): number | null {
  const tfdt = findBox(moof, ['moof', 'traf', 'tfdt']);
  if (!tfdt) return null;
  return moof[tfdt.body] === 1 ? Number(moof.readBigUInt64BE(tfdt.body + 4)) : moof.readUInt32BE(tfdt.body + 4);
}

/** Number of samples in a moof (sum of its trun sample counts). */
export function sampleCount(moof: Buffer): number {
  const m = findBox(moof, ['moof']);
  let n = 0;
  if (!m) return n;
  for (const traf of boxesIn(moof, m.body, m.end)) {
    if (traf.type !== 'traf') continue;
    for (const b of boxesIn(moof, traf.body, traf.end)) if (b.type === 'trun') n += moof.readUInt32BE(b.body + 4);
  }
  return n;
}

export interface Fmp4Events {
  init(data: Buffer, info: InitInfo): void;
  fragment(f: Fragment): void;
}

/**
 * Turns a fragmented-MP4 byte stream into one init segment and then fragments. Boxes other than
 * ftyp/moov/moof/mdat (free, styp, sidx, mfra …) are skipped; an mdat without its moof is dropped.
 */
export class Fmp4Parser {
  private readonly splitter: BoxSplitter;
  private ftyp: Buffer | null = null;
  private moof: Buffer | null = null;
  private info: InitInfo | null = null;
  /** Boxes skipped because they were out of place (counted for diagnostics). */
  skipped = 0;

  constructor(private readonly on: Fmp4Events, maxBoxBytes?: number) {
    this.splitter = new BoxSplitter(maxBoxBytes);
  }

  get initInfo(): InitInfo | null {
    return this.info;
  }

  push(chunk: Buffer): void {
    for (const box of this.splitter.push(chunk)) this.box(box.type, box.data);
  }

  private box(type: string, data: Buffer): void {
    switch (type) {
      case 'ftyp':
        this.ftyp = data;
        return;
      case 'moov': {
        const init = this.ftyp ? Buffer.concat([this.ftyp, data]) : data;
        this.info = parseInit(init);
        this.moof = null;
        this.on.init(init, this.info);
        return;
      }
      case 'moof':
        if (!this.info) {
          this.skipped++;
          return;
        }
        this.moof = data;
        return;
      case 'mdat': {
        const moof = this.moof;
        this.moof = null;
        if (!moof) {
          this.skipped++;
          return;
        }
        this.on.fragment({ data: Buffer.concat([moof, data]), keyframe: startsWithKeyframe(moof, this.info?.trexDefaultFlags ?? null), decodeTime: baseDecodeTime(moof), samples: sampleCount(moof) });
        return;
      }
      default:
        return;
    }
  }
}

/** The MIME type for MediaSource (video only). */
export function mimeFor(info: Pick<InitInfo, 'codec'>): string {
  return `video/mp4; codecs="${info.codec}"`;
}
