import { readFileSync } from 'node:fs';
import fastifyHelmet from '@fastify/helmet';
import type { FastifyRequest } from 'fastify';
import type { Config } from '../config/schema';
import type { ZApp } from './types';

/** HTTPS options for Fastify when server.tls is configured (files read once at start-up). */
export function httpsOptions(config: Config): { cert: Buffer; key: Buffer } | undefined {
  const tls = config.server.tls;
  return tls ? { cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) } : undefined;
}

/** The session cookie is Secure when configured so, and by default whenever the server itself speaks TLS. */
export function cookieSecure(config: Config): boolean {
  return config.auth.cookieSecure ?? !!config.server.tls;
}

/** The origin of the configured map tiles ({s} subdomains become a wildcard), for img-src. */
export function tileOrigin(tileUrl: string | undefined): string | null {
  const m = tileUrl ? /^(https?:\/\/[^/]+)/i.exec(tileUrl) : null;
  return m ? m[1]!.replace(/\{s\}/g, '*') : null;
}

/**
 * The Content-Security-Policy of the web app: only our own scripts (no inline script, no eval), our
 * own styles, images from us (plus blob:/data: for snapshots and the map tile server when one is
 * configured), media and workers from blob: (MSE live view, hls.js), no plugins, no framing.
 */
export function cspDirectives(config: Config): Record<string, string[]> {
  const tiles = tileOrigin(config.map.tileUrl);
  return {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'style-src': ["'self'"],
    'img-src': ["'self'", 'data:', 'blob:', ...(tiles ? [tiles] : [])],
    'media-src': ["'self'", 'blob:'],
    'worker-src': ["'self'", 'blob:'],
    'connect-src': ["'self'"],
    'font-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
    ...(config.server.tls ? { 'upgrade-insecure-requests': [] } : {}),
  };
}

/**
 * Routes that run a search (plate search, forensic search by description and by example, journey
 * proposals): rate-limited per user. Reading one result or its crop is not a search.
 */
export function isSearchRoute(url: string): boolean {
  return /^\/api\/(plates\/search|search\/tracks|search\/similar|search\/journeys\/proposals)$/.test(url);
}

/**
 * Security headers (helmet: CSP, HSTS under TLS, COOP/CORP, nosniff …) and the per-user rate limit
 * of search routes. Must run before @fastify/rate-limit is registered: its onRoute hook reads the
 * per-route limit this hook sets.
 */
export async function registerSecurity(app: ZApp, config: Config): Promise<void> {
  const tls = config.server.tls;
  await app.register(fastifyHelmet, {
    global: true,
    contentSecurityPolicy: { useDefaults: false, directives: cspDirectives(config) },
    strictTransportSecurity: tls && tls.hstsMaxAgeSeconds > 0 ? { maxAge: tls.hstsMaxAgeSeconds, includeSubDomains: true } : false,
    crossOriginEmbedderPolicy: false,
    crossOriginResourcePolicy: { policy: 'same-origin' },
    referrerPolicy: { policy: 'no-referrer' },
    frameguard: { action: 'deny' },
  });
  const max = config.security.rateLimit.searchPerMinute;
  app.addHook('onRoute', (r) => {
    if (!isSearchRoute(r.url) || r.config?.rateLimit !== undefined) return;
    r.config = {
      ...(r.config ?? {}),
      rateLimit: { max, timeWindow: 60_000, hook: 'preValidation', keyGenerator: (req: FastifyRequest) => (req.principal ? `user:${req.principal.userId}` : `ip:${req.ip}`) },
    };
  });
}
