/** `recoup experiment start|list|results|stop|promote`: champion/challenger pilots. */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import {
  experimentResults,
  promoteArm,
  startExperiment,
  stopExperiment,
  type ExperimentResults,
} from '../../app/experiment/experiments.ts';
import type { ExperimentDoc } from '../../domain/experiment/experiment.ts';
import { formatMinor } from '../../domain/money/currency.ts';
import { type LocalDate } from '../../domain/time/date.ts';
import { dateArg, out, pct, type WithPlatform } from './format.ts';

export function formatResults(r: ExperimentResults): string {
  const lines = [
    `${r.experiment.id} (${r.experiment.status}) as of ${r.asOf}, ${r.confidence * 100}% intervals`,
  ];
  for (const a of r.arms) {
    const vs = (v: { difference: number; ci: [number, number]; significant: boolean } | null) =>
      v
        ? ` Δ ${pct(v.difference)} [${pct(v.ci[0])}, ${pct(v.ci[1])}]${v.significant ? ' significant' : ''}`
        : '';
    const collected =
      Object.entries(a.collected)
        .map(([c, v]) => `${formatMinor(v, c)} ${c}`)
        .join(', ') || '-';
    lines.push(
      `  ${a.arm} (${a.strategyId} v${a.version}, ${a.share}%): ${a.accounts} accounts`,
      `    cure rate ${pct(a.cureRate.rate)} of ${a.delinquentAtEntry}${vs(a.cureRate.vsChampion)}`,
      `    roll-forward rate ${pct(a.rollForwardRate.rate)}${vs(a.rollForwardRate.vsChampion)}`,
      `    recovery rate ${pct(a.recoveryRate.mean)}${vs(a.recoveryRate.vsChampion)}`,
      `    actions ${
        Object.entries(a.actions)
          .map(([c, n]) => `${c} ${n}`)
          .join(', ') || '-'
      }; cost ${formatMinor(a.cost, 'USD')} USD; collected ${collected}`,
    );
  }
  if (r.sampleSize) {
    lines.push(
      `  to detect a ${pct(r.sampleSize.lift)} lift in the cure rate: ${r.sampleSize.perArm} delinquent accounts per arm`,
    );
  }
  return lines.join('\n');
}

export function registerExperimentCommands(cli: Command, withPlatform: WithPlatform) {
  const ex = cli
    .command('experiment')
    .description('champion/challenger pilots of strategy versions');

  ex.command('start <file>')
    .description(
      'start an experiment described in a YAML or JSON file (id, name, population, arms)',
    )
    .requiredOption('--by <name>', 'who starts it')
    .option('--from <date>', 'first day (default today)', dateArg)
    .option('--until <date>', 'last day (default: until stopped or promoted)', dateArg)
    .action((file: string, o: { by: string; from?: LocalDate; until?: LocalDate }) =>
      withPlatform(async (p) => {
        const doc = parseYaml(readFileSync(file, 'utf8')) as ExperimentDoc;
        const e = await startExperiment(p, doc, {
          by: o.by,
          startsOn: o.from ?? p.today(),
          endsOn: o.until ?? null,
        });
        out(
          `${e.id}: running from ${e.startsOn}; arms ${e.arms.map((a) => `${a.name} ${a.share}%`).join(', ')}`,
        );
      }),
    );

  ex.command('list').action(() =>
    withPlatform(async (p) => {
      for (const e of await p.experiments.list()) {
        out(
          `${e.id}  ${e.name}  [${e.status}${e.promotedArm ? `: ${e.promotedArm}` : ''}] from ${e.startsOn}`,
        );
      }
    }),
  );

  ex.command('results <id>')
    .description(
      'per arm: cure, roll-forward and recovery rates with intervals and tests against the champion',
    )
    .option('--as-of <date>', 'default today', dateArg)
    .option('--json')
    .action((id: string, o: { asOf?: LocalDate; json?: boolean }) =>
      withPlatform(async (p) => {
        const r = await experimentResults(p, id, o.asOf ?? p.today());
        out(o.json ? JSON.stringify(r, null, 2) : formatResults(r));
      }),
    );

  ex.command('stop <id>')
    .requiredOption('--by <name>')
    .action((id: string, o: { by: string }) =>
      withPlatform(async (p) =>
        out(`${(await stopExperiment(p, id, o.by, p.today())).id}: stopped`),
      ),
    );

  ex.command('promote <id> <arm>')
    .description(
      "publish the arm's strategy version for the whole population and end the experiment",
    )
    .requiredOption('--by <name>')
    .requiredOption('--reason <text>')
    .action((id: string, arm: string, o: { by: string; reason: string }) =>
      withPlatform(async (p) => {
        const r = await promoteArm(p, id, arm, { by: o.by, reason: o.reason, on: p.today() });
        out(
          `${id}: ${arm} promoted; ${r.published.strategyId} v${r.published.version} in force from ${r.published.effectiveFrom}`,
        );
      }),
    );
}
