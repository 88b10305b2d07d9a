/** Shapes of the cases, forensic search and journey API, from the generated OpenAPI types (never hand-written). */
import type { paths } from '../../api/generated/openapi';

type Json<P extends keyof paths, M extends 'get' | 'post', S extends 200 | 201 | 202> = paths[P][M] extends { responses: { [K in S]: { content: { 'application/json': infer T } } } } ? T : never;
type Body<P extends keyof paths, M extends 'post'> = paths[P][M] extends { requestBody?: { content: { 'application/json': infer T } } } ? T : never;

export type Case = Json<'/api/cases/{ref}', 'get', 200>;
export type CaseCreate = Body<'/api/cases', 'post'>;
export type TrackSearch = Body<'/api/search/tracks', 'post'>;
export type TrackFilter = TrackSearch['filter'];
export type TrackPage = Json<'/api/search/tracks', 'post', 200>;
export type Track = TrackPage['items'][number];
export type SimilarQuery = Body<'/api/search/similar', 'post'>;
export type SimilarResult = Json<'/api/search/similar', 'post', 200>;
export type SimilarTrack = SimilarResult['items'][number];
export type Proposals = Json<'/api/search/journeys/proposals', 'post', 200>;
export type Proposal = Proposals['items'][number];
export type JourneyStep = Json<'/api/search/journeys/steps', 'post', 201>;
export type Coverage = Json<'/api/search/coverage', 'get', 200>;
export type CoverageCamera = Coverage['cameras'][number];
export type JourneyExportStarted = Json<'/api/search/journeys/export', 'post', 202>;

/** A result in the grid: a track, with its similarity when it came from "find similar". */
export type ResultTrack = Track & { similarity?: number };

export const COLOURS = ['black', 'white', 'grey', 'red', 'orange', 'yellow', 'green', 'blue', 'purple', 'pink', 'brown'] as const;
export const CARRIED = ['backpack', 'handbag', 'umbrella', 'suitcase'] as const;
export const DIRECTIONS = ['left', 'right', 'towards', 'away', 'stationary'] as const;
export const CLASS_GROUPS = { person: ['person'], vehicle: ['car', 'bus', 'truck', 'motorcycle', 'bicycle'] } as const;
export type ClassGroup = keyof typeof CLASS_GROUPS;
