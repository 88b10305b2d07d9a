import type { ValidCameraInput } from '../camera.model';

/** The columns of the CSV format (and the property names of the GeoJSON format), in file order. */
export const CAMERA_COLUMNS = [
  'id', 'name', 'lat', 'lon', 'district', 'address', 'owner', 'rtsp_url', 'sub_url', 'username', 'password',
  'bearing', 'fov', 'tags', 'live', 'playback', 'retention_days', 'transport',
] as const;
export type CameraColumn = (typeof CAMERA_COLUMNS)[number];

export const REQUIRED_COLUMNS: readonly CameraColumn[] = ['id', 'name', 'lat', 'lon', 'district', 'owner', 'rtsp_url'];

/** Columns written by the exporters: never any credential. */
export const EXPORT_COLUMNS: readonly CameraColumn[] = CAMERA_COLUMNS.filter((c) => c !== 'username' && c !== 'password');

/** One data row (CSV) or feature (GeoJSON): `input` when valid, otherwise a non-empty `errors`. */
export interface ParsedRow {
  /** CSV: the spreadsheet row number (header = 1). GeoJSON: the 1-based feature index. */
  row: number;
  /** The id as given (trimmed), even when the row is invalid; null when absent. */
  id: string | null;
  input?: ValidCameraInput;
  /** `column: message`, never containing a password. Empty when `input` is set. */
  errors: string[];
}

export interface ParseResult {
  rows: ParsedRow[];
  /** Problems with the file as a whole (syntax, header, structure); when set, `rows` is empty. */
  fileErrors: string[];
}

/** Raw values of one row keyed by column: strings from CSV, any JSON value from GeoJSON. */
export type RawRow = Partial<Record<CameraColumn, unknown>>;
