import type { RgbImage } from '../detect/types';

/**
 * An appearance embedder: a crop of one person (or vehicle) → an L2-normalised vector, compared with cosine
 * (= dot product). `modelId` is stored with every vector so vectors of different models are never compared.
 */
export interface Embedder {
  readonly modelId: string;
  readonly dim: number;
  embed(crop: RgbImage): Promise<Float32Array>;
  close(): Promise<void>;
}
