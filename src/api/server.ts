import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyHttpOptions } from 'fastify';
import type { Server } from 'node:http';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AnalysisJobService } from '../analytics/jobs.service';
import type { AuthService } from '../auth/auth.service';
import type { SsoService } from '../auth/sso.service';
import type { TotpService } from '../auth/totp.service';
import type { UserService } from '../auth/user.service';
import type { EventBus } from '../bus/bus';
import type { CameraService } from '../cameras/camera.service';
import type { Config } from '../config/schema';
import type { ExportService } from '../evidence/export.service';
import type { HealthService } from '../health/health.service';
import type { HealthMetrics } from '../health/metrics';
import type { Logger } from '../core/logger';
import type { SiteKeyring } from '../keys/site-keys';
import type { LiveService } from '../live/live.service';
import type { PlaybackService } from '../playback/playback.service';
import type { SnapshotService } from '../playback/snapshot.service';
import type { OrganisationService } from '../organisations/organisation.service';
import type { Store } from '../store/store';
import { authHook } from './auth-hook';
import { cookieSecure, httpsOptions, registerSecurity } from './security';
import { registerAccountRoutes } from './routes/account.routes';
import { registerSsoRoutes } from './routes/sso.routes';
import { errorHandler } from './errors';
import { registerAdminRoutes } from './routes/admin.routes';
import { registerAlertRoutes } from './routes/alerts.routes';
import { registerAnalyticsEventRoutes } from './routes/analytics-events.routes';
import type { AlertService } from '../alerts/alerts.service';
import type { AnalyticsEventService } from '../alerts/events.service';
import { registerAnalysisRoutes } from './routes/analysis.routes';
import { registerAuditRoutes, type AuditReader } from './routes/audit.routes';
import { registerPlanRoutes } from './routes/plan.routes';
import { registerPredictRoutes } from './routes/predict.routes';
import { registerRulesRoutes } from './routes/rules.routes';
import { registerCrowdRoutes } from './routes/crowd.routes';
import { registerDeviceRoutes } from './routes/devices.routes';
import type { DevicesService } from '../federation/devices/devices.service';
import type { CrowdRuntime } from '../crowd/wiring';
import { registerPlateRoutes } from './routes/plates.routes';
import { registerHotlistRoutes } from './routes/hotlists.routes';
import { registerCaseRoutes } from './routes/cases.routes';
import { registerAccessRoutes } from './routes/access.routes';
import { registerGovernanceRoutes } from './routes/governance.routes';
import { registerClusterRoutes } from './routes/cluster.routes';
import { registerFederationRoutes } from './routes/federation.routes';
import type { Federation } from '../federation/peers/wiring';
import type { ClusterService } from '../cluster/cluster.service';
import type { Governance } from '../governance/wiring';
import { registerSearchRoutes } from './routes/search.routes';
import type { Forensic } from '../search/index';
import type { PlatesRuntime } from '../plates/sightings/wiring';
import type { RulesService } from '../rules/rules.service';
import type { PlanService } from '../plan/plan.service';
import type { PredictRuntime } from '../predict/wiring';
import type { PrivacyRuntime } from '../privacy/wiring';
import { registerPrivacyRoutes } from './routes/privacy.routes';
import { registerAuthRoutes } from './routes/auth.routes';
import { registerCameraRoutes, type CameraFormats } from './routes/camera.routes';
import { registerEventRoutes } from './routes/events.routes';
import { registerHealthRoutes } from './routes/health.routes';
import { registerLiveRoutes } from './routes/live.routes';
import { registerPlaybackRoutes } from './routes/playback.routes';
import { registerClusterSegmentRoutes } from './routes/cluster-segments.routes';
import type { SegmentPeers } from '../storage-tiers/remote-segments';
import { registerEvidenceRoutes } from './routes/evidence.routes';
import { registerRetentionRoutes } from './routes/retention.routes';
import { registerRecordingRoutes } from './routes/recording.routes';
import type { RecordingService } from '../record/recording.service';
import { registerSiteRoutes, VERSION } from './routes/site.routes';
import type { Retention } from '../retention/wiring';
import type { ZApp } from './types';

/** Every route with its declared permission: the security tests walk this table. */
export interface RouteEntry {
  method: string;
  url: string;
  permission?: string;
  public: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    routeTable: RouteEntry[];
  }
}

export interface ApiDeps {
  config: Config;
  log: Logger;
  store: Store;
  bus: EventBus;
  keyring: SiteKeyring;
  auth: AuthService;
  /** TOTP second factor and single sign-on (src/auth, #12). */
  totp: TotpService;
  sso: SsoService;
  users: UserService;
  orgs: OrganisationService;
  cameras: CameraService;
  cameraFormats: CameraFormats;
  /** Legal holds, deletion certificates, storage state (routes use retention.holds and retention.service). */
  retention: Retention;
  evidence: ExportService;
  audit: AuditReader;
  playback: PlaybackService;
  /** Segments held by other cluster nodes; serves this node's own to signed peers (src/storage-tiers). */
  segmentPeers?: SegmentPeers;
  snapshots: SnapshotService;
  live: LiveService;
  /** Built web app (dist/web); served at / when present. */
  webDir?: string;
  /** Camera health and tamper flags (src/health). */
  health: HealthService;
  /** Prometheus registry (GET /metrics); also times every request. */
  metrics: HealthMetrics;
  /** Probe and proof of recording (src/record). */
  recording: RecordingService;
  /** Camera site planner (src/plan). */
  plan: PlanService;
  /** Alerts: list, acknowledge, notes, close (src/alerts). */
  alerts: AlertService;
  /** Stored analytics events and their snapshots (src/alerts). */
  analyticsEvents: AnalyticsEventService;
  /** Recorded-footage analysis jobs (src/analytics). */
  analysisJobs: AnalysisJobService;
  /** Per-camera analytics settings and rules (src/rules). */
  rules: RulesService;
  /** Plate sightings, search and hotlists (src/plates). */
  plates: Pick<PlatesRuntime, 'sightings' | 'search' | 'hotlists'>;
  /** Cases, forensic search and journeys (src/cases, src/search). */
  forensic: Pick<Forensic, 'cases' | 'search' | 'journeys' | 'coverage'>;
  /** Interception: next-camera prediction (src/predict). */
  predict: Pick<PredictRuntime, 'service'>;
  /** Privacy masks, masked playback segments, masked / redacted copies (src/privacy). */
  privacy: PrivacyRuntime;
  /** Crowd analytics: settings, samples, live state, series, events (src/crowd). */
  crowd: Pick<CrowdRuntime, 'service' | 'events' | 'footage'>;
  /** Access policy, break-glass, audit review, transparency report, camera register (src/access, src/governance). */
  governance: Governance;
  /** The cluster view: nodes and camera leases (src/cluster). */
  cluster?: ClusterService;
  /** Peer sites (src/federation/peers). */
  federation?: Federation;
  /** Third-party devices: ONVIF discovery, probe, onboarding, PTZ (src/federation/devices). */
  devices?: DevicesService;
}

/**
 * The HTTP layer: thin. Each route = authenticate and authorise (authHook, from the route's
 * declared permission) → validate (zod schema) → one service call → present. Errors are mapped
 * in one place (errors.ts). The OpenAPI document is generated from the same schemas.
 */
export async function buildApi(deps: ApiDeps): Promise<ZApp> {
  const https = httpsOptions(deps.config);
  const app = Fastify({
    // HTTPS when server.tls is set (the options type is the HTTP one so ZApp stays one type).
    ...((https ? { https } : {}) as FastifyHttpOptions<Server>),
    loggerInstance: deps.log.child({ scope: 'api' }) as unknown as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: deps.config.server.bodyLimitBytes,
    trustProxy: deps.config.server.trustProxy,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[A-Za-z0-9._-]{8,64}$/.test(given) ? given : randomUUID();
    },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.addHook('onSend', async (req, reply, payload) => {
    void reply.header('x-request-id', String(req.id));
    void reply.header('x-content-type-options', 'nosniff');
    void reply.header('referrer-policy', 'no-referrer');
    void reply.header('x-frame-options', 'DENY');
    return payload;
  });
  app.addHook('onResponse', async (req, reply) => {
    deps.metrics.observeHttp(req.method, req.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    req.log.debug({ method: req.method, url: req.routeOptions.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime), user: req.principal?.username }, 'request');
  });
  for (const type of ['text/csv', 'application/geo+json', 'text/plain', 'application/octet-stream']) {
    app.addContentTypeParser(type, { parseAs: 'string' }, (_req, body, done) => done(null, body));
  }

  await app.register(fastifyCookie);
  await registerSecurity(app, deps.config);
  await app.register(fastifyRateLimit, { global: false });
  await app.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'SmartView API', version: VERSION, description: 'City-scale CCTV platform. Authenticate with the session cookie (POST /api/auth/login) or `Authorization: Bearer svt_…`.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, session: { type: 'apiKey', in: 'cookie', name: 'sv_session' } } },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
  });
  app.addHook('onRequest', authHook(deps.auth));
  const registered: Array<{ method: string | string[]; url: string; config?: { permission?: string; public?: boolean } }> = [];
  app.addHook('onRoute', (r) => void registered.push(r));
  app.decorate('routeTable', {
    getter: () =>
      registered.flatMap((r) => [r.method].flat().filter((m) => m !== 'HEAD').map((method) => ({ method, url: r.url, permission: r.config?.permission, public: r.config?.public === true }))),
  });

  app.get('/api/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());
  registerSiteRoutes(app, { config: deps.config, keyring: deps.keyring });
  registerAuthRoutes(app, { auth: deps.auth, totp: deps.totp, store: deps.store, cookieSecure: cookieSecure(deps.config), loginRateLimitPerMinute: deps.config.auth.loginRateLimitPerMinute });
  registerAccountRoutes(app, { auth: deps.auth, totp: deps.totp });
  registerSsoRoutes(app, { sso: deps.sso, cookieSecure: cookieSecure(deps.config), loginRateLimitPerMinute: deps.config.auth.loginRateLimitPerMinute });
  registerCameraRoutes(app, { cameras: deps.cameras, formats: deps.cameraFormats, importLimitBytes: deps.config.server.importLimitBytes });
  registerAdminRoutes(app, { orgs: deps.orgs, users: deps.users });
  registerAuditRoutes(app, { audit: deps.audit });
  registerEventRoutes(app, { bus: deps.bus, log: deps.log.child({ scope: 'events' }) });
  registerPlaybackRoutes(app, { playback: deps.playback, snapshots: deps.snapshots });
  if (deps.segmentPeers) registerClusterSegmentRoutes(app, { segmentPeers: deps.segmentPeers });
  registerLiveRoutes(app, { live: deps.live, log: deps.log.child({ scope: 'live' }) });
  registerRetentionRoutes(app, { holds: deps.retention.holds, retention: deps.retention.service });
  registerEvidenceRoutes(app, { evidence: deps.evidence });
  registerHealthRoutes(app, { health: deps.health, metrics: deps.metrics });
  registerRecordingRoutes(app, { recording: deps.recording });
  registerPlanRoutes(app, { plan: deps.plan, bodyLimitBytes: deps.config.server.importLimitBytes });
  registerAnalyticsEventRoutes(app, { events: deps.analyticsEvents });
  registerAlertRoutes(app, { alerts: deps.alerts });
  registerAnalysisRoutes(app, { jobs: deps.analysisJobs });
  registerRulesRoutes(app, { rules: deps.rules });
  registerPlateRoutes(app, { sightings: deps.plates.sightings, search: deps.plates.search });
  registerHotlistRoutes(app, { hotlists: deps.plates.hotlists, importLimitBytes: deps.config.server.importLimitBytes });
  registerCaseRoutes(app, { cases: deps.forensic.cases });
  registerSearchRoutes(app, { search: deps.forensic.search, journeys: deps.forensic.journeys, coverage: deps.forensic.coverage });
  registerPredictRoutes(app, { predict: deps.predict.service });
  registerPrivacyRoutes(app, { privacy: deps.privacy });
  registerAccessRoutes(app, { governance: deps.governance });
  registerGovernanceRoutes(app, { governance: deps.governance });
  if (deps.cluster) registerClusterRoutes(app, { cluster: deps.cluster });
  if (deps.federation) registerFederationRoutes(app, { federation: deps.federation, log: deps.log.child({ scope: 'federation' }) });
  registerCrowdRoutes(app, { crowd: deps.crowd.service, events: deps.crowd.events, footage: deps.crowd.footage });
  if (deps.devices) registerDeviceRoutes(app, { devices: deps.devices });

  const webDir = deps.webDir;
  if (webDir && existsSync(path.join(webDir, 'index.html'))) {
    // The web app's files are public (the app itself asks for a login); @fastify/static refuses
    // any path that leaves webDir.
    await app.register(async (web) => {
      web.addHook('onRoute', (r) => {
        r.config = { ...(r.config ?? {}), public: true };
      });
      await web.register(fastifyStatic, { root: webDir, wildcard: false, index: false, decorateReply: true });
      web.get('/', { schema: { hide: true } }, (_req, reply) => reply.sendFile('index.html'));
    });
  }
  app.setNotFoundHandler((req, reply) => {
    if (webDir && req.method === 'GET' && !req.url.startsWith('/api/') && (req.headers.accept ?? '').includes('text/html')) {
      return reply.type('text/html').sendFile('index.html');
    }
    return reply.status(404).send({ error: { code: 'not_found', message: `No route ${req.method} ${req.url.split('?')[0]}`, requestId: String(req.id) } });
  });
  return app;
}
