import { z } from 'zod';
import { coverageQuerySchema, coverageSchema, type CoverageService } from '../../search/coverage.service';
import type { JourneyService } from '../../search/journey.service';
import { indexedTrackSchema, similarResultSchema, similarSchema, trackPageSchema, trackSearchSchema } from '../../search/model';
import type { SearchService } from '../../search/search.service';
import { commonErrors, errorBodySchema, type ZApp } from '../types';

const idParams = z.object({ id: z.string().min(1).max(64) });
const caseNote = ' Runs inside a case: send X-Case-Ref (a case you are authorised for); without one it is refused, and the refusal is audited.';

const proposalSchema = indexedTrackSchema.extend({
  similarity: z.number(),
  plausibility: z.number().describe('0..1 from distance and elapsed time at a plausible walking/driving speed'),
  score: z.number().describe('similarity × plausibility'),
  reachable: z.boolean().describe('false: the target could not have covered the distance in the time (flagged, not hidden)'),
  distanceM: z.number(),
  elapsedMs: z.number(),
  requiredSpeedMs: z.number().nullable(),
});
const stepSchema = z.object({
  id: z.string(), caseRef: z.string(), fromTrackId: z.string(), toTrackId: z.string(), decision: z.enum(['confirmed', 'rejected']),
  similarity: z.number().nullable(), plausibility: z.number().nullable(), reachable: z.boolean(), decidedBy: z.string(), decidedAt: z.number(),
});

/** Forensic search over the track index, find similar, and journey proposals/decisions (all case-bound). */
export function registerSearchRoutes(app: ZApp, deps: { search: SearchService; journeys: JourneyService; coverage: CoverageService }): void {
  app.post('/api/search/tracks', {
    config: { permission: 'search.run' },
    schema: { tags: ['search'], summary: `Search indexed tracks by description: time range, cameras, map area, class, colours, carried items, direction, plate; newest first.${caseNote}`, body: trackSearchSchema, response: { 200: trackPageSchema, ...commonErrors } },
  }, async (req) => deps.search.searchTracks(req.actx, req.body));

  app.get('/api/search/tracks/:id', {
    config: { permission: 'search.run' },
    schema: { tags: ['search'], summary: `One indexed track.${caseNote}`, params: idParams, response: { 200: indexedTrackSchema, ...commonErrors } },
  }, async (req) => deps.search.getTrack(req.actx, req.params.id));

  app.get('/api/search/tracks/:id/crop', {
    config: { permission: 'search.run' },
    schema: {
      tags: ['search'], summary: `The best crop of an indexed track (JPEG). An <img> cannot send headers: the case may come as ?case=.${caseNote}`,
      params: idParams, querystring: z.object({ case: z.string().max(100).optional() }), response: { 200: z.any().describe('image/jpeg'), ...commonErrors },
    },
  }, async (req, reply) => {
    const jpeg = await deps.search.crop({ ...req.actx, caseRef: req.actx.caseRef ?? req.query.case }, req.params.id);
    return reply.header('content-type', 'image/jpeg').header('cache-control', 'private, max-age=3600').send(jpeg);
  });

  app.post('/api/search/similar', {
    config: { permission: 'search.run' },
    schema: { tags: ['search'], summary: `Find tracks that look like an indexed track, a crop, or the person/vehicle in an uploaded picture, ranked by appearance within the filter.${caseNote}`, body: similarSchema, response: { 200: similarResultSchema, 422: errorBodySchema, ...commonErrors } },
  }, async (req) => deps.search.similar(req.actx, req.body));

  app.post('/api/search/journeys/proposals', {
    config: { permission: 'search.run' },
    schema: {
      tags: ['search'], summary: `Where the target of a track plausibly went next: tracks in cameras reachable in the elapsed time, ranked by similarity × plausibility; unreachable ones flagged.${caseNote}`,
      body: z.object({ trackId: z.string().min(1).max(64), horizonMs: z.number().int().min(1000).max(6 * 3_600_000).default(15 * 60_000).describe('How far after the track ended to look'), limit: z.number().int().min(1).max(100).default(20) }),
      response: { 200: z.object({ from: indexedTrackSchema, items: z.array(proposalSchema), candidates: z.number() }), 422: errorBodySchema, ...commonErrors },
    },
  }, async (req) => deps.journeys.propose(req.actx, req.body));

  app.post('/api/search/journeys/steps', {
    config: { permission: 'search.run' },
    schema: {
      tags: ['search'], summary: `Confirm or reject a journey step; stored in the case.${caseNote}`,
      body: z.object({ fromTrackId: z.string().min(1).max(64), toTrackId: z.string().min(1).max(64), decision: z.enum(['confirmed', 'rejected']) }),
      response: { 201: stepSchema, 422: errorBodySchema, ...commonErrors },
    },
  }, async (req, reply) => reply.status(201).send(await deps.journeys.decide(req.actx, req.body)));

  app.post('/api/search/journeys/export', {
    config: { permission: 'search.run' },
    schema: {
      tags: ['search'],
      summary: `Export the confirmed journey from a track as ONE signed evidence bundle: per step the original recording of its camera over the track's time ± padMs (stream copy), the journey listed in the manifest. Needs export.create too; progress and download: GET /api/exports/{exportId} and /download.${caseNote}`,
      body: z.object({
        anchorTrackId: z.string().min(1).max(64).describe('The track the journey starts from; every track reached from it over confirmed steps is a step'),
        padMs: z.number().int().min(0).max(300_000).default(5_000).describe('Footage before and after each track'),
      }),
      response: { 202: z.object({ exportId: z.string(), status: z.string(), steps: z.number().describe('Tracks in the journey'), clips: z.number().describe('Clips in the bundle (overlapping clips of one camera are joined)') }), 422: errorBodySchema, ...commonErrors },
    },
  }, async (req, reply) => reply.status(202).send(await deps.journeys.exportJourney(req.actx, req.body)));

  app.get('/api/search/coverage', {
    config: { permission: 'search.run' },
    schema: {
      tags: ['search'],
      summary: `Per camera, the recorded footage in the period that was never analysed (so not searchable): offer an analysis job (POST /api/analysis/jobs) over it. Analysed = live analytics spans and analysis jobs (done: whole range; others: as far as they got).${caseNote}`,
      querystring: coverageQuerySchema, response: { 200: coverageSchema, ...commonErrors },
    },
  }, async (req) => deps.coverage.coverage(req.actx, req.query));

  app.get('/api/search/journeys/steps', {
    config: { permission: 'search.run' },
    schema: { tags: ['search'], summary: `The journey steps decided in the case, oldest first.${caseNote}`, response: { 200: z.object({ items: z.array(stepSchema) }), ...commonErrors } },
  }, async (req) => ({ items: await deps.journeys.steps(req.actx) }));
}
