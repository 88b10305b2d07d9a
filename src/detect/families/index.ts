/** The ONNX model families SmartView decodes. */
import type { Family } from './family';
import { fastestdet } from './fastestdet';
import { nanodet } from './nanodet';
import { yolo } from './yolo';
import { yolox } from './yolox';

export const FAMILIES: Readonly<Record<Family['name'], Family>> = { yolox, nanodet, fastestdet, yolo };
export const FAMILY_NAMES = Object.keys(FAMILIES) as Family['name'][];
export type OnnxFamily = Family['name'];
export type { Family } from './family';
