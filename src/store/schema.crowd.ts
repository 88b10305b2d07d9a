/** Crowd analytics tables (src/crowd, migration 0009). Part of the store's table types (schema.ts). */
/** Crowd analytics (src/crowd, migration 0009). */
export interface CrowdSettingsTable {
  camera_id: string;
  enabled: number;
  settings: string; // JSON, src/crowd/model.ts crowdSettingsInputSchema
  count_calibration: string | null; // JSON CountCalibration
  updated_at: number;
}

export interface CrowdSampleTable {
  id: string;
  camera_id: string;
  at: number;
  image_path: string;
  raw_count: number;
  points: string; // JSON [[x, y], …]
  heads: string | null; // JSON [[x, y], …]
  created_by: string;
  created_at: number;
}

export interface CrowdSeriesTable {
  camera_id: string;
  at: number;
  samples: number;
  count_max: number;
  count_avg: number;
  corrected_max: number | null;
  density_max: number | null;
  level: string;
  crossed_in: number;
  crossed_out: number;
  zones: string; // JSON { zoneId: { name, countMax, densityMax } }
  job_id: string | null;
}

export interface CrowdEventTable {
  id: string;
  name: string;
  camera_ids: string; // JSON array
  starts_at: number;
  ends_at: number;
  created_by: string;
  created_at: number;
  updated_at: number;
}
