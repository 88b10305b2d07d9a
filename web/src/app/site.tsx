import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { ApiError, isAbort } from '../api/client';
import { api } from '../api/endpoints';
import type { SiteInfo } from '../api/types';

/** Used until /api/site answers, or if it cannot be read. */
export const DEFAULT_SITE: SiteInfo = {
  siteId: '',
  siteName: 'SmartView',
  version: '',
  map: { center: [22.3193, 114.1694], zoom: 11 },
};

interface SiteValue {
  site: SiteInfo;
  loaded: boolean;
  error: ApiError | null;
}

const SiteContext = createContext<SiteValue>({ site: DEFAULT_SITE, loaded: false, error: null });

export function SiteProvider({ children }: { children: ReactNode }) {
  const [value, setValue] = useState<SiteValue>({ site: DEFAULT_SITE, loaded: false, error: null });
  useEffect(() => {
    const ac = new AbortController();
    api.site(ac.signal).then(
      (site) => setValue({ site, loaded: true, error: null }),
      (err: unknown) => {
        if (isAbort(err)) return;
        const e = err instanceof ApiError ? err : new ApiError(0, 'unexpected', String(err));
        console.error('Could not read /api/site; using the default map view', e);
        setValue({ site: DEFAULT_SITE, loaded: true, error: e });
      },
    );
    return () => ac.abort();
  }, []);
  return <SiteContext.Provider value={value}>{children}</SiteContext.Provider>;
}

export function useSite(): SiteValue {
  return useContext(SiteContext);
}
