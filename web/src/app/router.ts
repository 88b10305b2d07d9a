import { useEffect, useState } from 'react';

/** A tiny hash router: '#/cameras', '#/audit', '#/live?cams=a,b&layout=4', '#/playback?cams=a&from=…&to=…'. */
export type Route = 'cameras' | 'audit' | 'live' | 'playback' | 'health' | 'plan' | 'alerts' | 'analytics' | 'plates' | 'interception' | 'search' | 'crowd' | 'governance' | 'cluster' | 'federation' | 'devices' | 'account';

const ROUTES: readonly Route[] = ['cameras', 'audit', 'live', 'playback', 'health', 'plan', 'alerts', 'analytics', 'plates', 'interception', 'search', 'crowd', 'governance', 'cluster', 'federation', 'devices', 'account'];

function parse(hash: string): Route {
  const name = hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? '';
  return (ROUTES as readonly string[]).includes(name) ? (name as Route) : 'cameras';
}

export function useRoute(): Route {
  const [route, setRoute] = useState<Route>(() => parse(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parse(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

export function hrefFor(route: Route, params?: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params ?? {})) if (v !== undefined && v !== '') q.set(k, String(v));
  const qs = q.toString();
  return qs ? `#/${route}?${qs}` : `#/${route}`;
}

/** The parameters after '?' in the hash (read when a page opens; pages keep them in sync with replaceHash). */
export function routeParams(hash: string = window.location.hash): URLSearchParams {
  const i = hash.indexOf('?');
  return new URLSearchParams(i >= 0 ? hash.slice(i + 1) : '');
}

/** Updates the address without a history entry or a hashchange (a page's own state changed). */
export function replaceHash(route: Route, params: Record<string, string | number | undefined>): void {
  window.history.replaceState(window.history.state, '', hrefFor(route, params));
}

/** routeParams, re-read when the hash changes (a link to the page it is on with other parameters). */
export function useRouteParams(): URLSearchParams {
  const [params, setParams] = useState(() => routeParams());
  useEffect(() => {
    const onChange = () => setParams(routeParams());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return params;
}
