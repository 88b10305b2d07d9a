/** Calls of the interception view (through the app's one fetch client). */
import { request } from '../../api/client';
import type { PredictBody, Prediction, Unit } from './types';

export const interceptionApi = {
  /** The plate's current trip as the live model holds it; predictions run inside a case (X-Case-Ref). */
  next: (plate: string, unit: Unit | null, caseRef: string, signal?: AbortSignal) => {
    const body: PredictBody = { plate, top: 5, ...(unit ? { unit: { lat: unit.lat, lon: unit.lon, speedMps: unit.speedKmh / 3.6 } } : {}) };
    return request<Prediction>('/api/predict/next', { method: 'POST', json: body, headers: { 'X-Case-Ref': caseRef.trim() }, signal });
  },
};
