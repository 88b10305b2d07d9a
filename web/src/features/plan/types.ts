/** Shapes of the planner API, from the generated OpenAPI types (never hand-written). */
import type { paths } from '../../api/generated/openapi';

type Post = paths['/api/plan/sites']['post'];
export type PlanRequest = Post['requestBody']['content']['application/json'];
export type PlanResult = Post['responses'][200]['content']['application/json'];
export type PlanSite = PlanResult['sites'][number];
export type PlanMapData = NonNullable<PlanResult['map']>;

/** One demand layer as the page holds it. */
export interface LayerDraft {
  key: number;
  name: string;
  weight: number;
  text: string;
}

export interface PlanForm {
  layers: LayerDraft[];
  candidates: string;
  existing: string;
  obstacles: string;
  useInventory: boolean;
  mode: 'count' | 'budget';
  count: number;
  budget: number;
  radiusM: number;
  fovDeg: number;
  /** Extra weight (0–1) for points covered twice. */
  doubleWeight: number;
  solver: 'greedy' | 'exact';
  timeLimitS: number;
}

export const INITIAL_FORM: PlanForm = {
  layers: [],
  candidates: '',
  existing: '',
  obstacles: '',
  useInventory: false,
  mode: 'count',
  count: 10,
  budget: 20,
  radiusM: 100,
  fovDeg: 360,
  doubleWeight: 0,
  solver: 'greedy',
  timeLimitS: 30,
};

/** The request for a form plus the what-if edits. */
export function toRequest(f: PlanForm, pinned: string[], forbidden: string[]): PlanRequest {
  return {
    demand: f.layers.map((l) => ({ name: l.name, weight: l.weight, text: l.text })),
    candidates: f.candidates,
    existing: f.existing.trim() ? f.existing : undefined,
    obstacles: f.obstacles.trim() ? f.obstacles : undefined,
    useInventory: f.useInventory,
    radiusM: f.radiusM,
    ...(f.mode === 'count' ? { count: f.count } : { budget: f.budget }),
    solver: f.solver,
    timeLimitS: f.solver === 'exact' ? f.timeLimitS : undefined,
    fovDeg: f.fovDeg < 360 ? f.fovDeg : null,
    doubleCoverageWeight: Math.min(1, Math.max(0, f.doubleWeight)),
    pinned,
    forbidden,
    includeMap: true,
  };
}
