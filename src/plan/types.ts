/**
 * The planner's data: demand layers, candidate sites, existing cameras and obstacles, after
 * validation. Coordinates in degrees (WGS 84), distances in metres, bearings in degrees clockwise
 * from north.
 */
export interface DemandPoint {
  id: string;
  lat: number;
  lon: number;
  /** The point's own weight times its layer's planner weight. */
  weight: number;
  layer: string;
  district: string | null;
}

export interface LayerInfo {
  name: string;
  /** The planner's multiplier for this layer. */
  weight: number;
  points: number;
}

export interface Candidate {
  id: string;
  lat: number;
  lon: number;
  cost: number;
  /** Mounting height in metres (sees over obstacles lower than the sight line), when known. */
  height: number | null;
}

export interface ExistingCamera {
  id: string;
  lat: number;
  lon: number;
  bearingDeg: number | null;
  fovDeg: number | null;
  /** Range in metres; null = the plan's radius. */
  rangeM: number | null;
}

export interface Obstacle {
  id: string;
  /** Rings of [lon, lat]: the outer ring, then holes. A MultiPolygon becomes several obstacles. */
  rings: Array<Array<[number, number]>>;
  /** Height in metres; null = blocks every sight line. */
  height: number | null;
}

export interface PlanInstance {
  demand: DemandPoint[];
  layers: LayerInfo[];
  candidates: Candidate[];
  existing: ExistingCamera[];
  obstacles: Obstacle[];
}

export type SolverName = 'greedy' | 'exact';

export interface PlanOptions {
  radiusM: number;
  /** Choose this many sites … */
  count?: number;
  /** … or sites whose costs sum to at most this. */
  budget?: number;
  /** Field of view of the new cameras; null or 360 = all round. */
  fovDeg?: number | null;
  /** Bearings each candidate is evaluated with (one bearing per site is chosen); default evenly spaced by fovDeg. */
  bearingsDeg?: number[] | null;
  /** Extra weight (0…1) for points covered twice; 0 = plain covering. */
  doubleCoverageWeight?: number;
  /** Candidate ids that must be chosen. */
  pinned?: string[];
  /** Candidate ids that must not be chosen. */
  forbidden?: string[];
  solver: SolverName;
  /** Exact solver's time limit in seconds. */
  timeLimitS?: number;
}

export interface SelectedSite {
  id: string;
  lat: number;
  lon: number;
  cost: number;
  bearingDeg: number | null;
  /** Weight this site adds, in the order the sites are listed (each given the ones before it). */
  marginalGain: number;
  pinned: boolean;
}

export interface CoverageRow {
  name: string;
  total: number;
  before: number;
  after: number;
}

export interface PlanResult {
  selected: string[];
  sites: SelectedSite[];
  covered_weight: number;
  total_weight: number;
  /** Weight covered by the existing cameras alone. */
  existing_weight: number;
  /** The objective solved (covered weight plus the double-coverage bonus). */
  objective: number;
  solver: SolverName;
  /** Exact: HiGHS' status; greedy: 'heuristic'. */
  status: string;
  /** Proven upper bound on the objective (exact: MIP dual bound; greedy: submodularity bound). */
  bound: number | null;
  /** (bound − objective) / bound; exact: the MIP gap. */
  gap: number | null;
  /** The greedy objective (the exact solver's warm start), for comparison. */
  greedy_objective: number | null;
  cost_total: number;
  layers: CoverageRow[];
  districts: CoverageRow[];
  stats: { demand: number; candidates: number; options: number; pairs: number; modelColumns: number | null; modelRows: number | null; elapsedMs: number };
}
