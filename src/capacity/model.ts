/**
 * Capacity plan inputs. Every default names where it comes from: a measurement in docs/BENCHMARKS.md
 * (2-core machine, 2026-11-24) or the programme's figures. Rates are per camera unless said otherwise.
 */
export interface Phase {
  label: string;
  cameras: number;
}

export interface NodeSize {
  cores: number;
  /** Usable network bandwidth of the node, Gbit/s. */
  nicGbps: number;
  /** Share of the node's cores, network and disks the plan lets it use (headroom for failover and peaks). */
  utilisation: number;
  /** Sustained sequential write of the node's recording disks, MB/s (recorder nodes). */
  diskWriteMBps?: number;
}

export interface CapacityInputs {
  phases: Phase[];
  /** Main (recorded) stream bitrate, Mbit/s. */
  bitrateMbps: number;
  /** Sub-stream bitrate read by analytics, Mbit/s. */
  subStreamMbps: number;
  retentionDays: number;
  /** Hours of footage kept on the fast tier before segments move to the large tier. */
  fastTierHours: number;
  /** Share of a disk's raw capacity that is usable (filesystem, RAID/erasure overhead, free-space floor). */
  storageEfficiency: number;
  segmentSeconds: number;
  /** Recording CPU per stream, share of one core (stream copy + indexing). */
  recordCoresPerCamera: number;
  /** Share of cameras with live analytics (detection + tracking) switched on. */
  analyticsShare: number;
  /** Cameras one analytics core serves at analyticsFps with motion gating. */
  analyticsCamerasPerCore: number;
  analyticsFps: number;
  /** Share of cameras reading plates (ANPR). */
  anprShare: number;
  /** Plate sightings per ANPR camera per hour (a busy road). */
  sightingsPerAnprCameraHour: number;
  /** Finished tracks (forensic index rows) per analysed camera per hour. */
  tracksPerCameraHour: number;
  /** Analytics events (rule hits, alerts) per analysed camera per hour. */
  eventsPerCameraHour: number;
  /** Audit records per camera per day (views, searches, exports by users). */
  auditPerCameraDay: number;
  /** Bytes per stored row including indexes: [segments, tracks, sightings, events, audit]. */
  rowBytes: { segment: number; track: number; sighting: number; event: number; audit: number };
  /** Sustained rows/s one PostgreSQL primary ingests (measured with batched inserts). */
  dbRowsPerSecondPerPrimary: number;
  /** Cameras one API node serves (live view fan-out aside). */
  camerasPerApiNode: number;
  recorderNode: NodeSize;
  analyticsNode: NodeSize;
}

export const DEFAULT_PHASES: Phase[] = [
  { label: 'end 2025', cameras: 11_000 },
  { label: 'end 2026', cameras: 31_000 },
  { label: 'end 2027', cameras: 51_000 },
  { label: 'end 2028', cameras: 60_000 },
  { label: 'end 2031', cameras: 66_500 },
];

export const DEFAULT_INPUTS: CapacityInputs = {
  phases: DEFAULT_PHASES,
  bitrateMbps: 2, // programme figure: 66,500 × 2 Mbps ≈ 133 Gbps
  subStreamMbps: 0.5, // BENCHMARKS "Camera health": sub-stream ~0.5–1 Mbit/s
  retentionDays: 30,
  fastTierHours: 24,
  storageEfficiency: 0.8,
  segmentSeconds: 10,
  recordCoresPerCamera: 0.0037, // BENCHMARKS "Recorder": 0.37 % of a core per stream (ffmpeg + Node)
  analyticsShare: 0.3,
  analyticsCamerasPerCore: 16, // BENCHMARKS "Cameras per box": 32 cameras at 2 fps on 2 cores, nothing lost
  analyticsFps: 2,
  anprShare: 0.1,
  sightingsPerAnprCameraHour: 600,
  tracksPerCameraHour: 120,
  eventsPerCameraHour: 6,
  auditPerCameraDay: 20,
  rowBytes: { segment: 220, track: 2600, sighting: 260, event: 400, audit: 700 }, // track row carries a 512-d float32 embedding
  dbRowsPerSecondPerPrimary: 20_000, // issue #11 target on 2 cores; re-measure with `smartview simulate`
  camerasPerApiNode: 10_000,
  // A recorder node: 16 cores, 10 GbE; recording is disk- and network-bound long before CPU-bound.
  recorderNode: { cores: 16, nicGbps: 10, utilisation: 0.6, diskWriteMBps: 1200 }, // e.g. 12 HDDs × ~100 MB/s sustained
  // An analytics node: 16 cores (CPU inference; a GPU node would serve far more).
  analyticsNode: { cores: 16, nicGbps: 10, utilisation: 0.7 },
};
