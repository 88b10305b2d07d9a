export { parseCameraCsv } from './csv';
export { parseCameraGeoJson } from './geojson';
export { cameraToInput, camerasToCsv, camerasToCsvChunks, camerasToGeoJson, camerasToGeoJsonChunks } from './export';
export { cameraFormats, type CameraFormat } from './formats';
export { CAMERA_COLUMNS, EXPORT_COLUMNS, REQUIRED_COLUMNS, type CameraColumn, type ParsedRow, type ParseResult } from './types';
