import { useEffect, useState } from 'react';

/** A tiny hash router: '#/cameras', '#/audit'. */
export type Route = 'cameras' | 'audit';

const ROUTES: readonly Route[] = ['cameras', 'audit'];

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

export function hrefFor(route: Route): string {
  return `#/${route}`;
}
