/**
 * The daily cycle's progress: the latest day (or a given one), its state, its partitions done of
 * all as a bar, and each partition's range, state, worker, time, attempts and last error. While
 * the day runs it asks again every 2 seconds; once it is done it stops.
 */
import { useEffect } from 'react';
import type { CycleDayStatus } from '../../../src/domain/cycle/status.ts';
import { ApiError, get } from '../api.ts';
import { useI18n } from '../i18n/index.tsx';
import { Async, Card, Stat, Table, useLoad } from './ui.tsx';

/** A day's status as the API gives it (`GET /api/cycles/:date/status`). */
export type CycleStatus = Omit<CycleDayStatus, 'followedAt'>;

/** How often a running day is asked for again. */
export const CYCLE_POLL_MS = 2000;

/** The day's status; null when no cycle was prepared (or not that day). */
const load = (date?: string) =>
  get<CycleStatus>(`/api/cycles/${date ?? 'latest'}/status`).catch((e: unknown) => {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  });

export function CyclePanel({ date }: { date?: string }) {
  const { t, num, date: day, dateTime } = useI18n();
  const state = useLoad(() => load(date), [date]);
  const running = state.data?.state === 'running';
  const { reload } = state;
  useEffect(() => {
    if (!running) return;
    const timer = setTimeout(reload, CYCLE_POLL_MS);
    return () => clearTimeout(timer);
  }, [running, state.data, reload]);
  const seconds = (ms: number | null) => (ms === null ? '' : `${num(ms / 1000, 1)} s`);
  return (
    <Card title={t('cycle.title')} className="cycle-panel">
      <div data-testid="cycle-panel">
        <Async state={state}>
          {(s) =>
            s === null ? (
              <p className="muted">{t('cycle.none')}</p>
            ) : (
              <>
                <div className="stats">
                  <Stat label={t('cycle.day')} value={day(s.asOf)} />
                  <Stat
                    label={t('cycle.state')}
                    value={
                      <span
                        className={s.state === 'done' ? 'tag good' : 'tag warn'}
                        data-testid="cycle-state"
                      >
                        {t(`cycle.state.${s.state}`)}
                      </span>
                    }
                    sub={
                      s.finishedAt
                        ? t('cycle.finishedAt', { at: dateTime(s.finishedAt) })
                        : t('cycle.startedAt', { at: dateTime(s.startedAt) })
                    }
                  />
                  <Stat
                    label={t('cycle.partitions')}
                    value={
                      <span data-testid="cycle-done">
                        {t('cycle.doneOf', { done: num(s.done), all: num(s.partitions) })}
                      </span>
                    }
                    sub={
                      <progress
                        max={s.partitions}
                        value={s.done}
                        aria-label={t('cycle.partitions')}
                      />
                    }
                  />
                </div>
                <Table
                  rows={s.parts}
                  rowKey={(x) => x.part}
                  columns={[
                    { key: 'part', label: '#', render: (x) => x.part, num: true },
                    {
                      key: 'range',
                      label: t('cycle.range'),
                      render: (x) => (
                        <code>
                          ({x.afterId}, {x.upToId ?? '∞'}]
                        </code>
                      ),
                    },
                    {
                      key: 'accounts',
                      label: t('cycle.accounts'),
                      render: (x) => num(x.accounts ?? x.planned),
                      num: true,
                    },
                    {
                      key: 'state',
                      label: t('cycle.state'),
                      render: (x) => t(`cycle.part.${x.state}`),
                    },
                    { key: 'worker', label: t('cycle.worker'), render: (x) => x.worker ?? '–' },
                    {
                      key: 'duration',
                      label: t('cycle.duration'),
                      render: (x) => seconds(x.durationMs),
                      num: true,
                    },
                    {
                      key: 'attempts',
                      label: t('cycle.attempts'),
                      render: (x) => num(x.attempts),
                      num: true,
                    },
                    {
                      key: 'error',
                      label: t('cycle.lastError'),
                      render: (x) =>
                        x.lastError ? <span className="bad">{x.lastError}</span> : '',
                    },
                  ]}
                />
              </>
            )
          }
        </Async>
      </div>
    </Card>
  );
}
