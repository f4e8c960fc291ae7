/**
 * `recoup scheduler`: the long-running process that starts each portfolio's daily cycle at its
 * local time (RECOUP_CYCLE_AT, or each entry of the file's `portfolios`) by queueing the day
 * for `recoup worker` processes. Any number may run, on any number of machines: each day is
 * queued once.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { loadConfig, type Config } from '../config.ts';
import { componentLogger, createLogger } from '../log.ts';
import { openPlatform } from '../platform.ts';
import {
  runScheduler,
  scheduleOf,
  schedulerClock,
  schedulerId,
  type ScheduledPortfolio,
} from '../scheduler.ts';
import { formatTimeOfDay } from '../../domain/cycle/schedule.ts';

function secondsArg(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || n > 3600)
    throw new InvalidArgumentError(`"${v}" is not a number of seconds (more than 0, at most 3600)`);
  return n;
}

/** The portfolios of the configuration: the file's list, else the one of schema and timezone. */
export function scheduledPortfolios(
  config: Config,
  clock = schedulerClock(),
): ScheduledPortfolio[] {
  const one = { schema: config.schema, timezone: config.timezone };
  return (config.portfolios.length ? config.portfolios : [one]).map((x) => ({
    name: x.schema ?? 'default',
    schedule: scheduleOf(config, x),
    open: () => openPlatform({ ...config, schema: x.schema, timezone: x.timezone }, clock),
  }));
}

export function registerSchedulerCommand(cli: Command): void {
  cli
    .command('scheduler')
    .description(
      "start each portfolio's daily cycle at its local time (RECOUP_CYCLE_AT) by queueing the day for the workers; any number may run",
    )
    .option('--every <seconds>', 'how often to look (default 30)', secondsArg, 30)
    .action(async (o: { every: number }) => {
      const config = loadConfig();
      if (!config.databaseUrl)
        throw new Error(
          'recoup scheduler needs a PostgreSQL server (DATABASE_URL): on the embedded engine recoup start schedules the cycle in its own process',
        );
      const portfolios = scheduledPortfolios(config);
      const log = componentLogger(createLogger(config.logLevel), 'scheduler');
      const stop = new AbortController();
      process.once('SIGTERM', () => stop.abort());
      process.once('SIGINT', () => stop.abort());
      const by = schedulerId();
      log.info(
        {
          scheduler: by,
          every: o.every,
          portfolios: portfolios.map((x) => ({
            portfolio: x.name,
            zone: x.schedule.zone,
            at: formatTimeOfDay(x.schedule.at),
            partitions: x.schedule.partitions,
            dispatch: x.schedule.dispatch,
          })),
        },
        'scheduler started',
      );
      await runScheduler({ portfolios, everyMs: o.every * 1000, signal: stop.signal, log, by });
      log.info('scheduler stopped');
      log.flush();
    });
}
