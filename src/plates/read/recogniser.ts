/**
 * Text-line recognition (PP-OCRv4 rec, CTC over a character dictionary) restricted to the characters that can
 * appear on a plate. Input height is fixed at 48; the width follows the crop's aspect, capped (a plate is short:
 * 48×160 costs about half of 48×320).
 */
import * as ort from 'onnxruntime-node';
import { UserError } from '../../core/errors';
import type { RgbImage } from '../../detect/types';
import { PLATE_CHARSET } from '../grammar/charset';
import { ctcDecode, type CtcResult } from './ctc';
import { loadDict, openModel } from './models';
import { resizeImage } from './image';

export const REC_HEIGHT = 48;

export interface RecogniserOptions {
  recModel: string;
  dict: string;
  threads?: number;
  /** Widest input fed to the model (default 160). */
  maxWidth?: number;
  /** recognise(): restrict greedy decoding to plate characters (default true). */
  plateCharset?: boolean;
}

export class TextRecogniser {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly dict: readonly string[],
    private readonly allowed: Uint8Array | undefined,
    readonly maxWidth: number,
  ) {}

  static async load(o: RecogniserOptions): Promise<TextRecogniser> {
    const dict = await loadDict(o.dict);
    const session = await openModel(o.recModel, 'text recognition model', 'recModel', o.threads);
    let allowed: Uint8Array | undefined;
    if (o.plateCharset !== false) {
      allowed = new Uint8Array(dict.length);
      dict.forEach((ch, i) => {
        if (i > 0 && PLATE_CHARSET.has(ch)) allowed![i] = 1;
      });
    }
    return new TextRecogniser(session, dict, allowed, o.maxWidth ?? 160);
  }

  /** The input width for a crop: its aspect at height 48, rounded up to a multiple of 8, within [48, maxWidth]. */
  inputWidth(crop: RgbImage): number {
    const w = Math.ceil((REC_HEIGHT * crop.width) / crop.height / 8) * 8;
    return Math.min(this.maxWidth, Math.max(48, w));
  }

  /** Normalises to BGR, (x/255 − 0.5)/0.5 as PaddleOCR trains; the right-hand padding stays 0 (mid grey). */
  tensor(crop: RgbImage, width: number): ort.Tensor {
    const w = Math.min(width, Math.max(8, Math.round((REC_HEIGHT * crop.width) / crop.height)));
    const img = resizeImage(crop, w, REC_HEIGHT);
    const plane = REC_HEIGHT * width;
    const data = new Float32Array(3 * plane);
    for (let y = 0; y < REC_HEIGHT; y++) {
      for (let x = 0; x < w; x++) {
        const s = (y * w + x) * 3;
        const d = y * width + x;
        data[d] = img.data[s + 2]! / 127.5 - 1;
        data[plane + d] = img.data[s + 1]! / 127.5 - 1;
        data[2 * plane + d] = img.data[s]! / 127.5 - 1;
      }
    }
    return new ort.Tensor('float32', data, [1, 3, REC_HEIGHT, width]);
  }

  async run(input: ort.Tensor): Promise<{ probs: Float32Array; frames: number; classes: number }> {
    const out = await this.session.run({ [this.session.inputNames[0]!]: input });
    const t = out[this.session.outputNames[0]!]!;
    const [, frames, classes] = t.dims as number[];
    if (classes !== this.dict.length) {
      throw new UserError('dict_mismatch', `The recognition model has ${classes} classes but the dictionary gives ${this.dict.length} (lines + blank + space): analytics.anpr.dict must be the model's own dictionary`, { classes, dict: this.dict.length }, 422);
    }
    return { probs: t.data as Float32Array, frames: frames!, classes: classes! };
  }

  /**
   * Greedy read of one rectified text line over the plate characters, with the top alternatives per character
   * (diagnostics and callers without grammars; the PlateReader decodes against the grammars instead).
   */
  async recognise(crop: RgbImage): Promise<CtcResult> {
    const { probs, frames, classes } = await this.run(this.tensor(crop, this.inputWidth(crop)));
    return ctcDecode(probs, frames, classes, { dict: this.dict, allowed: this.allowed, topK: 4 });
  }
}
