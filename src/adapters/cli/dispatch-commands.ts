/**
 * `recoup worker` (dispatch jobs from the queue), `recoup dispatch status|run`, `recoup field
 * plan`, `recoup compliance report|audit`, and the in-process worker of `npm start`.
 */
import { DEMO_COLLECTORS, DEMO_TEAMS } from '../../app/dispatch/simulated-desk.ts';
import type { Command } from 'commander';
import { auditContacts, complianceReport } from '../../app/compliance/audit.ts';
import { enqueueShards, prepareDay } from '../../app/dispatch/dispatcher.ts';
import { expireTasks, planFieldVisits } from '../../app/dispatch/tasks.ts';
import type { FieldAgent } from '../../app/dispatch/ports.ts';
import { addDays, type LocalDate } from '../../domain/time/date.ts';
import { loadConfig, type Config } from '../config.ts';
import {
  buildProviders,
  closeProviders,
  dispatchDeps,
  runDispatchWorker,
  workerId,
} from '../dispatch-runtime.ts';
import type { Platform } from '../platform.ts';
import { dayAfterCycle } from './commands.ts';
import { scheduleOf, scheduleTick } from '../scheduler.ts';
import { cycleHandlers, cycleQueued } from '../cycle-runtime.ts';
import { importHandlers, importQueued } from '../import-runtime.ts';
import { dateArg, type WithPlatform } from './format.ts';
import { componentLogger, createLogger, errorContext, type Logger } from '../log.ts';

const print = (x: unknown) => void process.stdout.write(JSON.stringify(x, null, 2) + '\n');

export function registerDispatchCommands(
  cli: Command,
  withPlatform: WithPlatform,
  setExit: (code: number) => void,
) {
  cli
    .command('worker')
    .description(
      "run dispatch jobs, the cycle's partitions and queued imports from the queue (any number of workers may share it)",
    )
    .option('--concurrency <n>', 'jobs at once', '2')
    .option('--exit-when-idle', 'stop once no job is due')
    .action(async (o: { concurrency: string; exitWhenIdle?: boolean }) => {
      const config = loadConfig();
      await withPlatform(async (p) => {
        const providers = buildProviders(p, config.channels);
        const worker = workerId();
        const deps = dispatchDeps(p, providers, config.channels, worker);
        const stop = new AbortController();
        process.once('SIGTERM', () => stop.abort());
        process.once('SIGINT', () => stop.abort());
        const log = componentLogger(createLogger(config.logLevel), 'worker').child({ worker });
        log.info({ concurrency: Number(o.concurrency) }, 'worker started');
        let idle: ReturnType<typeof setInterval> | undefined;
        if (o.exitWhenIdle) {
          idle = setInterval(async () => {
            try {
              if (
                (await p.channels.dueMessages()) === 0 &&
                !(await cycleQueued(p)) &&
                !(await importQueued(p))
              )
                stop.abort();
            } catch (e) {
              // the database does not answer: not idle, look again at the next tick
              log.warn(errorContext(e), 'could not look whether a job is due');
            }
          }, 1000);
        }
        // what follows a day the workers cycled, by the dispatch asked for when it was queued
        const after = { live: dayAfterCycle(p, 'live'), none: dayAfterCycle(p, 'none') };
        await enqueueShards(deps);
        await runDispatchWorker(deps, p, {
          worker,
          signal: stop.signal,
          concurrency: Number(o.concurrency),
          onError: (e, job) => log.error({ job, ...errorContext(e) }, `${job.kind} job failed`),
          handlers: {
            ...cycleHandlers(p, (day, dispatch) => after[dispatch].afterDay(day)),
            ...importHandlers(p),
          },
        });
        if (idle) clearInterval(idle);
        await Promise.all([after.live.close(), after.none.close()]);
        await closeProviders(providers);
        log.info('worker stopped');
      });
    });

  const d = cli
    .command('dispatch')
    .description("the day's actions through compliance and the channels");
  d.command('status')
    .description('dispatches by channel and state for a day, and the job queue')
    .option('--date <date>', 'the planned day (default today)', dateArg)
    .action((o: { date?: LocalDate }) =>
      withPlatform(async (p) => {
        const day = o.date ?? p.today();
        print({ day, dispatches: await p.channels.dayStatus(day), jobs: await p.jobs.counts() });
      }),
    );
  d.command('prepare')
    .description("create and check a day's dispatches from its planned actions")
    .option('--date <date>', 'the planned day (default today)', dateArg)
    .action((o: { date?: LocalDate }) =>
      withPlatform(async (p) => {
        const config = loadConfig();
        const providers = buildProviders(p, config.channels);
        const r = await prepareDay(
          dispatchDeps(p, providers, config.channels, 'cli'),
          o.date ?? p.today(),
          p.clock.now(),
        );
        await closeProviders(providers);
        print(r);
      }),
    );

  cli
    .command('field')
    .description('field visits')
    .command('plan')
    .description(
      "assign the day's visits to field agents by territory and capacity, in route order",
    )
    .option('--date <date>', 'the day (default today)', dateArg)
    .action((o: { date?: LocalDate }) =>
      withPlatform(async (p) => {
        const plan = await planFieldVisits(
          { tasks: p.tasks, dispatch: p.dispatch },
          o.date ?? p.today(),
          p.clock.now(),
        );
        print(plan);
      }),
    );

  const c = cli.commands.find((x) => x.name() === 'compliance')!;
  const cal = c
    .command('calendar')
    .description('public holidays and quiet days on which no contact is made');
  cal
    .command('list')
    .option('--jurisdiction <code>', 'US, CN, UK, ...')
    .action((o: { jurisdiction?: string }) =>
      withPlatform(async (p) => {
        print(await p.channels.calendar(o.jurisdiction?.toUpperCase() ?? null));
      }),
    );
  cal
    .command('add')
    .description('add a holiday or a quiet day (e.g. a day of mourning, a local festival)')
    .requiredOption('--jurisdiction <code>', 'US, CN, UK, ...')
    .requiredOption('--day <date>', 'YYYY-MM-DD', dateArg)
    .option('--kind <kind>', 'holiday or quiet', 'quiet')
    .requiredOption('--name <name>', 'what the day is')
    .action((o: { jurisdiction: string; day: LocalDate; kind: string; name: string }) =>
      withPlatform(async (p) => {
        if (o.kind !== 'holiday' && o.kind !== 'quiet') {
          process.stderr.write(`--kind: "${o.kind}" is not holiday or quiet\n`);
          setExit(1);
          return;
        }
        await p.channels.setCalendarDay(o.jurisdiction.toUpperCase(), o.day, o.kind, o.name);
        process.stdout.write(`${o.jurisdiction.toUpperCase()} ${o.day}: ${o.kind} (${o.name})\n`);
      }),
    );
  cal
    .command('remove')
    .requiredOption('--jurisdiction <code>', 'US, CN, UK, ...')
    .requiredOption('--day <date>', 'YYYY-MM-DD', dateArg)
    .action((o: { jurisdiction: string; day: LocalDate }) =>
      withPlatform(async (p) => {
        if (!(await p.channels.removeCalendarDay(o.jurisdiction.toUpperCase(), o.day))) {
          process.stderr.write(`no ${o.jurisdiction} entry on ${o.day}\n`);
          setExit(1);
        }
      }),
    );

  c.command('report')
    .description('contacts by channel and local hour, blocks by rule, decisions, dispatch states')
    .option('--from <date>', 'first day (default 30 days ago)', dateArg)
    .option('--to <date>', 'last day (default today)', dateArg)
    .action((o: { from?: LocalDate; to?: LocalDate }) =>
      withPlatform(async (p) => {
        const to = o.to ?? p.today();
        const from = o.from ?? addDays(to, -29);
        print(
          await complianceReport(
            p.compliance,
            new Date(`${from}T00:00:00Z`),
            new Date(`${addDays(to, 1)}T00:00:00Z`),
          ),
        );
      }),
    );
  c.command('audit')
    .description(
      'decide every contact made in a period again under the rules in force then; exit 1 on a violation',
    )
    .option('--from <date>', 'first day (default 180 days ago)', dateArg)
    .option('--to <date>', 'last day (default today)', dateArg)
    .action((o: { from?: LocalDate; to?: LocalDate }) =>
      withPlatform(async (p) => {
        const to = o.to ?? p.today();
        const from = o.from ?? addDays(to, -179);
        const r = await auditContacts(
          p.compliance,
          new Date(`${from}T00:00:00Z`),
          new Date(`${addDays(to, 1)}T00:00:00Z`),
        );
        print({
          ...r,
          violations: r.violations.slice(0, 100),
          violationCount: r.violations.length,
        });
        if (r.violations.length > 0) setExit(1);
      }),
    );
}

/**
 * The demo's staff: the desk's collectors in two teams (English and Chinese), and field agents,
 * a team in each of the largest cities of the demo portfolio.
 */
export async function seedDemoStaff(p: Platform): Promise<void> {
  const teams: [string, number, number, string[]][] = [
    ['Shanghai', 31.2304, 121.4737, ['zh-CN']],
    ['Beijing', 39.9042, 116.4074, ['zh-CN']],
    ['Guangzhou', 23.1291, 113.2644, ['zh-CN']],
    ['Shenzhen', 22.5431, 114.0579, ['zh-CN']],
    ['New York', 40.7128, -74.006, ['en', 'zh-CN']],
    ['Los Angeles', 34.0522, -118.2437, ['en', 'zh-CN']],
    ['Chicago', 41.8781, -87.6298, ['en']],
    ['London', 51.5072, -0.1276, ['en']],
  ];
  const agents: FieldAgent[] = teams.flatMap(([city, lat, lon, languages]) =>
    [1, 2].map((n) => ({
      id: `${city.toLowerCase().replace(/\s+/g, '-')}-${n}`,
      name: `${city} field agent ${n}`,
      territory: city,
      capacity: 8,
      baseLat: lat + (n - 1.5) * 0.05,
      baseLon: lon + (n - 1.5) * 0.05,
      radiusKm: 60,
      shiftStart: 9 * 60,
      shiftEnd: 18 * 60,
      languages,
    })),
  );
  await p.tasks.saveAgents(agents);
  await p.workspace.saveTeams(DEMO_TEAMS);
  await p.workspace.saveCollectors(DEMO_COLLECTORS);
}

/**
 * `npm start`'s background: the worker (dispatch jobs and the cycle's), and the scheduler,
 * which queues each new day's cycle at RECOUP_CYCLE_AT for it.
 */
export function startInProcessWorker(
  p: Platform,
  config: Config,
  log: Logger = createLogger(config.logLevel),
  /** How often the scheduler looks (and the field tasks expire). */
  everyMs = 60_000,
): AbortController {
  const stop = new AbortController();
  const providers = buildProviders(p, config.channels);
  const worker = workerId();
  const deps = dispatchDeps(p, providers, config.channels, worker);
  const dispatchLog = componentLogger(log, 'dispatch').child({ worker });
  const schedulerLog = componentLogger(log, 'scheduler');
  const cycleLog = componentLogger(log, 'cycle');
  const after = { live: dayAfterCycle(p, 'live'), none: dayAfterCycle(p, 'none') };
  const schedule = scheduleOf(config);
  const seen = {};
  void enqueueShards(deps)
    .then(() =>
      runDispatchWorker(deps, p, {
        worker,
        signal: stop.signal,
        pollMs: 1000,
        onError: (e, job) =>
          dispatchLog.error({ job, ...errorContext(e) }, `${job.kind} job failed`),
        handlers: cycleHandlers(p, async (day, dispatch) => {
          await after[dispatch].afterDay(day);
          cycleLog.info({ asOf: day }, 'cycle day done');
        }),
      }),
    )
    .catch((e: unknown) => dispatchLog.error(errorContext(e), 'the dispatch worker stopped'));
  const tick = setInterval(() => {
    void (async () => {
      await scheduleTick(p, schedule, `recoup start:${worker}`, schedulerLog, seen);
      await expireTasks({ tasks: p.tasks, dispatch: p.dispatch }, p.clock.now());
    })().catch((e: unknown) => schedulerLog.error(errorContext(e), 'daily cycle failed'));
  }, everyMs);
  stop.signal.addEventListener('abort', () => {
    clearInterval(tick);
    void closeProviders(providers);
    void Promise.all([after.live.close(), after.none.close()]);
  });
  return stop;
}
