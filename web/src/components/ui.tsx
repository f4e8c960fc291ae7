/** The console's small building blocks: loading and error states, cards, tables, pagers. */
import { Component, useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { ApiError } from '../api.ts';
import { useI18n } from '../i18n/index.tsx';

/** Load data for a view; reload when the dependencies change or on demand. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]) {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({
    loading: true,
  });
  const seq = useRef(0);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const run = useCallback(load, deps);
  const reload = useCallback(() => {
    const mine = ++seq.current;
    setState((s) => ({ ...s, loading: true }));
    run().then(
      (data) => mine === seq.current && setState({ data, loading: false }),
      (error: Error) => mine === seq.current && setState({ error, loading: false }),
    );
  }, [run]);
  useEffect(reload, [reload]);
  return { ...state, reload };
}

export function Loading() {
  const { t } = useI18n();
  return (
    <p className="muted" role="status">
      {t('common.loading')}
    </p>
  );
}

export function ErrorNote({ error }: { error: Error }) {
  const { t } = useI18n();
  const details =
    error instanceof ApiError && Array.isArray(error.details)
      ? (error.details as { at?: string; reason?: string; path?: string; message?: string }[])
      : [];
  return (
    <div className="error" role="alert">
      {t('common.error', { message: error.message })}
      {details.length > 0 && (
        <ul>
          {details.slice(0, 20).map((d, i) => (
            <li key={i}>
              <code>{d.at ?? d.path}</code> {d.reason ?? d.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Data or its loading or error state. */
export function Async<T>({
  state,
  children,
}: {
  state: { data?: T; error?: Error; loading: boolean };
  children: (data: T) => ReactNode;
}) {
  if (state.error) return <ErrorNote error={state.error} />;
  if (state.data === undefined) return <Loading />;
  return <>{children(state.data)}</>;
}

export function Card({
  title,
  children,
  actions,
  className,
}: {
  title?: ReactNode;
  children: ReactNode;
  actions?: ReactNode;
  className?: string;
}) {
  return (
    <section className={'card ' + (className ?? '')}>
      {(title || actions) && (
        <header>
          {title && <h2>{title}</h2>}
          {actions && <div className="card-actions">{actions}</div>}
        </header>
      )}
      {children}
    </section>
  );
}

export function Stat({
  label,
  value,
  sub,
}: {
  label: ReactNode;
  value: ReactNode;
  sub?: ReactNode;
}) {
  return (
    <div className="stat">
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
      {sub && <div className="stat-sub">{sub}</div>}
    </div>
  );
}

export interface Column<R> {
  key: string;
  label: ReactNode;
  render: (r: R) => ReactNode;
  num?: boolean;
}

export function Table<R>({
  rows,
  columns,
  rowKey,
  empty,
  caption,
}: {
  rows: readonly R[];
  columns: Column<R>[];
  rowKey: (r: R, i: number) => string | number;
  empty?: ReactNode;
  caption?: ReactNode;
}) {
  const { t } = useI18n();
  if (rows.length === 0) return <p className="muted">{empty ?? t('common.none')}</p>;
  return (
    <div className="table-wrap">
      <table>
        {caption && <caption>{caption}</caption>}
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key} className={c.num ? 'num' : undefined}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={rowKey(r, i)}>
              {columns.map((c) => (
                <td key={c.key} className={c.num ? 'num' : undefined}>
                  {c.render(r)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * The pages seen so far of a list the server pages by cursor: the cursor of the current page,
 * its number, and moving on (to the `next` the server gave) or back.
 */
export function useCursors<C>() {
  const [cursors, setCursors] = useState<(C | undefined)[]>([undefined]);
  return {
    cursor: cursors[cursors.length - 1],
    page: cursors.length,
    forward: (next: C) => setCursors([...cursors, next]),
    back: () => setCursors(cursors.slice(0, -1)),
    reset: () => setCursors([undefined]),
  };
}

/** Previous / next over a server-side paginated list. */
export function Pager({
  page,
  hasNext,
  onPage,
}: {
  page: number;
  hasNext: boolean;
  onPage: (p: number) => void;
}) {
  const { t } = useI18n();
  return (
    <div className="pager">
      <button disabled={page <= 1} onClick={() => onPage(page - 1)}>
        {t('common.previous')}
      </button>
      <span>{t('common.page', { page })}</span>
      <button disabled={!hasNext} onClick={() => onPage(page + 1)}>
        {t('common.next')}
      </button>
    </div>
  );
}

export function Field({ label, children }: { label: ReactNode; children: ReactNode }) {
  return (
    <label className="field">
      <span>{label}</span>
      {children}
    </label>
  );
}

/** A button that runs an action, shows it is busy, and reports the error in place. */
export function useAction<A extends unknown[]>(f: (...a: A) => Promise<unknown>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const [done, setDone] = useState(false);
  const run = async (...a: A) => {
    setBusy(true);
    setError(null);
    setDone(false);
    try {
      await f(...a);
      setDone(true);
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  return { run, busy, error, done, clear: () => setError(null) };
}

/** A view that fails to draw shows what went wrong instead of a blank page. */
export class ViewBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state = { error: null as Error | null };
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  override render() {
    return this.state.error ? <ErrorNote error={this.state.error} /> : this.props.children;
  }
}
