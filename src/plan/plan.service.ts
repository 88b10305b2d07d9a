/**
 * The planner behind the API: reads and validates the layers (here, so every row problem comes
 * back at once), adds the caller's inventory cameras as existing coverage when asked, and runs the
 * plan in a worker thread so a minute of HiGHS never blocks the API's event loop.
 */
import { authorize } from '../auth/guard';
import type { CameraService } from '../cameras/camera.service';
import type { ActionContext } from '../core/context';
import type { Logger } from '../core/logger';
import { assembleInstance, sniffFormat } from './inputs/assemble';
import { resultHtml } from './output';
import { checkOptions, DEFAULT_TIME_LIMIT_S } from './plan';
import type { PlanRequest, PlanResponse } from './plan.model';
import { runPlanInWorker } from './run-worker';
import type { ExistingCamera, PlanOptions } from './types';

export class PlanService {
  constructor(
    private readonly cameras: Pick<CameraService, 'list'>,
    private readonly log: Logger,
  ) {}

  private async inventory(ctx: ActionContext): Promise<ExistingCamera[]> {
    const out: ExistingCamera[] = [];
    let after: string | undefined;
    do {
      const page = await this.cameras.list(ctx, {}, 1000, after);
      for (const c of page.items) out.push({ id: `inventory:${c.id}`, lat: c.location.lat, lon: c.location.lon, bearingDeg: c.bearingDeg, fovDeg: c.fovDeg, rangeM: null });
      after = page.nextCursor ?? undefined;
    } while (after);
    return out;
  }

  async run(ctx: ActionContext, req: PlanRequest): Promise<PlanResponse> {
    authorize(ctx, 'plan.run');
    const inst = assembleInstance({
      demand: req.demand.map((l) => ({ name: l.name, weight: l.weight, format: l.format ?? sniffFormat(l.text), text: l.text })),
      candidates: { format: 'csv', text: req.candidates },
      existing: req.existing ? { format: 'csv', text: req.existing } : null,
      existingCameras: req.useInventory ? await this.inventory(ctx) : [],
      obstacles: req.obstacles ? { text: req.obstacles } : null,
      area: req.area ?? null,
    });
    const options: PlanOptions = {
      radiusM: req.radiusM,
      count: req.count,
      budget: req.budget,
      solver: req.solver,
      timeLimitS: req.timeLimitS,
      fovDeg: req.fovDeg ?? null,
      bearingsDeg: req.bearingsDeg ?? null,
      doubleCoverageWeight: req.doubleCoverageWeight,
      pinned: req.pinned,
      forbidden: req.forbidden,
    };
    checkOptions(inst, options);
    // Coverage and greedy take seconds at most; allow the exact solver its limit and a minute more.
    const r = await runPlanInWorker(inst, options, ((options.timeLimitS ?? DEFAULT_TIME_LIMIT_S) + 60) * 1000);
    this.log.info({ user: ctx.principal?.username, solver: r.solver, status: r.status, demand: r.stats.demand, candidates: r.stats.candidates, sites: r.selected.length, ms: r.stats.elapsedMs }, 'site plan computed');
    return {
      ...r,
      radiusM: req.radiusM,
      fovDeg: req.fovDeg ?? null,
      map: req.includeMap
        ? {
            demand: inst.demand.map((d) => [d.lat, d.lon, d.weight] as [number, number, number]),
            candidates: inst.candidates.map(({ id, lat, lon, cost }) => ({ id, lat, lon, cost })),
            existing: inst.existing,
          }
        : null,
    };
  }

  /** The same plan as a printable HTML report. */
  async report(ctx: ActionContext, req: PlanRequest, now: number): Promise<string> {
    const r = await this.run(ctx, { ...req, includeMap: false });
    return resultHtml(r, { title: 'Camera site plan', radiusM: req.radiusM, generatedAt: new Date(now).toISOString() });
  }
}
