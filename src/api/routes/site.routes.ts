import { z } from 'zod';
import type { Config } from '../../config/schema';
import type { SiteKeyring } from '../../keys/site-keys';
import { authErrors, type ZApp } from '../types';

export const VERSION = '0.1.0';

export function registerSiteRoutes(app: ZApp, deps: { config: Config; keyring: SiteKeyring }): void {
  app.get('/healthz', {
    config: { public: true },
    schema: { hide: true, response: { 200: z.object({ status: z.literal('ok') }) } },
  }, async () => ({ status: 'ok' as const }));

  app.get('/api/site', {
    config: { permission: 'site.read' },
    schema: {
      tags: ['site'],
      summary: 'This site: name, version and map settings',
      response: {
        200: z.object({
          siteId: z.string(),
          siteName: z.string(),
          version: z.string(),
          map: z.object({ center: z.tuple([z.number(), z.number()]), zoom: z.number(), tileUrl: z.string().optional(), attribution: z.string().optional() }),
        }),
        ...authErrors,
      },
    },
  }, async () => ({ siteId: deps.config.site.id, siteName: deps.config.site.name, version: VERSION, map: deps.config.map }));

  app.get('/api/keys', {
    config: { permission: 'site.read' },
    schema: {
      tags: ['site'],
      summary: 'The site\'s public signing keys (current and past), to verify audit checkpoints and evidence',
      response: { 200: z.object({ items: z.array(z.object({ keyId: z.string(), fingerprint: z.string(), publicKeyPem: z.string(), current: z.boolean() })) }), ...authErrors },
    },
  }, async () => ({ items: deps.keyring.publicKeys() }));
}
