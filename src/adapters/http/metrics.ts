/**
 * Prometheus metrics at GET /metrics, in the text exposition format. A scraper signs in with an
 * API key of an administrator or an analyst (`Authorization: Bearer rk_…`; `recoup key create
 * prometheus --role analyst`); nothing is public.
 *
 * Each server has a registry of its own (tests build many servers in one process); the process
 * metrics (CPU, memory, event loop, GC) are one registry per process, merged in at each scrape.
 * The HTTP histogram is observed as requests finish; the rest is counted at scrape time, each
 * gauge family by one set-based query (see storage/operations-store.ts).
 */
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { SqlOperationsStore } from '../storage/operations-store.ts';
import type { Platform } from '../platform.ts';
import { ADMIN } from './guard.ts';

/** Who may scrape: administrators and the read-only analyst (a key made for the scraper). */
export const METRICS_READERS = [...ADMIN, 'analyst'] as const;

let processRegistry: Registry | null = null;

/** CPU, memory, handles, event-loop lag and GC of this process (collected once per process). */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

export function installMetrics(app: FastifyInstance, p: Platform): void {
  const registry = new Registry();
  const store = new SqlOperationsStore(p.db);
  const http = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP requests by method, route (the pattern, not the path) and status code',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const gauge = (name: string, help: string, labelNames: string[] = []) =>
    new Gauge({ name, help, labelNames, registers: [registry] });
  const up = gauge('recoup_database_up', '1 when the database answered the scrape, else 0');
  const jobs = gauge('recoup_queue_jobs', 'Jobs in the queue not done, by kind and state', [
    'kind',
    'state',
  ]);
  const dispatches = gauge(
    'recoup_dispatches_today',
    "Today's dispatches (planned for today in the business zone) by channel and state",
    ['channel', 'state'],
  );
  const blocks = gauge(
    'recoup_compliance_blocks_today',
    'Contacts blocked by the compliance rules today (business zone), by rule',
    ['rule'],
  );
  const cycle = {
    duration: gauge('recoup_cycle_last_duration_seconds', 'How long the last cycle run took'),
    accounts: gauge('recoup_cycle_last_accounts', 'Accounts the last cycle run computed'),
    transitions: gauge('recoup_cycle_last_transitions', 'Bucket transitions of the last run'),
    actions: gauge('recoup_cycle_last_actions', 'Actions the last cycle run planned'),
    asOf: gauge(
      'recoup_cycle_last_as_of_timestamp_seconds',
      'The day the last cycle run computed (its midnight UTC, Unix seconds)',
    ),
    finished: gauge(
      'recoup_cycle_last_finished_timestamp_seconds',
      'When the last cycle run finished (Unix seconds)',
    ),
  };

  // the latest day of the cycle while (and after) its partitions run
  const day = {
    partitions: gauge(
      'recoup_cycle_day_partitions',
      "The latest cycle day's partitions by state (pending, running, done)",
      ['state'],
    ),
    progress: gauge(
      'recoup_cycle_day_progress_ratio',
      "The share of the latest cycle day's partitions that are done (0 to 1)",
    ),
    running: gauge('recoup_cycle_day_running', '1 while the latest cycle day is not finished'),
    asOf: gauge(
      'recoup_cycle_day_as_of_timestamp_seconds',
      'The latest cycle day (its midnight UTC, Unix seconds)',
    ),
  };

  app.addHook('onResponse', async (req, reply) => {
    http.observe(
      {
        method: req.method,
        // unknown paths share one label, so a scan of random URLs cannot grow the series
        route: req.routeOptions.url ?? 'unmatched',
        status_code: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });

  /** The database's gauges, set afresh: every series not counted now disappears. */
  const collect = async (): Promise<void> => {
    const today = p.today();
    const [j, d, b, c, s] = [
      await store.openJobs(),
      await store.dispatchesOn(today),
      await store.blocksOn(today, p.timezone),
      await store.lastCycle(),
      await p.cycles.status(),
    ];
    jobs.reset();
    for (const x of j) jobs.set({ kind: x.kind, state: x.state }, x.jobs);
    dispatches.reset();
    for (const x of d) dispatches.set({ channel: x.channel, state: x.state }, x.dispatches);
    blocks.reset();
    for (const x of b) blocks.set({ rule: x.rule }, x.blocks);
    if (c) {
      cycle.duration.set(c.durationMs / 1000);
      cycle.accounts.set(c.accounts);
      cycle.transitions.set(c.transitions);
      cycle.actions.set(c.actions);
      cycle.asOf.set(Date.parse(`${c.asOf}T00:00:00Z`) / 1000);
      cycle.finished.set(c.finishedAt.getTime() / 1000);
    }
    day.partitions.reset();
    if (s) {
      for (const state of ['pending', 'running', 'done'] as const)
        day.partitions.set({ state }, s.parts.filter((x) => x.state === state).length);
      day.progress.set(s.partitions > 0 ? s.done / s.partitions : 0);
      day.running.set(s.state === 'running' ? 1 : 0);
      day.asOf.set(Date.parse(`${s.asOf}T00:00:00Z`) / 1000);
    }
  };

  app.get(
    '/metrics',
    { config: { roles: METRICS_READERS }, schema: { hide: true } },
    async (req, reply) => {
      try {
        await collect();
        up.set(1);
      } catch (e) {
        // the process and HTTP metrics are still worth having when the database is away
        up.set(0);
        for (const g of [jobs, dispatches, blocks, ...Object.values(cycle), ...Object.values(day)])
          g.reset();
        req.log.warn({ err: e }, 'metrics: the database did not answer');
      }
      const merged = Registry.merge([processMetrics(), registry]);
      return reply.type(merged.contentType).send(await merged.metrics());
    },
  );
}
