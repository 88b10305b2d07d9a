import { z } from 'zod';
import { accessSchema } from './access.schema';
import { analyticsSchema } from './analytics.schema';
import { clusterSchema } from './cluster.schema';
import { metadataSchema } from './metadata.schema';
import { crowdSchema } from './crowd.schema';
import { federationSchema } from './federation.schema';
import { privacySchema } from './privacy.schema';
import { securitySchema } from './security.schema';
import { coldStorageIds, tiersSchema } from './tiers.schema';

/**
 * The one configuration schema of SmartView. Strict everywhere: an unknown key is an error.
 * Every field carries a description; `smartview config schema` prints it as JSON Schema.
 */
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const ROLE_NAMES = ['api', 'recorder', 'analytics', 'scheduler'] as const;
export type NodeRole = (typeof ROLE_NAMES)[number];

export const configSchema = z
  .strictObject({
    site: z
      .strictObject({
        id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes, 1–63 characters').default('site-1').describe('Identifier of this SmartView site (used in federation and audit chains)'),
        name: z.string().min(1).default('SmartView').describe('Human name of this site'),
      })
      .prefault({})
      .describe('This site'),
    dataDir: z.string().min(1).default('./data').describe('Directory for the embedded database, keys and (later) recordings'),
    roles: z.array(z.enum(ROLE_NAMES)).min(1).default([...ROLE_NAMES]).describe('Roles this process runs (serve --roles overrides)'),
    server: z
      .strictObject({
        host: z.string().min(1).default('127.0.0.1').describe('Address the HTTP server binds to'),
        port: z.number().int().min(0).max(65535).default(8080).describe('HTTP port (0 = any free port)'),
        bodyLimitBytes: z.number().int().positive().default(1_048_576).describe('Largest accepted JSON body'),
        importLimitBytes: z.number().int().positive().default(64 * 1_048_576).describe('Largest accepted import file (CSV/GeoJSON)'),
        trustProxy: z.boolean().default(false).describe('Trust X-Forwarded-For for client addresses (behind a reverse proxy)'),
        tls: z
          .strictObject({
            certFile: z.string().min(1).describe('PEM certificate chain file'),
            keyFile: z.string().min(1).describe('PEM private key file (mode 0600)'),
            hstsMaxAgeSeconds: z.number().int().min(0).default(31_536_000).describe('Strict-Transport-Security max-age (0 = no HSTS header)'),
          })
          .optional()
          .describe('Serve HTTPS with this certificate (then the session cookie is Secure by default and HSTS is sent)'),
      })
      .prefault({})
      .describe('HTTP API and web app'),
    store: z
      .strictObject({
        engine: z.enum(['sqlite', 'postgres']).default('sqlite').describe('sqlite (embedded default) or postgres (cluster mode)'),
        sqlitePath: z.string().min(1).optional().describe('SQLite database file (default: <dataDir>/smartview.db)'),
        postgresUrl: z.string().url().optional().describe('PostgreSQL connection URL, e.g. postgres://user@127.0.0.1:5432/smartview'),
        poolSize: z.number().int().min(1).max(200).default(10).describe('PostgreSQL connection pool size'),
      })
      .prefault({})
      .superRefine((s, ctx) => {
        if (s.engine === 'postgres' && !s.postgresUrl) {
          ctx.addIssue({ code: 'custom', path: ['postgresUrl'], message: 'required when store.engine is postgres' });
        }
      })
      .describe('Metadata store'),
    bus: z
      .strictObject({
        engine: z.enum(['memory', 'nats']).default('memory').describe('memory (in-process, default) or nats (JetStream, cluster mode)'),
        natsServers: z.array(z.string().min(1)).default(['nats://127.0.0.1:4222']).describe('NATS server URLs'),
        stream: z.string().regex(/^[A-Za-z0-9_-]+$/).default('SMARTVIEW').describe('JetStream stream name'),
        subjectPrefix: z.string().regex(/^[A-Za-z0-9_-]+$/).default('sv').describe('Prefix of every subject'),
        storage: z.enum(['file', 'memory']).default('file').describe('Storage of the JetStream stream SmartView creates: file (survives a NATS restart; default) or memory (faster at 10,000 events/s, but unacknowledged events are lost if the NATS server restarts); see docs/design/bus-latency.md'),
        maxAgeMs: z.number().int().min(60_000, 'bus.maxAgeMs must be at least 60000 (1 minute)').default(7 * 86_400_000)
          .describe('Events older than this are removed from the JetStream stream, acked or not (default 7 days): a durable consumer offline for longer misses them. Without a limit the stream grows until the NATS disk is full'),
        maxBytes: z.number().int().min(-1).refine((v) => v === -1 || v >= 1024 * 1024, 'bus.maxBytes must be -1 (no limit) or at least 1048576 (1 MiB)').default(-1)
          .describe('Byte limit of the JetStream stream (oldest events removed first); -1 = none'),
        batch: z
          .strictObject({
            subjects: z
              .array(z.string().refine((p) => p.split('.').every((t, i, all) => /^[A-Za-z0-9_\-:]+$/.test(t) || t === '*' || (t === '>' && i === all.length - 1)), 'a subject pattern: dot-separated tokens, * for one token, > only at the end'))
              .default(['>'])
              .describe('Subjects (NATS patterns) whose events the nats engine may coalesce into one JetStream message while earlier publishes await their ack; [] = off'),
            lingerMs: z.number().int().min(1).max(1000).default(5).describe('Longest wait of the first event of a batch for more (ms)'),
            maxEvents: z.number().int().min(1).max(100_000).default(500).describe('Events per batch message at most'),
            maxBytes: z.number().int().min(1).max(1024 * 1024).default(256 * 1024).describe('Serialised event data per batch message at most (bytes; below the NATS max_payload)'),
          })
          .prefault({})
          .describe('Producer-side micro-batching of the nats engine (docs/design/bus-latency.md)'),
      })
      .prefault({})
      .describe('Event bus'),
    auth: z
      .strictObject({
        sessionTtlMs: z.number().int().positive().default(12 * HOUR).describe('Web session lifetime'),
        initialPasswordTtlMs: z.number().int().positive().default(DAY).describe('How long the generated first-start admin password works'),
        cookieSecure: z.boolean().optional().describe('Mark the session cookie Secure (default: true when server.tls is set; set true behind an HTTPS proxy)'),
        loginRateLimitPerMinute: z.number().int().positive().default(10).describe('Login attempts per client address and minute'),
      })
      .prefault({})
      .describe('Authentication'),
    audit: z
      .strictObject({
        partition: z.enum(['day', 'month']).default('month').describe('Length of one hash-chain partition'),
        retentionDays: z.number().int().positive().default(7 * 365 + 2).describe('How long audit partitions are kept before they may be archived and dropped (default 7 years)'),
        groupCommitMaxBatch: z.number().int().min(1, 'audit.groupCommitMaxBatch must be at least 1').max(5000, 'audit.groupCommitMaxBatch must be at most 5000').default(256)
          .describe('Standalone audit records (views, searches, reads) appended per group-committed transaction at most'),
        groupCommitLingerMs: z.number().int().min(0, 'audit.groupCommitLingerMs must be ≥ 0').max(50, 'audit.groupCommitLingerMs must be at most 50 ms').default(0)
          .describe('How long an idle audit appender waits for more standalone records before committing, ms (0: the next event-loop turn)'),
      })
      .prefault({})
      .describe('Audit trail'),
    media: z
      .strictObject({
        ffmpegPath: z.string().min(1).default('ffmpeg').describe('ffmpeg executable'),
        ffprobePath: z.string().min(1).default('ffprobe').describe('ffprobe executable'),
      })
      .prefault({})
      .describe('Media tools (only src/media spawns them)'),
    recording: z
      .strictObject({
        storages: z
          .array(
            z.strictObject({
              id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/).describe('Storage id, recorded with every segment'),
              path: z.string().min(1).describe('Directory (relative paths are below dataDir)'),
              quotaBytes: z.number().int().positive().optional().describe('Most bytes of recordings kept here; the oldest unprotected footage goes first'),
            }),
          )
          .min(1)
          .default([{ id: 'local', path: 'recordings' }])
          .describe('Where recordings are written'),
        segmentSeconds: z.number().int().min(2).max(60).default(10).describe('Length of one recorded segment'),
        rtspTransport: z.enum(['tcp', 'udp']).default('tcp').describe('Default RTSP transport when a camera says auto'),
        restartInitialDelayMs: z.number().int().positive().default(1000).describe('First back-off after a recorder process exits'),
        restartMaxDelayMs: z.number().int().positive().default(30_000).describe('Longest back-off between restarts'),
        stallTimeoutMs: z.number().int().positive().default(20_000).describe('A recorder that writes nothing for this long is restarted'),
        maxRestarts: z.number().int().positive().default(20).describe('More restarts than this within restartWindowMs mark the camera failed (it is still retried at the longest back-off)'),
        restartWindowMs: z.number().int().positive().default(10 * 60_000).describe('Window of the restart-rate limit'),
        tiers: tiersSchema,
      })
      .prefault({})
      .superRefine((r, ctx) => {
        const ids = new Set(r.storages.map((s) => s.id));
        r.tiers.rules.forEach((t, i) => {
          for (const k of ['from', 'to'] as const) if (!ids.has(t[k])) ctx.addIssue({ code: 'custom', path: ['tiers', 'rules', i, k], message: `'${t[k]}' is not a storage id of recording.storages` });
          if (t.from === t.to) ctx.addIssue({ code: 'custom', path: ['tiers', 'rules', i, 'to'], message: 'must differ from from' });
        });
        if (r.storages.every((s) => coldStorageIds(r.tiers).has(s.id))) ctx.addIssue({ code: 'custom', path: ['tiers', 'rules'], message: 'at least one storage must stay a recording (hot) storage, i.e. not the target of a tier rule' });
      })
      .describe('Continuous recording'),
    retention: z
      .strictObject({
        defaultDays: z.number().int().positive().default(30).describe('Retention of a camera that sets none (capped by its owner\'s policy)'),
        sweepIntervalMs: z.number().int().positive().default(60_000).describe('How often retention runs'),
        emergencyMinFreeBytes: z.number().int().nonnegative().default(2 * 1024 ** 3).describe('Below this free space on a storage, the emergency sweep deletes the oldest unprotected footage'),
      })
      .prefault({})
      .describe('Retention of recordings'),
    health: z
      .strictObject({
        enabled: z.boolean().default(true).describe('Sample cameras for tamper detection on recorder nodes'),
        sampleIntervalMs: z.number().int().min(1000).max(3_600_000).default(5000).describe('One greyscale frame per camera every this many ms (decoding keyframes only when this is at least the GOP)'),
        frameWidth: z.number().int().min(16).max(320).default(64).describe('Width of the analysed greyscale frame'),
        frameHeight: z.number().int().min(9).max(180).default(36).describe('Height of the analysed greyscale frame'),
        raiseAfter: z.number().int().min(1).max(100).default(3).describe('Consecutive samples that must agree before a tamper flag is raised'),
        clearAfter: z.number().int().min(1).max(100).default(3).describe('Consecutive samples that must agree before a tamper flag clears'),
        thresholds: z
          .strictObject({
            darkMaxBrightness: z.number().min(0).max(255).default(25).describe('dark: mean brightness (0–255) below this raises'),
            darkClearBrightness: z.number().min(0).max(255).default(35).describe('dark: mean brightness above this clears'),
            coveredMaxContrast: z.number().min(0).max(128).default(5).describe('covered: contrast (σ of luma) below this, with almost no edges, raises'),
            coveredClearContrast: z.number().min(0).max(128).default(8).describe('covered: contrast above this clears'),
            coveredMaxEdgeDensity: z.number().min(0).max(1).default(0.01).describe('covered: at most this share of edge pixels'),
            defocusMaxRatio: z.number().min(0).max(1).default(0.45).describe('defocused: detail relative to the reference view below this raises'),
            defocusClearRatio: z.number().min(0).max(1).default(0.6).describe('defocused: relative detail above this clears'),
            movedMaxSimilarity: z.number().min(-1).max(1).default(0.5).describe('moved: similarity with the reference view below this raises'),
            movedClearSimilarity: z.number().min(-1).max(1).default(0.65).describe('moved: similarity above this clears'),
          })
          .prefault({})
          .describe('Tamper thresholds (calibrated on 64×36 frames; see docs/BENCHMARKS.md)'),
        referenceAdaptRate: z.number().min(0).max(0.5).default(0.005).describe('How much of each clean, similar frame is blended into the reference view (follows light through the day; 0 = never)'),
        persistIntervalMs: z.number().int().min(1000).default(60_000).describe('How often a camera\'s latest tamper measurements are written when no flag changes'),
        refreshIntervalMs: z.number().int().min(1000).default(60_000).describe('How often measured fps, bitrate and storage are refreshed from the recorded segments'),
        restartInitialDelayMs: z.number().int().positive().default(2000).describe('First back-off after a sampler process exits'),
        restartMaxDelayMs: z.number().int().positive().default(60_000).describe('Longest back-off between sampler restarts'),
        stallTimeoutMs: z.number().int().positive().optional().describe('A sampler that delivers no frame for this long is restarted (default: 3 intervals, at least 30 s)'),
      })
      .prefault({})
      .describe('Camera health and tamper detection'),
    analytics: analyticsSchema,
    crowd: crowdSchema,
    federation: federationSchema,
    access: accessSchema,
    privacy: privacySchema,
    security: securitySchema,
    cluster: clusterSchema,
    metadata: metadataSchema,
    map: z
      .strictObject({
        center: z.tuple([z.number().min(-90).max(90), z.number().min(-180).max(180)]).default([22.3193, 114.1694]).describe('Initial map centre [lat, lon] (default Hong Kong)'),
        zoom: z.number().int().min(1).max(20).default(11).describe('Initial map zoom'),
        tileUrl: z.string().optional().describe('Optional raster tile URL template, e.g. https://tiles.example/{z}/{x}/{y}.png; without one the map draws cameras on a plain background'),
        attribution: z.string().optional().describe('Attribution shown with the tiles'),
      })
      .prefault({})
      .describe('Map in the web app'),
    log: z
      .strictObject({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('Log level'),
      })
      .prefault({})
      .describe('Logging'),
  })
  .describe('SmartView configuration');

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
