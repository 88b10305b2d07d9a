/** The import/export formats as the API routes use them (see `CameraFormats` in src/api/routes/camera.routes.ts). */
import type { Camera } from '../camera.model';
import { parseCameraCsv } from './csv';
import { camerasToCsvChunks, camerasToGeoJsonChunks } from './export';
import { parseCameraGeoJson } from './geojson';
import type { ParseResult } from './types';

export type CameraFormat = 'csv' | 'geojson';

export const cameraFormats = {
  parse(format: CameraFormat, text: string): ParseResult {
    return format === 'csv' ? parseCameraCsv(text) : parseCameraGeoJson(text);
  },
  exportChunks(format: CameraFormat, pages: AsyncIterable<Camera[]>): AsyncIterable<string> {
    return format === 'csv' ? camerasToCsvChunks(pages) : camerasToGeoJsonChunks(pages);
  },
};
