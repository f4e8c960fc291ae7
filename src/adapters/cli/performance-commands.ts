/**
 * `recoup performance show|targets|scheme|complaint`, `recoup incentives statement|statements|
 * rules` and `recoup training courses|course add|complete|status`: collector performance,
 * incentive statements and training from the command line.
 */
import { InvalidArgumentError, type Command } from 'commander';
import {
  getTargets,
  performanceReport,
  recordComplaint,
  setScheme,
  setTargets,
  type AssessedRow,
} from '../../app/performance/performance.ts';
import {
  setRules,
  statements,
  statementsAsCsv,
  type CollectorStatement,
} from '../../app/incentives/incentives.ts';
import { recordCompletion, saveCourse, trainingReport } from '../../app/training/training.ts';
import { formatMinor } from '../../domain/money/currency.ts';
import { isPeriod } from '../../domain/performance/period.ts';
import type { LocalDate } from '../../domain/time/date.ts';
import { performanceDeps, trainingDeps, type Platform } from '../platform.ts';
import { readJsonOrYaml } from '../files/documents.ts';
import { dateArg, out, pct, type WithPlatform } from './format.ts';

function periodArg(v: string): string {
  if (!isPeriod(v)) throw new InvalidArgumentError(`"${v}" is not a month (YYYY-MM)`);
  return v;
}

function monthsArg(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(`"${v}" is not a number of months`);
  return n;
}

const json = (x: unknown) => out(JSON.stringify(x, null, 2));

function rowLine(r: AssessedRow, currency: string): string {
  return [
    String(r.rank).padStart(4),
    r.id.padEnd(16),
    (r.team ?? '-').padEnd(10),
    (r.score === null ? '-' : r.score.toFixed(2)).padStart(7),
    (r.grade ?? '-').padStart(5),
    String(r.counts.attempts).padStart(8),
    pct(r.kpis.contactRate).padStart(8),
    pct(r.kpis.promiseRate).padStart(8),
    pct(r.kpis.keptRate).padStart(8),
    pct(r.kpis.cureRate).padStart(8),
    formatMinor(r.collected, currency).padStart(14),
    String(r.counts.complaints).padStart(10),
    String(r.counts.complianceBlocks).padStart(7),
  ].join(' ');
}

const HEADER = [
  'rank'.padStart(4),
  'collector'.padEnd(16),
  'team'.padEnd(10),
  'score'.padStart(7),
  'grade'.padStart(5),
  'attempts'.padStart(8),
  'contact'.padStart(8),
  'promise'.padStart(8),
  'kept'.padStart(8),
  'cure'.padStart(8),
  'collected'.padStart(14),
  'complaints'.padStart(10),
  'blocks'.padStart(7),
].join(' ');

function printStatement(s: CollectorStatement): void {
  const m = (v: number) => formatMinor(v, s.currency);
  out(
    `${s.collector} (${s.name}) ${s.period}: score ${s.assessment.score ?? '-'}, grade ${s.assessment.grade ?? '-'}, rank ${s.assessment.rank}`,
  );
  for (const l of s.lines) out(`  ${l.kind.padEnd(10)} ${m(l.amount).padStart(12)}  ${l.reason}`);
  out(`  gross ${m(s.gross)}, deductions ${m(s.deductions)}, net ${m(s.net)} ${s.currency}`);
}

/** `<name> [file]`: the setting as JSON, or set from a file (JSON or YAML) and shown. */
function settingCommand(
  parent: Command,
  withPlatform: WithPlatform,
  name: string,
  what: string,
  io: {
    get: (p: Platform) => Promise<unknown>;
    set: (p: Platform, doc: unknown) => Promise<unknown>;
  },
): void {
  parent
    .command(name)
    .description(`show the ${what}, or set it from a file (JSON or YAML)`)
    .argument('[file]', `the ${what} to set`)
    .action((file: string | undefined) =>
      withPlatform(async (p) =>
        json(file ? await io.set(p, readJsonOrYaml(file, what)) : await io.get(p)),
      ),
    );
}

export function registerPerformanceCommands(cli: Command, withPlatform: WithPlatform): void {
  const performance = cli
    .command('performance')
    .description("collectors' KPIs, targets, the assessment scheme and complaints");

  performance
    .command('show')
    .description("a month's assessment table: KPIs from the data, score, grade and rank, teams")
    .requiredOption('--period <month>', 'YYYY-MM', periodArg)
    .option('--team <id>', 'one team, ranked within it')
    .option('--collector <id>', 'one collector')
    .option('--json', 'as JSON')
    .action((o: { period: string; team?: string; collector?: string; json?: boolean }) =>
      withPlatform(async (p) => {
        const r = await performanceReport(performanceDeps(p), o.period, o);
        if (o.json) return json(r);
        out(`${r.period} (${r.from} to ${r.to}), collected in ${r.scheme.currency}`);
        out(HEADER);
        for (const x of r.collectors) out(rowLine(x, r.scheme.currency));
        if (r.teams.length > 0) {
          out('teams');
          for (const x of r.teams) out(rowLine(x, r.scheme.currency));
        }
      }),
    );

  performance
    .command('targets')
    .description("show a month's targets, or replace them from a file (JSON or YAML)")
    .requiredOption('--period <month>', 'YYYY-MM', periodArg)
    .argument('[file]', '{ collectors: { id: { kpi: target } }, teams: { id: { kpi: target } } }')
    .action((file: string | undefined, o: { period: string }) =>
      withPlatform(async (p) =>
        json(
          file
            ? await setTargets(
                performanceDeps(p),
                o.period,
                readJsonOrYaml(file, 'targets'),
                'cli',
                p.clock.now(),
              )
            : await getTargets(performanceDeps(p), o.period),
        ),
      ),
    );

  settingCommand(performance, withPlatform, 'scheme', 'assessment scheme', {
    get: (p) => p.performance.scheme(),
    set: (p, doc) => setScheme(performanceDeps(p), doc),
  });

  performance
    .command('complaint')
    .description('record a complaint about a collector (--breach: upheld as a compliance breach)')
    .requiredOption('--collector <id>', 'the collector complained about')
    .requiredOption('--on <date>', 'the day it was received', dateArg)
    .requiredOption('--summary <text>', 'what it is about')
    .option('--account <id>', 'the account it is about')
    .option('--breach', 'upheld as a breach of the contact rules')
    .action(
      (o: {
        collector: string;
        on: LocalDate;
        summary: string;
        account?: string;
        breach?: boolean;
      }) =>
        withPlatform(async (p) =>
          json(
            await recordComplaint(
              performanceDeps(p),
              { ...o, receivedOn: o.on, breach: o.breach ?? false },
              'cli',
              p.today(),
              p.clock.now(),
            ),
          ),
        ),
    );

  const incentives = cli.command('incentives').description("collectors' incentive statements");

  incentives
    .command('statement')
    .description("one collector's statement for a month, line by line")
    .requiredOption('--collector <id>', 'the collector')
    .requiredOption('--period <month>', 'YYYY-MM', periodArg)
    .option('--csv', 'as CSV')
    .option('--json', 'as JSON')
    .action((o: { collector: string; period: string; csv?: boolean; json?: boolean }) =>
      withPlatform(async (p) => {
        if (o.csv) return out(await statementsAsCsv(performanceDeps(p), o.period, o.collector));
        const s = (await statements(performanceDeps(p), o.period, o.collector)).statements[0]!;
        if (o.json) return json(s);
        printStatement(s);
      }),
    );

  incentives
    .command('statements')
    .description("every collector's statement for a month")
    .requiredOption('--period <month>', 'YYYY-MM', periodArg)
    .option('--csv', 'as CSV')
    .action((o: { period: string; csv?: boolean }) =>
      withPlatform(async (p) => {
        if (o.csv) return out(await statementsAsCsv(performanceDeps(p), o.period));
        for (const s of (await statements(performanceDeps(p), o.period)).statements)
          printStatement(s);
      }),
    );

  settingCommand(incentives, withPlatform, 'rules', 'incentive rules', {
    get: (p) => p.performance.rules(),
    set: (p, doc) => setRules(performanceDeps(p), doc),
  });

  const training = cli
    .command('training')
    .description('training courses, completions, and who may take calls');

  training
    .command('courses')
    .description('the courses')
    .action(() =>
      withPlatform(async (p) => {
        for (const c of await p.training.courses())
          out(
            `${c.id.padEnd(20)} ${c.compliance ? 'compliance' : '          '}  ${c.validityMonths === null ? 'never expires' : `valid ${c.validityMonths} months`}  ${c.title}`,
          );
      }),
    );

  training
    .command('course')
    .description('a course')
    .command('add')
    .description('add a course, or change one by its id')
    .requiredOption('--id <id>', 'the course id')
    .requiredOption('--title <text>', 'its title')
    .option('--compliance', 'needed before taking calls')
    .option('--validity <months>', 'how long a completion counts (default: for good)', monthsArg)
    .action((o: { id: string; title: string; compliance?: boolean; validity?: number }) =>
      withPlatform(async (p) =>
        json(
          await saveCourse(
            trainingDeps(p),
            {
              id: o.id,
              title: o.title,
              compliance: o.compliance ?? false,
              validityMonths: o.validity ?? null,
            },
            'cli',
            p.clock.now(),
          ),
        ),
      ),
    );

  training
    .command('complete')
    .description('record that a collector completed a course on a day')
    .requiredOption('--collector <id>', 'the collector')
    .requiredOption('--course <id>', 'the course')
    .requiredOption('--on <date>', 'the day it was completed', dateArg)
    .action((o: { collector: string; course: string; on: LocalDate }) =>
      withPlatform(async (p) => {
        const r = await recordCompletion(
          trainingDeps(p),
          { collector: o.collector, course: o.course, completedOn: o.on },
          'cli',
          p.today(),
          p.clock.now(),
        );
        out(
          `${o.collector} completed ${o.course} on ${o.on}${r.created ? '' : ' (recorded already)'}`,
        );
      }),
    );

  training
    .command('status')
    .description("each collector's status in each course, and whether they may take calls")
    .option('--day <date>', 'on this day (default today)', dateArg)
    .option('--collector <id>', 'one collector')
    .option('--json', 'as JSON')
    .action((o: { day?: LocalDate; collector?: string; json?: boolean }) =>
      withPlatform(async (p) => {
        const r = await trainingReport(trainingDeps(p), o.day ?? p.today(), o.collector);
        if (o.json) return json(r);
        out(`training on ${r.day}`);
        for (const c of r.collectors) {
          out(`${c.id.padEnd(16)} ${c.mayTakeCalls ? 'may take calls' : `NO CALLS: ${c.reason}`}`);
          for (const s of c.courses)
            out(
              `  ${s.courseId.padEnd(20)} ${s.status.padEnd(9)} ${s.completedOn ? `completed ${s.completedOn}` : ''}${s.expiresOn ? `, valid to ${s.expiresOn}` : ''}`,
            );
        }
      }),
    );
}
