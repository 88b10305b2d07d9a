import { descriptorEmbedder } from './descriptor';
import { OnnxEmbedder } from './onnx-embedder';
import type { Embedder } from './types';

export type { Embedder } from './types';
export { DESCRIPTOR_ID, hsvDescriptor } from './descriptor';
export { dot, l2normalise, bytesToVector, vectorToBytes } from './vector';

/** The configured re-identification model, or the model-free descriptor when none is configured. */
export async function loadEmbedder(o: { model?: string | null; threads?: number }): Promise<Embedder> {
  return o.model ? OnnxEmbedder.load({ model: o.model, threads: o.threads }) : descriptorEmbedder;
}
