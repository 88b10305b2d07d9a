import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import * as ort from 'onnxruntime-node';
import { UserError } from '../core/errors';
import { checkImage, toTensor, type TensorFormat } from '../detect/preprocess';
import type { RgbImage } from '../detect/types';
import type { Embedder } from './types';
import { l2normalise } from './vector';

export interface OnnxEmbedderOptions {
  model: string;
  /** Expected embedding size (OSNet: 512). */
  dim?: number;
  threads?: number;
}

type Meta = { isTensor?: boolean; shape?: readonly (number | string)[] } | undefined;

const IMAGENET = { mean: [0.485 * 255, 0.456 * 255, 0.406 * 255], std: [0.229 * 255, 0.224 * 255, 0.225 * 255] } as const;

/**
 * A re-identification network (torchreid's OSNet and alike): input [1,3,H,W] RGB, ImageNet-normalised, the crop
 * stretched to H×W (people are taller than wide; the networks were trained on stretched crops); output one
 * vector, L2-normalised here. The model is checked when it loads (input layout, output size, one dry run) so a
 * wrong file fails with a clear message before any crop is embedded.
 */
export class OnnxEmbedder implements Embedder {
  private readonly input: Float32Array;

  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly format: TensorFormat,
    readonly modelId: string,
    readonly dim: number,
  ) {
    this.input = new Float32Array(3 * format.width * format.height);
  }

  static async load(o: OnnxEmbedderOptions): Promise<OnnxEmbedder> {
    const expected = o.dim ?? 512;
    const st = await stat(o.model).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return null;
      throw err;
    });
    if (!st?.isFile()) throw new UserError('model_not_found', `The re-identification model ${o.model} does not exist or is not a file: give the path of an ONNX re-id model (e.g. osnet_x0_25_msmt17.onnx)`, { model: o.model }, 404);
    const bytes = await readFile(o.model);
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(bytes, { ...(o.threads ? { intraOpNumThreads: o.threads } : {}), interOpNumThreads: 1, graphOptimizationLevel: 'all', logSeverityLevel: 3 });
    } catch (err) {
      const said = (err instanceof Error ? err.message : String(err)).split('\n')[0]!.slice(0, 300);
      throw new UserError('model_invalid', `${o.model} is not an ONNX model that ONNX Runtime can load (${said}); give an .onnx re-identification model`, { model: o.model }, 422);
    }
    try {
      const inShape = (session.inputMetadata[0] as Meta)?.shape ?? [];
      const [c, h, w] = inShape.slice(1).map((d) => (typeof d === 'number' ? d : NaN));
      if (inShape.length !== 4 || c !== 3 || !(h! > 0) || !(w! > 0)) {
        throw new UserError('model_wrong_input', `${o.model} takes input ${JSON.stringify(inShape)}; a re-identification model takes one image [1,3,H,W] (OSNet: [1,3,256,128])`, { model: o.model, input: inShape }, 422);
      }
      const format: TensorFormat = { width: w!, height: h!, order: 'rgb', mean: IMAGENET.mean, std: IMAGENET.std, letterbox: false, pad: 0 };
      const id = `${basename(o.model)}#${createHash('sha256').update(bytes).digest('hex').slice(0, 8)}`;
      const e = new OnnxEmbedder(session, format, id, expected);
      const probe = await e.run({ width: 8, height: 16, data: new Uint8Array(8 * 16 * 3).fill(128) });
      if (probe.length !== expected) {
        throw new UserError('model_wrong_output', `${o.model} outputs ${probe.length} values per image; a re-identification model for SmartView outputs a ${expected}-d embedding (OSNet x0.25: 512). Is this a detection or classification model?`, { model: o.model, outputSize: probe.length, expected }, 422);
      }
      return e;
    } catch (err) {
      await session.release();
      throw err;
    }
  }

  async embed(crop: RgbImage): Promise<Float32Array> {
    return l2normalise(await this.run(crop));
  }

  /** The raw network output (not normalised). */
  async run(crop: RgbImage): Promise<Float32Array> {
    checkImage(crop);
    toTensor(crop, { x: 0, y: 0, w: crop.width, h: crop.height }, this.format, this.input);
    const feeds = { [this.session.inputNames[0]!]: new ort.Tensor('float32', this.input, [1, 3, this.format.height, this.format.width]) };
    const out = await this.session.run(feeds);
    const t = out[this.session.outputNames[0]!]!;
    return new Float32Array(t.data as Float32Array);
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
