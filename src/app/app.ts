import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApi } from '../api/server';
import type { AuthService } from '../auth/auth.service';
import type { SsoService } from '../auth/sso.service';
import type { TotpService } from '../auth/totp.service';
import { createAuth } from '../auth/wiring';
import { UserService } from '../auth/user.service';
import { createBus } from '../bus/index';
import type { EventBus } from '../bus/bus';
import { CameraService } from '../cameras/camera.service';
import { ExportService } from '../evidence/export.service';
import { HealthService } from '../health/health.service';
import { HealthMetrics } from '../health/metrics';
import { HealthMonitor } from '../health/monitor';
import { VERSION } from '../api/routes/site.routes';
import { cameraFormats } from '../cameras/import/formats';
import { sqlitePath } from '../config/load';
import type { Config } from '../config/schema';
import type { Logger } from '../core/logger';
import { systemClock, type Clock } from '../core/time';
import { OutboxRelay } from '../events/outbox';
import { SecretBox } from '../keys/secret-box';
import { SiteKeyring } from '../keys/site-keys';
import { CameraSources } from '../live/camera-source';
import { LiveHub } from '../live/live-hub';
import { LiveService } from '../live/live.service';
import { PlaybackService } from '../playback/playback.service';
import { storageRoots } from '../playback/segment-file';
import { SnapshotService } from '../playback/snapshot.service';
import { OrganisationService } from '../organisations/organisation.service';
import { Store } from '../store/store';
import { checkSchemaCompatibility } from '../store/compat';
import { MIGRATIONS } from '../store/migrations/index';
import { errorMessage } from '../core/errors';
import { createAuditService, type AuditService } from './audit-service';
import { Scheduler } from './scheduler';
import { createRetention, type Retention } from '../retention/index';
import { RecorderManager } from '../record/recorder-manager';
import { RecordingService } from '../record/recording.service';
import { PlanService } from '../plan/plan.service';
import { createPredict, type PredictRuntime } from '../predict/wiring';
import { createPrivacy, type PrivacyRuntime } from '../privacy/wiring';
import { createFederation, type Federation } from '../federation/peers/wiring';
import { DevicesService } from '../federation/devices/devices.service';
import { createAnalytics, type AnalyticsRuntime } from '../analytics/wiring';
import { createCrowd, type CrowdRuntime } from '../crowd/wiring';
import { createGovernance, type Governance } from '../governance/wiring';
import type { CrowdRole } from '../crowd/live/manager';
import { registerCrowdMetrics } from '../crowd/live/metrics';
import type { AnalyticsManager } from '../analytics/manager';
import { registerAnalyticsMetrics } from '../analytics/metrics';
import { RulesService } from '../rules/rules.service';
import { AlertService } from '../alerts/alerts.service';
import { AlertDelivery } from '../alerts/delivery';
import { EventSink } from '../alerts/event-sink';
import { AnalyticsEventService } from '../alerts/events.service';
import { SnapshotStore } from '../alerts/snapshot-store';
import { createPlates, type PlatesRuntime } from '../plates/sightings/wiring';
import { createForensic, type Forensic } from '../search/index';
import { ClusterService } from '../cluster/cluster.service';
import { advertisedApiUrl } from '../cluster/advertise';
import { NodeSegmentFetcher } from '../cluster/segment-fetch';
import { checkClusterConfig, ClusterNode, clusterNodeId } from '../cluster/runtime';
import { createTierMover, type TierMover } from '../storage-tiers/index';
import { SegmentPeers } from '../storage-tiers/remote-segments';

/** Everything a SmartView process holds, wired by hand: the one composition root. */
export interface SmartView {
  config: Config;
  log: Logger;
  store: Store;
  bus: EventBus;
  keyring: SiteKeyring;
  audit: AuditService;
  auth: AuthService;
  totp: TotpService;
  sso: SsoService;
  users: UserService;
  orgs: OrganisationService;
  cameras: CameraService;
  evidence: ExportService;
  playback: PlaybackService;
  snapshots: SnapshotService;
  live: LiveService;
  /** The live streams (one ffmpeg per watched camera) of this process. */
  liveHub: LiveHub;
  relay: OutboxRelay;
  /** Camera passwords at rest: the recorder decrypts them at spawn time only. */
  secrets: SecretBox;
  /** Probing camera streams and proof of recording (src/record). */
  recording: RecordingService;
  /** Camera site planner (src/plan). */
  plan: PlanService;
  /** Retention sweep, legal holds, and the StorageGate the recorder consults. */
  retention: Retention;
  /** Storage tiers: moves older segments of this node to colder storages (src/storage-tiers); started on recorder nodes. */
  tiers: TierMover;
  /** Segments on other cluster nodes: fetched from their holder, signed with the cluster key (src/storage-tiers). */
  segmentPeers: SegmentPeers;
  /** Camera health views and tamper state (src/health). */
  health: HealthService;
  /** Prometheus metrics of this process (GET /metrics). */
  metrics: HealthMetrics;
  /** Tamper samplers of the cameras the recorder has online; started by `serve` on recorder nodes. */
  healthMonitor: HealthMonitor;
  /** Live analytics (the `analytics` role), recorded-footage jobs and the one detector pool of this process (src/analytics). */
  analytics: AnalyticsRuntime;
  /** Recorded-footage analysis jobs (src/analytics). */
  analysisJobs: AnalyticsRuntime['jobs'];
  /** Per-camera analytics settings and rules (src/rules). */
  rules: RulesService;
  /** Alerts for operators (src/alerts). */
  alerts: AlertService;
  /** Stored analytics events and their snapshots (src/alerts). */
  analyticsEvents: AnalyticsEventService;
  /** Where the analytics pipeline stores track and rule events (src/alerts); pruneSnapshots() for the scheduler. */
  eventSink: EventSink;
  /** Webhooks and MQTT (src/alerts); started by `serve` on api nodes. */
  alertDelivery: AlertDelivery;
  /** ANPR sightings, hotlists and plate search (src/plates). */
  plates: PlatesRuntime;
  /** Cases, the forensic track index, search and journeys (src/cases, src/search). */
  forensic: Forensic;
  /** Interception: the movement model fed by plate.sighted, and predictions (src/predict). */
  predict: PredictRuntime;
  /** Privacy masks (live, playback, snapshots, exports) and masked / redacted copies for release (src/privacy). */
  privacy: PrivacyRuntime;
  /** Crowd analytics: settings, samples, live crowd stage, series, events (src/crowd). */
  crowd: CrowdRuntime;
  /** The purpose-bound access policy, break-glass, audit review, transparency report, camera register (src/access, src/governance). */
  governance: Governance;
  /** The cluster view: nodes and camera leases (src/cluster). */
  cluster: ClusterService;
  /** Peer sites: shared cameras, proxied live, federated search (src/federation/peers). */
  federation: Federation;
  /** Third-party devices: ONVIF discovery, probe, onboarding, PTZ (src/federation/devices). */
  devices: DevicesService;
  close(): Promise<void>;
}

export function keysDir(config: Config): string {
  return path.join(config.dataDir, 'keys');
}

/** Opens the store (and migrates it), the bus and the keys, and builds the services. */
export async function openSmartView(config: Config, log: Logger, opts: { clock?: Clock; busOverride?: EventBus } = {}): Promise<SmartView> {
  const clock = opts.clock ?? systemClock;
  const store = await Store.open({ engine: config.store.engine, sqlitePath: sqlitePath(config), postgresUrl: config.store.postgresUrl, poolSize: config.store.poolSize });
  const applied = await store.migrate();
  if (applied.length) log.info({ applied }, 'database migrated');
  // Rolling upgrades: a newer node may have migrated already; refused only past a contract step (src/store/compat.ts).
  const compat = await checkSchemaCompatibility(store.db, MIGRATIONS.map((m) => m.name));
  if (compat.newer.length) log.warn({ newer: compat.newer }, 'the database has migrations this node does not know (a newer node ran them); running compatibly until this node is upgraded');
  const bus = opts.busOverride ?? (await createBus(config.bus, log.child({ scope: 'bus' })));
  const keyring = new SiteKeyring(keysDir(config));
  keyring.current();
  const secrets = SecretBox.fromKeyFile(keysDir(config));
  const audit = createAuditService({ store, keyring, node: config.site.id, partition: config.audit.partition, clock, groupCommit: { maxBatch: config.audit.groupCommitMaxBatch, lingerMs: config.audit.groupCommitLingerMs }, logger: log.child({ scope: 'audit' }) });
  // The one access policy table every footage or search path follows (src/access/policy.ts).
  const governance = createGovernance({ store, audit, clock, log, config: config.access, siteName: config.site.name, verify: () => audit.verifyAll() });
  const relay = new OutboxRelay(store, bus, log.child({ scope: 'outbox' }));
  const kick = () => relay.kick();
  const tools = { ffmpegPath: config.media.ffmpegPath, ffprobePath: config.media.ffprobePath };
  const liveHub = new LiveHub({ tools, log: log.child({ scope: 'live' }) });
  const sources = new CameraSources(store, secrets, { defaultTransport: config.recording.rtspTransport });
  const playback = new PlaybackService(store, audit, storageRoots(config), clock, log.child({ scope: 'playback' }), governance.policy);
  // node = segments.node of the footage this process's storages hold (the recorder writes the same id)
  // In cluster mode each node records under its own node id (segments.node), src/cluster.
  const retention = createRetention({ config, store, audit, log, clock, node: config.cluster.enabled ? clusterNodeId(config) : config.site.id, afterCommit: kick });
  const health = new HealthService(store, audit, clock, log.child({ scope: 'health' }), kick);
  const metrics = new HealthMetrics(store, log.child({ scope: 'metrics' }));
  const healthMonitor = new HealthMonitor({ store, health, sources, bus, tools, config: config.health, log: log.child({ scope: 'health' }), metrics });
  const delivery = config.analytics.delivery;
  const eventSnapshots = new SnapshotStore(path.join(config.dataDir, 'snapshots'), log.child({ scope: 'alerts' }));
  const eventSink = new EventSink({ store, clock, log: log.child({ scope: 'alerts' }), tools, snapshots: eventSnapshots, afterCommit: kick }, { retentionDays: delivery.snapshotRetentionDays });
  const rules = new RulesService(store, audit, clock, kick);
  const plates = createPlates({ dataDir: config.dataDir, store, bus, audit, clock, log, eventSink, afterCommit: kick, access: governance.policy });
  const analytics = createAnalytics({ config, store, bus, audit, clock, log, tools, sources, eventSink, rules, sightings: plates.sightings, trackIndexer: () => forensic.indexer, afterCommit: kick });
  // Uploaded pictures for "find similar" go through the one detector pool of the process.
  const forensic = createForensic({ config, store, audit, clock, log, tools, detect: async (image) => (await analytics.pool()).detect('search-upload', image), exports: () => sv.evidence, access: governance.policy });
  const predict = createPredict({ store, bus, audit, cases: forensic.cases, clock, log, access: governance.policy });
  const privacy = createPrivacy({ config, store, audit, clock, log, tools, signer: keyring, playback, exports: () => sv.evidence });
  playback.usePrivacy(privacy.masks);
  // This node's id as segments.node records it; other nodes' segments are proxied (cluster.key signs the request).
  const segmentPeers = new SegmentPeers({ store, nodeId: config.cluster.enabled ? clusterNodeId(config) : config.site.id, key: config.cluster.key, roots: storageRoots(config), log: log.child({ scope: 'segment-peers' }), staleAfterMs: config.cluster.leaseTtlMs });
  playback.usePeers(segmentPeers);
  // Exports and snapshots of footage on another recorder node fetch it over the same path, verified (src/cluster/segment-fetch.ts).
  const nodeSegments = new NodeSegmentFetcher({ peers: segmentPeers, store, key: config.cluster.key, staleAfterMs: config.cluster.leaseTtlMs, log: log.child({ scope: 'segment-peers' }) });
  // Crowd counting runs on the same detector pool; samples are grabbed through the (audited) snapshot service.
  const crowd = createCrowd({ config, store, bus, audit, clock, log, tools, sources, eventSink, pool: () => analytics.pool(), snapshot: (ctx, id, at) => sv.snapshots.snapshot(ctx, id, at), afterCommit: kick });
  const sv: SmartView = {
    config,
    log,
    store,
    bus,
    keyring,
    audit,
    ...createAuth({ config, store, audit, clock, secrets, log }),
    users: new UserService(store, audit, clock),
    orgs: new OrganisationService(store, audit, clock),
    cameras: new CameraService(store, audit, secrets, clock, kick),
    evidence: new ExportService({
      store, audit, signer: keyring, clock, log: log.child({ scope: 'evidence' }), site: config.site, dataDir: config.dataDir,
      storages: config.recording.storages, tools, softwareVersion: VERSION, access: governance.policy, remoteSegments: nodeSegments,
    }),
    playback,
    snapshots: new SnapshotService(store, audit, playback, liveHub, sources, tools, log.child({ scope: 'snapshot' })).useNodeSegments(nodeSegments),
    live: new LiveService(store, audit, sources, liveHub, undefined, governance.policy),
    liveHub,
    relay,
    secrets,
    recording: new RecordingService(store, audit, secrets, clock, { tools, defaultTransport: config.recording.rtspTransport }),
    // The planner reads the caller's inventory (existing coverage) through the camera service.
    plan: new PlanService({ list: (ctx, filter, limit, after) => sv.cameras.list(ctx, filter, limit, after) }, log.child({ scope: 'plan' })),
    retention,
    segmentPeers,
    tiers: createTierMover({ config, store, audit, log, clock, node: config.cluster.enabled ? clusterNodeId(config) : config.site.id }),
    health,
    metrics,
    healthMonitor,
    alerts: new AlertService(store, audit, clock, kick),
    analyticsEvents: new AnalyticsEventService(store, eventSnapshots),
    eventSink,
    analytics,
    analysisJobs: analytics.jobs,
    rules,
    alertDelivery: new AlertDelivery({ bus, config: delivery, log: log.child({ scope: 'delivery' }) }),
    plates,
    forensic,
    predict,
    crowd,
    governance,
    privacy,
    cluster: new ClusterService(store, config.cluster),
    federation: undefined as unknown as Federation, // set below (needs sv.live)
    devices: undefined as unknown as DevicesService, // set below (needs sv.cameras)
    async close() {
      sv.federation.service.stop();
      await predict.stop();
      await crowd.close();
      await analytics.close();
      await forensic.close();
      await plates.stop();
      await sv.alertDelivery.stop();
      await healthMonitor.stop();
      liveHub.close();
      await retention.sweeper.stop();
      await sv.tiers.stop();
      await privacy.close();
      await sv.evidence.idle();
      await audit.flush();
      await relay.stop();
      if (!opts.busOverride) await bus.close();
      await store.close();
    },
  };
  sv.live.usePrivacy(privacy.masks);
  sv.devices = new DevicesService({ store, audit, cameras: sv.cameras, sources, access: governance.policy, log: log.child({ scope: 'devices' }) });
  sv.federation = createFederation({ siteId: config.site.id, config: config.federation, keyring, store, audit, access: governance.policy, live: sv.live, playback, plates: plates.search, search: forensic.search, readCrop: (rel, id) => forensic.indexer.readCrop(rel, id), log });
  sv.snapshots.usePrivacy(privacy.masks);
  sv.evidence.useDownloadGate((ctx, id, cameraIds) => privacy.releases.checkOriginalDownload(ctx, id, cameraIds));
  return sv;
}

export interface Running {
  sv: SmartView;
  api?: FastifyInstance;
  url?: string;
  initialAdmin: { username: string; password: string; expiresAt: number } | null;
  /** The recorder role's cameras (when this process runs it). */
  recorders?: RecorderManager;
  /** The analytics role's live pipelines (when this process runs it). */
  analytics?: AnalyticsManager;
  /** The live crowd stage (analytics role, src/crowd). */
  crowd?: CrowdRole;
  /** Cluster mode: this node's registration and camera leases (src/cluster). */
  cluster?: ClusterNode;
  stop(): Promise<void>;
}

/** `smartview serve`: first-start setup, the roles asked for, and a clean stop. */
export async function serve(config: Config, log: Logger, opts: { webDir?: string; initialAdminPassword?: string } = {}): Promise<Running> {
  checkClusterConfig(config, log);
  const sv = await openSmartView(config, log);
  await sv.orgs.ensureDefault();
  const interruptedJobs = await sv.analysisJobs.recoverInterrupted();
  if (interruptedJobs) log.warn({ interrupted: interruptedJobs }, 'analysis jobs interrupted by the last stop were marked failed');
  const interrupted = await sv.evidence.recoverInterrupted();
  if (interrupted) log.warn({ interrupted }, 'evidence exports interrupted by the last stop were marked failed');
  const interruptedCopies = await sv.privacy.releases.recoverInterrupted();
  if (interruptedCopies) log.warn({ interrupted: interruptedCopies }, 'masked / redacted copies interrupted by the last stop were marked failed');
  // Cluster mode: only api nodes create the first administrator (recorder/analytics nodes starting together on a
  // fresh database would race for the same user row; the password is for logging in to an api node anyway).
  const initialAdmin = !config.cluster.enabled || config.roles.includes('api') ? await sv.users.ensureInitialAdmin(config.auth.initialPasswordTtlMs, opts.initialAdminPassword) : null;
  sv.relay.start();
  await sv.plates.start();
  const scheduler = config.roles.includes('scheduler') ? new Scheduler(sv) : undefined;
  scheduler?.start();
  await sv.metrics.init();
  // Cluster mode (src/cluster): join (refused with another key), then the roles take only the cameras they hold a lease for.
  let apiUrl: string | null = null;
  const cluster = config.cluster.enabled
    ? new ClusterNode({ config, store: sv.store, log, version: VERSION, roles: config.roles, apiUrl: () => apiUrl, metricsRegistry: sv.metrics.registry, recorderCandidates: () => sv.cluster.cameraIds(), analyticsCandidates: () => sv.rules.enabledCameras() })
    : undefined;
  await cluster?.join().catch(async (err: unknown) => {
    scheduler?.stop();
    await sv.close();
    throw err;
  });
  // The recorder role: one supervised ffmpeg per camera of the inventory (src/record).
  const recorders = config.roles.includes('recorder')
    ? new RecorderManager({
        store: sv.store, bus: sv.bus, secrets: sv.secrets, config, log, tools: { ffmpegPath: config.media.ffmpegPath, ffprobePath: config.media.ffprobePath }, afterCommit: () => sv.relay.kick(), gate: sv.retention.gate,
        ...(cluster ? { node: cluster.nodeId, assignment: cluster.assignment('recorder') } : {}),
      })
    : undefined;
  await recorders?.start();
  if (recorders) cluster?.assignment('recorder')?.attach(recorders);
  // Retention deletes this node's own files, so it runs where the recorder runs: every
  // retention.sweepIntervalMs, and again at once while a backlog remains.
  if (config.roles.includes('recorder')) sv.retention.sweeper.start(config.retention.sweepIntervalMs);
  // Storage tiers move this node's older segments to colder storages, beside retention (src/storage-tiers).
  if (config.roles.includes('recorder')) sv.tiers.start();
  if (config.roles.includes('recorder') && config.health.enabled) await sv.healthMonitor.start();
  // Probe a camera's stream when it is added or its source changes (codec, size, fps, GOP), so the
  // health page and API show what the camera sends; a failure is logged and shown, never fatal.
  const probes = config.roles.includes('recorder')
    ? await sv.bus.subscribe<{ cameraId: string; fields?: string[] }>('camera.*', async (msg) => {
        if (msg.subject !== 'camera.created' && !(msg.subject === 'camera.updated' && msg.data.fields?.includes('source'))) return;
        await sv.recording.probe({ principal: null, ip: null, systemActor: 'system:probe' }, msg.data.cameraId).catch((err: unknown) =>
          log.warn({ cameraId: msg.data.cameraId, err: errorMessage(err) }, 'probing the new camera stream failed; see its health page'),
        );
      })
    : undefined;
  let api: FastifyInstance | undefined;
  let url: string | undefined;
  let advertised: string | undefined;
  if (config.roles.includes('api')) {
    const app = await buildApi({
      config,
      log,
      store: sv.store,
      bus: sv.bus,
      keyring: sv.keyring,
      auth: sv.auth,
      totp: sv.totp,
      sso: sv.sso,
      users: sv.users,
      orgs: sv.orgs,
      cameras: sv.cameras,
      evidence: sv.evidence,
      cameraFormats,
      retention: sv.retention,
      audit: sv.audit,
      playback: sv.playback,
      segmentPeers: sv.segmentPeers,
      snapshots: sv.snapshots,
      live: sv.live,
      health: sv.health,
      metrics: sv.metrics,
      recording: sv.recording,
      plan: sv.plan,
      alerts: sv.alerts,
      analyticsEvents: sv.analyticsEvents,
      analysisJobs: sv.analysisJobs,
      rules: sv.rules,
      plates: sv.plates,
      forensic: sv.forensic,
      predict: sv.predict,
      crowd: sv.crowd,
      governance: sv.governance,
      privacy: sv.privacy,
      cluster: sv.cluster,
      federation: sv.federation,
      devices: sv.devices,
      webDir: opts.webDir,
    });
    await app.listen({ host: config.server.host, port: config.server.port });
    // The movement model learns from every live plate read on this api node (src/predict).
    await sv.predict.start();
    // Peer sites' inventories, refreshed with back-off (src/federation/peers).
    sv.federation.service.start();
    // Webhooks and MQTT run on api nodes; durable bus consumers make one node deliver each message.
    await sv.alertDelivery.start();
    const addr = app.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : config.server.port;
    url = `${config.server.tls ? 'https' : 'http'}://${config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host}:${port}`;
    api = app as unknown as FastifyInstance;
    // What the other nodes connect to (cluster.advertisedUrl, never a wildcard address; src/cluster/advertise.ts).
    advertised = advertisedApiUrl(config, port, log);
  }
  // The analytics role: one live pipeline per camera with analytics switched on, one detector pool (src/analytics).
  const analyticsRole = config.roles.includes('analytics') && config.analytics.enabled ? await sv.analytics.startRole({ assignment: cluster?.assignment('analytics') }) : undefined;
  if (analyticsRole) registerAnalyticsMetrics(sv.metrics.registry, analyticsRole);
  if (analyticsRole) cluster?.assignment('analytics')?.attach(analyticsRole);
  apiUrl = advertised ?? null;
  cluster?.startLeases();
  // The live crowd stage runs beside it (cameras whose crowd analytics are on; src/crowd).
  const crowdRole: CrowdRole | undefined = config.roles.includes('analytics') && config.crowd.enabled ? await sv.crowd.startRole() : undefined;
  if (crowdRole) registerCrowdMetrics(sv.metrics.registry, crowdRole);
  return {
    sv,
    api,
    url,
    initialAdmin,
    recorders,
    analytics: analyticsRole,
    crowd: crowdRole,
    cluster,
    async stop() {
      scheduler?.stop();
      // Cameras stopped and leases released first, so the other nodes take them at once (a handover).
      await cluster?.stop();
      await probes?.unsubscribe();
      await recorders?.stop();
      await sv.retention.sweeper.stop();
      await api?.close();
      await sv.close();
    },
  };
}
