/** Shapes of the predict API, from the generated OpenAPI types (never hand-written). */
import type { paths } from '../../api/generated/openapi';

type Op = paths['/api/predict/next']['post'];
export type PredictBody = Op extends { requestBody: { content: { 'application/json': infer T } } } ? T : never;
export type Prediction = Op extends { responses: { 200: { content: { 'application/json': infer T } } } } ? T : never;
export type TimedCamera = Prediction['next'][number];
export type Place = NonNullable<Prediction['reachable']>[number];

/** A response unit as the operator enters it (speed in km/h; the API takes m/s). */
export interface Unit {
  lat: number;
  lon: number;
  speedKmh: number;
}
