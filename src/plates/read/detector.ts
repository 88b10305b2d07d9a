/**
 * Text-line localisation with PP-OCRv4 det (DB): the image is scaled so its longer side is at most `limitSide`
 * (multiples of 32), normalised as PaddleOCR trains it (BGR, ImageNet mean/std), and the probability map is turned
 * into rotated quads in the source image's pixels.
 */
import * as ort from 'onnxruntime-node';
import type { RgbImage } from '../../detect/types';
import { dbBoxes, type DbOptions, type TextBox } from './db-postprocess';
import { resizeImage } from './image';
import { openModel } from './models';

export interface TextDetectorOptions extends DbOptions {
  detModel: string;
  threads?: number;
  /** Longer side of the model input (default 640). */
  limitSide?: number;
}

const MEAN = [0.485, 0.456, 0.406];
const STD = [0.229, 0.224, 0.225];

export class TextDetector {
  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly o: TextDetectorOptions,
  ) {}

  static async load(o: TextDetectorOptions): Promise<TextDetector> {
    return new TextDetector(await openModel(o.detModel, 'text detection model', 'detModel', o.threads), o);
  }

  async detect(img: RgbImage, limitSide = this.o.limitSide ?? 640): Promise<TextBox[]> {
    const scale = Math.min(1, limitSide / Math.max(img.width, img.height));
    const w = Math.max(32, Math.round((img.width * scale) / 32) * 32);
    const h = Math.max(32, Math.round((img.height * scale) / 32) * 32);
    const r = resizeImage(img, w, h);
    const plane = w * h;
    const data = new Float32Array(3 * plane);
    for (let i = 0; i < plane; i++) {
      // Channel 0 is blue: PaddleOCR normalises the BGR array it reads with OpenCV.
      for (let c = 0; c < 3; c++) data[c * plane + i] = (r.data[i * 3 + 2 - c]! / 255 - MEAN[c]!) / STD[c]!;
    }
    const out = await this.session.run({ [this.session.inputNames[0]!]: new ort.Tensor('float32', data, [1, 3, h, w]) });
    const map = out[this.session.outputNames[0]!]!;
    const boxes = dbBoxes(map.data as Float32Array, w, h, this.o);
    const sx = img.width / w;
    const sy = img.height / h;
    return boxes.map((b) => {
      const quad = b.quad.map(([x, y]) => [x * sx, y * sy]) as TextBox['quad'];
      const width = Math.hypot(quad[1][0] - quad[0][0], quad[1][1] - quad[0][1]);
      const height = Math.hypot(quad[3][0] - quad[0][0], quad[3][1] - quad[0][1]);
      return { quad, width, height, score: b.score };
    });
  }
}
