import type { AccessPolicy } from '../../access/policy';
import type { AuditAppender } from '../../core/context';
import type { Logger } from '../../core/logger';
import type { FederationConfig } from '../../config/federation.schema';
import type { SiteKeyring } from '../../keys/site-keys';
import type { LiveService } from '../../live/live.service';
import type { PlaybackService } from '../../playback/playback.service';
import type { PlateSearchService } from '../../plates/search/search.service';
import type { SearchService } from '../../search/search.service';
import type { Store } from '../../store/store';
import { FederationService } from './federation.service';
import { PeerOwnerService } from './owner';

export interface Federation {
  /** This site as the owner: answers signed peer requests under its share policy. */
  owner: PeerOwnerService;
  /** This site as the caller: remote inventory, proxied live, fanned-out search. */
  service: FederationService;
}

export function createFederation(d: { siteId: string; config: FederationConfig; keyring: SiteKeyring; store: Store; audit: AuditAppender; access: AccessPolicy; live: LiveService; playback: PlaybackService; plates: PlateSearchService; search: SearchService; readCrop: (rel: string, id: string) => Promise<Buffer>; log: Logger }): Federation {
  const log = d.log.child({ scope: 'federation' });
  return {
    owner: new PeerOwnerService({ siteId: d.siteId, config: d.config, store: d.store, audit: d.audit, live: d.live, playback: d.playback, log, readCrop: d.readCrop }),
    service: new FederationService({ siteId: d.siteId, config: d.config, keyring: d.keyring, store: d.store, audit: d.audit, access: d.access, plates: d.plates, search: d.search, log }),
  };
}
