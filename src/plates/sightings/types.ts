import type { EpochMs } from '../../core/time';

/** One stored plate read: one vehicle track on one camera (the voted read), or one read of a file job. */
export interface Sighting {
  id: string;
  plate: string;
  plateKey: string;
  grammar: string;
  cameraId: string;
  owner: string;
  district: string;
  lat: number;
  lon: number;
  seenAt: EpochMs;
  confidence: number;
  vehicleClass: string | null;
  vehicleColour: string | null;
  direction: string | null;
  hasPlateCrop: boolean;
  hasVehicleCrop: boolean;
  trackId: number | null;
  jobId: string | null;
}

/** What the live stage (or a job) hands to SightingService.record. */
export interface SightingInput {
  cameraId: string;
  /** The read text; normalised again here (upper case, no separators). */
  plate: string;
  grammar: string;
  seenAt: EpochMs;
  confidence: number;
  vehicleClass?: string | null;
  vehicleColour?: string | null;
  direction?: string | null;
  /** JPEG bytes; written under <dataDir>/plates before the row. */
  plateCropJpeg?: Buffer | null;
  vehicleCropJpeg?: Buffer | null;
  trackId?: number | null;
  /** Recorded-footage job: stored, but neither published nor matched against hotlists. */
  jobId?: string | null;
}

export interface SightingFilter {
  cameraIds?: string[];
  fromMs?: EpochMs;
  toMs?: EpochMs;
  /** Minimum confidence. */
  minConfidence?: number;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
