/**
 * A hash router: `#/customers/C001?tab=timeline` is view `customers`, rest `['C001']`, and
 * the query. Links are plain anchors, so the browser's back button and bookmarks work.
 */
import { useEffect, useState } from 'react';

export interface Route {
  view: string;
  rest: string[];
  query: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#\/?/, '').split('?');
  const [view = '', ...rest] = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { view, rest, query: new URLSearchParams(query) };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseHash(location.hash));
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

export const href = (view: string, ...rest: (string | number)[]) =>
  '#/' + [view, ...rest.map((r) => encodeURIComponent(String(r)))].join('/');

export const go = (view: string, ...rest: (string | number)[]) => {
  location.hash = href(view, ...rest);
};
