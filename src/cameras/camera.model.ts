import { z } from 'zod';
import { redactUrl } from '../core/logger';

/**
 * The camera as the API and the import formats see it. Credentials are accepted on input
 * (separately or inside the URL) and never returned: `source.hasCredentials` says they exist.
 */
export const CAMERA_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const TRANSPORTS = ['tcp', 'udp', 'auto'] as const;
const STREAM_PROTOCOLS = ['rtsp:', 'rtsps:', 'http:', 'https:', 'file:'];

export const streamUrl = z.string().trim().min(1, 'required').max(2048).superRefine((v, ctx) => {
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    ctx.addIssue({ code: 'custom', message: `not a valid URL (expected e.g. rtsp://host:554/path): ${redactUrl(v).slice(0, 120)}` });
    return;
  }
  if (!STREAM_PROTOCOLS.includes(u.protocol)) {
    ctx.addIssue({ code: 'custom', message: `unsupported scheme '${u.protocol}' (expected rtsp, rtsps, http, https or file)` });
  } else if (u.protocol !== 'file:' && !u.hostname) {
    ctx.addIssue({ code: 'custom', message: 'the URL has no host' });
  }
});

export const cameraInputSchema = z.strictObject({
  id: z.string().regex(CAMERA_ID, 'letters, digits, dot, dash and underscore, 1–64 characters, starting with a letter or digit'),
  name: z.string().trim().min(1, 'required').max(200),
  location: z.strictObject({
    lat: z.number().min(-90, 'must be between -90 and 90').max(90, 'must be between -90 and 90'),
    lon: z.number().min(-180, 'must be between -180 and 180').max(180, 'must be between -180 and 180'),
    district: z.string().trim().min(1, 'required').max(100),
    address: z.string().trim().max(500).default(''),
  }),
  owner: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'an organisation id (lower-case letters, digits, dash, underscore)'),
  source: z.strictObject({
    url: streamUrl,
    subUrl: streamUrl.nullish(),
    transport: z.enum(TRANSPORTS).default('auto'),
    username: z.string().max(200).optional(),
    password: z.string().max(200).optional(),
  }),
  bearingDeg: z.number().min(0, 'must be between 0 and 360').max(360, 'must be between 0 and 360').nullish(),
  fovDeg: z.number().gt(0, 'must be between 0 (exclusive) and 360').max(360, 'must be between 0 (exclusive) and 360').nullish(),
  tags: z.array(z.string().trim().min(1).max(64)).max(50).default([]),
  sharing: z
    .strictObject({
      liveAllowed: z.boolean().optional(),
      playbackAllowed: z.boolean().optional(),
      retentionDays: z.number().int().positive().nullable().optional(),
    })
    .optional(),
});
export type CameraInput = z.input<typeof cameraInputSchema>;
export type ValidCameraInput = z.output<typeof cameraInputSchema>;

export const cameraPatchSchema = cameraInputSchema.omit({ id: true }).partial().extend({
  location: cameraInputSchema.shape.location.partial().optional(),
  source: cameraInputSchema.shape.source.partial().optional(),
});
export type CameraPatch = z.output<typeof cameraPatchSchema>;

export const CAMERA_STATUSES = ['unknown', 'online', 'offline'] as const;

export const cameraSchema = z.object({
  id: z.string(),
  name: z.string(),
  location: z.object({ lat: z.number(), lon: z.number(), district: z.string(), address: z.string() }),
  owner: z.string(),
  source: z.object({ url: z.string(), subUrl: z.string().nullable(), transport: z.enum(TRANSPORTS), hasCredentials: z.boolean() }),
  bearingDeg: z.number().nullable(),
  fovDeg: z.number().nullable(),
  tags: z.array(z.string()),
  sharing: z.object({ liveAllowed: z.boolean(), playbackAllowed: z.boolean(), retentionDays: z.number().nullable() }),
  status: z.enum(CAMERA_STATUSES),
  statusChangedAt: z.number().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type Camera = z.infer<typeof cameraSchema>;

/** Credentials split out of a stream URL: the URL is stored without them. */
export function splitCredentials(url: string): { url: string; username?: string; password?: string } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { url };
  }
  if (!u.username && !u.password) return { url };
  const username = decodeURIComponent(u.username);
  const password = decodeURIComponent(u.password);
  u.username = '';
  u.password = '';
  return { url: u.toString(), username, password };
}

/** Filters of the camera list; every list is also limited by the caller's scope. */
export interface CameraFilter {
  q?: string;
  owner?: string[];
  district?: string[];
  tag?: string;
  status?: string;
  /** [minLon, minLat, maxLon, maxLat] */
  bbox?: [number, number, number, number];
}
