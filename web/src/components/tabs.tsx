/** Tabs as links (`#/view?tab=key`), so each tab can be bookmarked and the back button works. */
import type { ReactNode } from 'react';
import { href, useRoute } from '../router.ts';

/** The open tab from the address, or the first. */
export function useTab<K extends string>(keys: readonly K[]): K {
  const route = useRoute();
  const t = route.query.get('tab');
  return keys.includes(t as K) ? (t as K) : keys[0]!;
}

export function Tabs<K extends string>({
  view,
  tabs,
  current,
}: {
  view: string;
  tabs: readonly { key: K; label: ReactNode }[];
  current: K;
}) {
  return (
    <nav className="tabs no-print">
      {tabs.map((x) => (
        <a
          key={x.key}
          href={`${href(view)}?tab=${x.key}`}
          className={x.key === current ? 'active' : undefined}
          data-tab={x.key}
        >
          {x.label}
        </a>
      ))}
    </nav>
  );
}
