/**
 * The `recoup` command. Exit codes: 0 success; 1 failure or rejected input; 2 done with
 * rejected rows (import --skip-bad); 3 bad configuration.
 */
import { registerPromiseCommands } from './promise-commands.ts';
import { registerPerformanceCommands } from './performance-commands.ts';
import { registerWorkspaceCommands } from './workspace-commands.ts';
import { registerPlanCommands } from './plan-commands.ts';
import { registerCustomerCommands } from './customer-commands.ts';
import { registerSelfServiceCommands } from './selfservice-commands.ts';
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { registerAccessCommands } from './access-commands.ts';
import { DEMO_PASSWORD, DEMO_USERS, seedDemoUsers } from './demo-users.ts';
import { seedDemoAlertRules } from './demo-monitoring.ts';
import { ensureConsole } from './console-build.ts';
import { ensureFirstAdministrator } from '../../app/access/access.ts';
import { accessDeps } from '../platform.ts';
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { AppError } from '../../app/shared/errors.ts';
import { updateLedgerPolicy } from '../../app/policy/ledger-policy.ts';
import type { LedgerPolicy } from '../../domain/ledger/policy.ts';
import { addDays, type LocalDate } from '../../domain/time/date.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { buildServer } from '../http/server.ts';
import { createLogger, type Logger } from '../log.ts';
import { openPlatform, type Platform } from '../platform.ts';
import { migrate } from '../storage/migrate.ts';
import { openDatabase } from '../storage/open.ts';
import {
  catchUp,
  cycleDays,
  type DispatchMode,
  DEMO_HISTORY_DAYS,
  DEMO_SEED,
  demoRange,
  exportTo,
  importFolder,
  printImportReport,
  trainDemoModels,
} from './commands.ts';
import { registerGenerateCommand, runGenerate } from './generate.ts';
import { registerSchedulerCommand } from './scheduler-command.ts';
import { importThroughQueue } from './import-commands.ts';
import { registerStrategyCommands } from './strategy-commands.ts';
import { registerExperimentCommands } from './experiment-commands.ts';
import { registerSimulateCommand } from './simulate-command.ts';
import { registerScoreCommands } from './score-commands.ts';
import { registerComplianceCommands } from './compliance-commands.ts';
import { publishSource } from '../../app/strategy/strategies.ts';
import { Progress } from './progress.ts';
import {
  cycleThroughQueue,
  partitionsArg,
  partitionsOf,
  registerCycleStatus,
} from './cycle-commands.ts';
import { dateArg } from './format.ts';
import {
  registerDispatchCommands,
  seedDemoStaff,
  startInProcessWorker,
} from './dispatch-commands.ts';

/** The command being run (set before its action), for the audit log. */
let running: { path: string; args: unknown[]; options: unknown } | null = null;

/** Leaf commands that change something: each successful run is written to the audit log. */
const CHANGING = new Set([
  'import',
  'cycle',
  'set',
  'draft',
  'publish',
  'retire',
  'review',
  'start',
  'stop',
  'promote',
  'add',
  'cancel',
  'note',
  'tag',
  'create',
  'approve',
  'reject',
  'prepare',
  'issue',
  'register',
  'activate',
  'classification',
  'limits',
  'policy',
  'record',
  'revoke',
  'password',
  'targets',
  'rules',
  'scheme',
  'train-portfolio',
  'untag',
  'remove',
  'move',
  'assign',
  'complaint',
  'complete',
]);

async function withPlatform<T>(fn: (p: Platform) => Promise<T>): Promise<T> {
  const p = await openPlatform(loadConfig());
  try {
    const result = await fn(p);
    const cmd = running;
    const leaf = cmd?.path.split(' ').pop() ?? '';
    if (cmd && CHANGING.has(leaf))
      await p.audit.append([
        {
          at: p.clock.now(),
          actor: `cli:${userInfo().username}`,
          role: 'administrator',
          action: `cli ${cmd.path}`,
          entity: cmd.path.split(' ')[1] ?? 'cli',
          entityId: null,
          before: null,
          after: { args: cmd.args, options: cmd.options },
        },
      ]);
    return result;
  } finally {
    await p.close();
  }
}

let exitCode = 0;

type ImportOpts = { skipBad?: boolean; json?: boolean; queue?: boolean; wait: boolean };

const DEFAULT_STRATEGY_FILE = new URL('../../../strategies/default.yaml', import.meta.url);

function program(): Command {
  const cli = new Command('recoup')
    .description('Recoup: collections management on one ledger')
    .showHelpAfterError()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  cli.hook('preAction', (_root, action) => {
    const names: string[] = [];
    for (let c: Command | null = action; c && c !== cli; c = c.parent) names.unshift(c.name());
    running = { path: `recoup ${names.join(' ')}`, args: action.args, options: action.opts() };
  });

  cli
    .command('migrate')
    .description('bring the database schema up to date')
    .action(async () => {
      const config = loadConfig();
      const db = await openDatabase(
        config.databaseUrl
          ? { databaseUrl: config.databaseUrl, schema: config.schema }
          : { dataDir: config.dataDir },
      );
      try {
        const applied = await migrate(db);
        process.stdout.write(
          applied.length ? `applied: ${applied.join(', ')}\n` : 'schema is up to date\n',
        );
      } finally {
        await db.close();
      }
    });

  cli
    .command('import <folder>')
    .description(
      'import customers.csv, accounts.csv, instalments.csv, payments.csv, holds.csv (any subset)',
    )
    .option('--skip-bad', 'write the good rows and report the bad ones (exit code 2)')
    .option('--json', 'print the report as JSON')
    .option(
      '--queue',
      'queue the import for the workers (recoup worker), which read the folder at its absolute path',
    )
    .option('--no-wait', 'with --queue: return once queued')
    .action(async (folder: string, opts: ImportOpts) => {
      const skipBad = opts.skipBad ?? false;
      const report = await withPlatform((p) =>
        opts.queue
          ? importThroughQueue(p, folder, { skipBad, wait: opts.wait })
          : importFolder(p, folder, { skipBad }),
      );
      if (!report) return;
      if (opts.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
      else printImportReport(report, process.stdout);
      exitCode = report.status === 'imported' ? 0 : report.status === 'rejected' ? 1 : 2;
    });

  cli
    .command('export')
    .argument('<what>', 'what to export: accounts')
    .description("export every account's delinquency state as of a date")
    .requiredOption('--as-of <date>', 'the date (YYYY-MM-DD)', dateArg)
    .option('--format <format>', 'json or csv', 'json')
    .option('--out <file>', 'write to a file instead of standard output')
    .action(async (what: string, opts: { asOf: LocalDate; format: string; out?: string }) => {
      if (what !== 'accounts')
        throw new InvalidArgumentError(`cannot export "${what}" (only: accounts)`);
      if (opts.format !== 'json' && opts.format !== 'csv') {
        throw new InvalidArgumentError(`unknown format "${opts.format}" (json or csv)`);
      }
      const format = opts.format;
      const n = await withPlatform((p) => exportTo(p, opts.asOf, format, opts.out));
      if (opts.out) process.stderr.write(`exported ${n} accounts to ${opts.out}\n`);
    });

  registerGenerateCommand(cli);

  const cycle = cli
    .command('cycle')
    .description('recompute every account as of a date (default today), or replay a range of days')
    .option('--as-of <date>', 'the date to cycle', dateArg)
    .option('--from <date>', 'first day of a range', dateArg)
    .option('--to <date>', 'last day of a range', dateArg)
    .option(
      '--dispatch <mode>',
      'live: queue the actions for the workers (past days expire unsent); simulate: send past days through the sandbox with a simulated clock; none',
      'live',
    )
    .option(
      '--partitions <n>',
      'partitions each day is split into (default RECOUP_CYCLE_PARTITIONS)',
      partitionsArg,
    )
    .option('--queue', 'queue the days for the workers (recoup worker) instead of cycling here')
    .option('--no-wait', 'with --queue: return once queued')
    .action(
      async (opts: {
        asOf?: LocalDate;
        from?: LocalDate;
        to?: LocalDate;
        dispatch: string;
        partitions?: number;
        queue?: boolean;
        wait: boolean;
      }) => {
        if (opts.asOf && (opts.from || opts.to)) {
          throw new InvalidArgumentError('give either --as-of or --from/--to');
        }
        if (!['live', 'simulate', 'none'].includes(opts.dispatch))
          throw new InvalidArgumentError(
            `--dispatch: "${opts.dispatch}" is not live, simulate or none`,
          );
        if (opts.queue && opts.dispatch === 'simulate')
          throw new InvalidArgumentError('--dispatch simulate runs here only, not with --queue');
        await withPlatform(async (p) => {
          const to = opts.to ?? opts.asOf ?? p.today();
          const from = opts.from ?? opts.asOf ?? to;
          const partitions = partitionsOf(opts.partitions);
          if (opts.queue) {
            const dispatch = opts.dispatch === 'none' ? 'none' : 'live';
            await cycleThroughQueue(p, { from, to }, partitions, dispatch, opts.wait);
          } else
            await cycleDays(p, { from, to }, undefined, opts.dispatch as DispatchMode, {
              partitions,
            });
        });
      },
    );
  registerCycleStatus(cycle, withPlatform);

  registerStrategyCommands(cli, withPlatform, (code) => (exitCode = code));
  registerExperimentCommands(cli, withPlatform);
  registerSimulateCommand(cli, withPlatform);
  registerScoreCommands(cli, withPlatform);
  registerPromiseCommands(cli, withPlatform);
  registerPerformanceCommands(cli, withPlatform);
  registerWorkspaceCommands(cli, withPlatform);
  registerPlanCommands(cli, withPlatform);
  registerCustomerCommands(cli, withPlatform);
  registerSelfServiceCommands(cli, withPlatform);
  registerComplianceCommands(cli, (code) => (exitCode = code));
  registerDispatchCommands(cli, withPlatform, (code) => (exitCode = code));
  registerAccessCommands(cli, withPlatform, (code) => (exitCode = code));
  registerSchedulerCommand(cli);

  const policy = cli
    .command('policy')
    .description('the ledger policy: waterfall, tolerance, grace, buckets');
  policy
    .command('show')
    .description('print the policy as JSON')
    .action(() =>
      withPlatform(
        async (p) =>
          void process.stdout.write(
            JSON.stringify(await p.policies.ledgerPolicy(), null, 2) + '\n',
          ),
      ),
    );
  policy
    .command('set <file>')
    .description('replace the policy with a JSON file')
    .action((file: string) =>
      withPlatform(async (p) => {
        const doc = JSON.parse(readFileSync(file, 'utf8')) as LedgerPolicy;
        await updateLedgerPolicy(p.policies, doc);
        process.stdout.write('policy saved; replay cycles to apply it to past days\n');
      }),
    );

  cli
    .command('serve')
    .description('serve the API (PORT, default 3000)')
    .action(async () => {
      const config = loadConfig();
      await ensureConsole(false, (s) => process.stderr.write(s + '\n'));
      const p = await openPlatform(config);
      await serve(p, config.port, config.host, createLogger(config.logLevel));
    });

  cli
    .command('console')
    .description('the web console')
    .command('build')
    .description('build the web console into web/dist (npm start and serve build it when stale)')
    .option('--if-stale', 'only when its sources changed since the last build')
    .action(async (o: { ifStale?: boolean }) => {
      const r = await ensureConsole(!o.ifStale, (s) => process.stderr.write(s + '\n'));
      if (r === 'unavailable') throw new Error('Vite is not installed: run npm install');
      process.stdout.write(
        r === 'built' ? 'web console built in web/dist\n' : 'web console is current\n',
      );
    });

  cli
    .command('start')
    .description(
      'start on the embedded database with a demo portfolio: generate, import, replay 90 days, serve',
    )
    .action(async () => {
      const config = loadConfig();
      const progress = new Progress();
      const t0 = performance.now();
      progress.update(
        `opening ${config.databaseUrl ? 'the PostgreSQL server' : `the embedded database in ${config.dataDir}`}`,
      );
      const p = await openPlatform(config);
      await prepareDemo(
        p,
        { accounts: config.demoAccounts, folder: join(config.dataDir, 'demo-portfolio') },
        progress,
      );
      await ensureConsole(false, (s) => progress.update(s));
      progress.done(`ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      // One process runs it all on the embedded engine: the API, the dispatch worker and the
      // scheduler, which queues each new day's cycle at RECOUP_CYCLE_AT for that worker.
      const log = createLogger(config.logLevel);
      startInProcessWorker(p, config, log);
      await serve(p, config.port, config.host, log);
    });

  return cli;
}

/**
 * The demo: on an empty database, a generated portfolio imported, the default strategy, the
 * scorecards, the staff and users, and 90 replayed days; on a database that has one, the days
 * since it last ran. `recoup start` runs it; the browser tests run it on a small portfolio.
 */
export async function prepareDemo(
  p: Platform,
  o: { accounts: number; folder: string },
  progress: Progress,
): Promise<void> {
  const count = await p.db.query<{ n: number }>('SELECT count(*)::bigint AS n FROM accounts');
  if (Number(count.rows[0]?.n ?? 0) === 0) {
    const today = p.today();
    const folder = o.folder;
    progress.update(`generating a demo portfolio of ${o.accounts} accounts as of ${today}`);
    await runGenerate({
      accounts: o.accounts,
      seed: DEMO_SEED,
      asOf: today,
      out: folder,
    });
    const report = await importFolder(p, folder, { progress });
    if (report.status !== 'imported') {
      printImportReport(report, process.stderr, 20);
      throw new Error('the demo portfolio did not import');
    }
    if ((await p.strategies.list('default')).length === 0) {
      // The demo runs the shipped default strategy over the whole replayed history.
      await publishSource(p.strategies, readFileSync(DEFAULT_STRATEGY_FILE, 'utf8'), {
        by: 'recoup',
        reason: 'the default policy shipped with Recoup',
        effectiveFrom: addDays(today, -(DEMO_HISTORY_DAYS - 1)),
      });
    }
    // Scorecards for both purposes, trained on the history before the replayed days, so
    // that every replayed day is scored and classified and the early-warning segments
    // see the tiers.
    await trainDemoModels(p, demoRange(today).from, progress);
    progress.update(`replaying the last ${DEMO_HISTORY_DAYS} days of cycles`);
    await seedDemoStaff(p);
    await seedDemoUsers(p);
    await seedDemoAlertRules(p);
    await cycleDays(p, demoRange(today), progress, 'simulate');
  } else {
    await seedDemoUsers(p);
    await seedDemoAlertRules(p);
    await catchUp(p, DEMO_HISTORY_DAYS, progress, 'simulate');
  }
}

async function serve(p: Platform, port: number, host: string, log: Logger): Promise<void> {
  // the first start creates the first administrator: its password printed once, or given
  const admin = await ensureFirstAdministrator(accessDeps(p), loadConfig().adminPassword);
  if (admin)
    process.stdout.write(
      admin.password
        ? `The first administrator is "${admin.username}" with the password ${admin.password} (shown once: note it now)\n`
        : `The first administrator is "${admin.username}" with the password in RECOUP_ADMIN_PASSWORD\n`,
    );
  const demo = Boolean(await p.access.userByUsername(DEMO_USERS[0]!.username));
  const app = await buildServer(p, {
    logger: log,
    channels: loadConfig().channels,
    ...(demo ? { demoPassword: DEMO_PASSWORD } : {}),
  });
  await app.listen({ port, host });
  const address = app.server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  process.stdout.write(
    `Recoup is running at http://localhost:${actual} (API documentation at /docs; ${p.db.location})\n`,
  );
  if (demo)
    process.stdout.write(
      `Demo users (password ${DEMO_PASSWORD}): ${DEMO_USERS.map((u) => `${u.username} (${u.role})`).join(', ')}\n`,
    );
  const stop = async () => {
    log.info({ component: 'http' }, 'stopping');
    await app.close();
    await p.close();
    log.flush();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await new Promise(() => {});
}

export async function main(argv: string[]): Promise<number> {
  exitCode = 0;
  try {
    await program().exitOverride().parseAsync(argv);
    return exitCode;
  } catch (e) {
    const err = e as { code?: string; exitCode?: number; message?: string };
    if (err.code?.startsWith('commander.')) {
      if (
        err.code === 'commander.helpDisplayed' ||
        err.code === 'commander.version' ||
        err.code === 'commander.help'
      )
        return 0;
      return err.exitCode ?? 1;
    }
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      return 3;
    }
    if (e instanceof AppError) {
      process.stderr.write(`${e.code}: ${e.message}\n`);
      for (const d of e.details) process.stderr.write(`  ${d.at}: ${d.reason}\n`);
      return 1;
    }
    if (e instanceof InvalidArgumentError) {
      process.stderr.write(`error: ${e.message}\n`);
      return 1;
    }
    process.stderr.write(`error: ${err.message ?? String(e)}\n`);
    return 1;
  }
}
