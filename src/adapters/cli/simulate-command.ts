/** `recoup simulate --strategy A [--vs B] --accounts N --days D --seed S`: strategies side by side. */
import { existsSync, readFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { compileOrThrow, versionOrThrow } from '../../app/strategy/strategies.ts';
import { formatMinor } from '../../domain/money/currency.ts';
import { generateCustomers } from '../../domain/portfolio/generator.ts';
import { simulate, type SimulationReport } from '../../domain/simulation/simulate.ts';
import type { CompiledStrategy } from '../../domain/strategy/validate.ts';
import { isLocalDate, type LocalDate } from '../../domain/time/date.ts';
import { pct, type WithPlatform } from './format.ts';

const whole = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0)
    throw new InvalidArgumentError(`${name}: "${v}" is not a whole number`);
  return n;
};

/** A file, or a stored version written `strategy:version`. */
async function loadStrategy(ref: string, withPlatform: WithPlatform): Promise<CompiledStrategy> {
  const stored = /^([a-z0-9][a-z0-9_-]*):(\d+)$/.exec(ref);
  if (stored && !existsSync(ref)) {
    return withPlatform(async (p) =>
      compileOrThrow((await versionOrThrow(p.strategies, stored[1]!, Number(stored[2]))).source),
    );
  }
  return compileOrThrow(readFileSync(ref, 'utf8'));
}

export function formatSimulation(r: SimulationReport): string {
  const rows: [string, (s: SimulationReport['results'][number]) => string][] = [
    ['accounts', (s) => String(s.accounts)],
    ['delinquent at start', (s) => String(s.delinquentAtStart)],
    [
      'cure rate',
      (s) =>
        `${pct(s.cureRate)} [${pct(s.cureRateCi?.[0] ?? null)}, ${pct(s.cureRateCi?.[1] ?? null)}]`,
    ],
    [
      '  vs first',
      (s) =>
        s.vsFirst
          ? `${pct(s.vsFirst.cureDifference)} [${pct(s.vsFirst.cureCi[0])}, ${pct(s.vsFirst.cureCi[1])}] p=${s.vsFirst.curePValue.toFixed(3)}`
          : '',
    ],
    ['roll-forward rate', (s) => pct(s.rollForwardRate)],
    ['recovery rate', (s) => pct(s.recoveryRate)],
    [
      '  vs first',
      (s) =>
        s.vsFirst?.recoveryCi
          ? `${pct(s.vsFirst.recoveryDifference)} [${pct(s.vsFirst.recoveryCi[0])}, ${pct(s.vsFirst.recoveryCi[1])}]`
          : '',
    ],
    ['promises (kept)', (s) => `${s.promises} (${s.promisesKept})`],
    [
      'actions',
      (s) =>
        Object.entries(s.actions)
          .map(([c, n]) => `${c} ${n}`)
          .join(', '),
    ],
    [
      'compliance blocks',
      (s) =>
        Object.entries(s.complianceBlocked)
          .map(([c, n]) => `${c} ${n}`)
          .join(', ') || '-',
    ],
    [
      'over capacity',
      (s) =>
        Object.entries(s.overCapacity)
          .map(([c, n]) => `${c} ${n}`)
          .join(', ') || '-',
    ],
    ['cost (USD)', (s) => formatMinor(s.cost, 'USD')],
    [
      'collected',
      (s) =>
        Object.entries(s.collected)
          .map(([c, v]) => `${formatMinor(v, c)} ${c}`)
          .join(', '),
    ],
  ];
  const names = r.results.map((s) => s.name);
  const width = Math.max(...rows.map(([l]) => l.length));
  const lines = [
    `${r.accounts} accounts, ${r.days} days from ${r.start}, seed ${r.seed}`,
    `${''.padEnd(width)}  ${names.join('  |  ')}`,
  ];
  for (const [label, f] of rows)
    lines.push(`${label.padEnd(width)}  ${r.results.map(f).join('  |  ')}`);
  return lines.join('\n');
}

export function registerSimulateCommand(cli: Command, withPlatform: WithPlatform) {
  cli
    .command('simulate')
    .description(
      'run strategies over the same synthetic portfolio with a model of customer behaviour',
    )
    .requiredOption(
      '--strategy <fileOrVersion>',
      'a strategy file, or a stored version as id:version',
    )
    .option('--vs <fileOrVersion>', 'a second strategy to compare with the first')
    .option('--accounts <n>', 'accounts in the synthetic portfolio', whole('--accounts'), 10_000)
    .option('--days <n>', 'days to simulate', whole('--days'), 180)
    .option('--seed <seed>', 'seed of the portfolio and of the customers', '1')
    .option('--as-of <date>', 'first day (the portfolio is generated as of it)', '2026-01-01')
    .option(
      '--calls-per-day <n>',
      "collectors' capacity (default 1 % of accounts)",
      whole('--calls-per-day'),
    )
    .option(
      '--visits-per-day <n>',
      "field agents' capacity (default 0.1 % of accounts)",
      whole('--visits-per-day'),
    )
    .option('--json', 'print the report as JSON')
    .action(
      async (o: {
        strategy: string;
        vs?: string;
        accounts: number;
        days: number;
        seed: string;
        asOf: string;
        callsPerDay?: number;
        visitsPerDay?: number;
        json?: boolean;
      }) => {
        if (!isLocalDate(o.asOf))
          throw new InvalidArgumentError(`--as-of: "${o.asOf}" is not a date`);
        const strategies = [
          { name: o.strategy, strategy: await loadStrategy(o.strategy, withPlatform) },
        ];
        if (o.vs) strategies.push({ name: o.vs, strategy: await loadStrategy(o.vs, withPlatform) });
        const records = [
          ...generateCustomers({ accounts: o.accounts, seed: o.seed, asOf: o.asOf as LocalDate }),
        ];
        const t0 = performance.now();
        const report = simulate(records, strategies, {
          start: o.asOf as LocalDate,
          days: o.days,
          seed: o.seed,
          capacity: {
            phonePerDay: o.callsPerDay ?? Math.max(1, Math.round(o.accounts * 0.01)),
            fieldVisitsPerDay: o.visitsPerDay ?? Math.max(1, Math.round(o.accounts * 0.001)),
          },
        });
        const seconds = ((performance.now() - t0) / 1000).toFixed(1);
        if (o.json) {
          process.stdout.write(
            JSON.stringify(
              { ...report, results: report.results.map(({ recoveryRatios: _r, ...x }) => x) },
              null,
              2,
            ) + '\n',
          );
        } else {
          process.stdout.write(`${formatSimulation(report)}\nsimulated in ${seconds} s\n`);
        }
      },
    );
}
