/**
 * `recoup score build-training-set|train-portfolio|classification|limits|monitor|account|
 * portfolio`: scoring the portfolio from its own history.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  accountScores,
  buildTrainingSet,
  monitoring,
  setClassification,
  setMonitoringLimits,
  trainFromPortfolio,
} from '../../app/scoring/portfolio.ts';
import type { LocalDate } from '../../domain/time/date.ts';
import { writeCsv } from '../files/csv-table.ts';
import { readJsonOrYaml } from '../files/documents.ts';
import { dateArg, out, type WithPlatform } from './format.ts';

const pct = (x: number | null) => (x === null ? '-' : `${(100 * x).toFixed(1)} %`);

export function registerScorePortfolioCommands(score: Command, withPlatform: WithPlatform): void {
  score
    .command('build-training-set')
    .description(
      "a purpose's training table from the portfolio's history: characteristics as of a day, the outcome after it",
    )
    .requiredOption('--purpose <purpose>', 'early_warning or collection')
    .requiredOption(
      '--as-of <date>',
      'the day the characteristics are taken (its horizon must have passed)',
      dateArg,
    )
    .requiredOption('--out <file>', 'where to write the table (CSV)')
    .action((flags: { purpose: string; asOf: LocalDate; out: string }) =>
      withPlatform(async (p) => {
        const t = await buildTrainingSet(p, flags.purpose, flags.asOf, p.today());
        writeCsv(flags.out, t.header, t.rows);
        out(
          `${t.population} accounts, ${t.events} events (${pct(t.population ? t.events / t.population : null)}) as of ${flags.asOf} written to ${flags.out}`,
        );
      }),
    );

  score
    .command('train-portfolio')
    .description("build a purpose's training table, train a scorecard on it and register it")
    .requiredOption('--purpose <purpose>', 'early_warning or collection')
    .requiredOption('--as-of <date>', 'the day the characteristics are taken', dateArg)
    .requiredOption('--by <name>', 'who registers it')
    .option('--activate', 'make it the active model of the purpose')
    .option('--seed <seed>', 'the seed of the holdout split', '1')
    .option('--out <file>', 'also write the model (JSON)')
    .action(
      (flags: {
        purpose: string;
        asOf: LocalDate;
        by: string;
        activate?: boolean;
        seed: string;
        out?: string;
      }) =>
        withPlatform(async (p) => {
          const r = await trainFromPortfolio(p, {
            purpose: flags.purpose,
            asOf: flags.asOf,
            today: p.today(),
            by: flags.by,
            seed: flags.seed,
            activate: flags.activate === true,
          });
          if (flags.out) writeFileSync(flags.out, `${JSON.stringify(r.model, null, 2)}\n`);
          const t = r.model.metrics.test;
          out(
            `${r.model.name}: ${r.table.population} accounts, ${r.table.events} events; ` +
              `${r.model.characteristics.length} characteristics; ` +
              (t ? `test AUC ${t.auc.toFixed(4)}, KS ${t.ks.toFixed(4)}; ` : '') +
              `registered as ${r.stored!.purpose} v${r.stored!.version}${r.stored!.active ? ' (active)' : ''}`,
          );
        }),
    );

  const cls = score
    .command('classification')
    .description('the customer classification standard (tiers)');
  cls
    .command('show', { isDefault: true })
    .description('the tiers, what they mean and the rules that give them')
    .option('--json', 'as JSON')
    .action((flags: { json?: boolean }) =>
      withPlatform(async (p) => {
        const c = await p.scoring.classification();
        if (flags.json) return out(JSON.stringify(c, null, 2));
        out(
          `purposes: ${c.purposes.current} while not past due, ${c.purposes.pastDue} once past due`,
        );
        for (const t of c.tiers)
          out(
            `${t.name}  ${t.label.en} / ${t.label['zh-CN']}\n   ${t.explanation.en}\n   ${t.explanation['zh-CN']}`,
          );
        out('rules (the first that matches):');
        c.rules.forEach((r, i) => {
          const { tier, ...cond } = r;
          const text = Object.entries(cond)
            .map(([k, v]) => `${k} ${Array.isArray(v) ? v.join('|') : String(v)}`)
            .join(', ');
          out(`  ${i}. ${tier}${text ? ` when ${text}` : ' otherwise'}`);
        });
      }),
    );
  cls
    .command('set <file>')
    .description('replace the classification standard with a YAML or JSON document')
    .action((file: string) =>
      withPlatform(async (p) => {
        const doc = readJsonOrYaml(file, 'classification');
        const c = await setClassification(p.scoring, doc);
        out(
          `classification set: ${c.tiers.map((t) => t.name).join(', ')} with ${c.rules.length} rules (from the next cycle)`,
        );
      }),
    );

  score
    .command('limits')
    .description('show or set the monitoring limits that raise alerts')
    .option('--psi <x>', 'PSI above this raises an alert', Number)
    .option(
      '--calibration-gap <x>',
      "a band's actual event rate this far from the predicted (0.1 = 10 points)",
      Number,
    )
    .option('--min-band-accounts <n>', 'bands with fewer accounts are not judged', Number)
    .action((flags: { psi?: number; calibrationGap?: number; minBandAccounts?: number }) =>
      withPlatform(async (p) => {
        const current = await p.scoring.monitoringLimits();
        const changed =
          flags.psi !== undefined ||
          flags.calibrationGap !== undefined ||
          flags.minBandAccounts !== undefined;
        const limits = changed
          ? await setMonitoringLimits(p.scoring, {
              ...current,
              ...(flags.psi !== undefined ? { psi: flags.psi } : {}),
              ...(flags.calibrationGap !== undefined
                ? { calibrationGap: flags.calibrationGap }
                : {}),
              ...(flags.minBandAccounts !== undefined
                ? { minBandAccounts: flags.minBandAccounts }
                : {}),
            })
          : current;
        out(JSON.stringify(limits));
      }),
    );

  score
    .command('monitor')
    .description("each model's stability (PSI), predicted against actual by band, and alerts")
    .option('--purpose <purpose>', 'one purpose')
    .option('--days <n>', 'days back', Number, 7)
    .option('--json', 'as JSON')
    .action((flags: { purpose?: string; days: number; json?: boolean }) =>
      withPlatform(async (p) => {
        // one row per purpose and day, newest first
        const rows = await monitoring(p.scoring, flags.purpose, flags.days * 8);
        if (flags.json) return out(JSON.stringify(rows, null, 2));
        if (rows.length === 0)
          return out('nothing monitored yet: no active model has been scored by the cycle');
        const latest = new Map<string, (typeof rows)[number]>();
        for (const r of rows) if (!latest.has(r.purpose)) latest.set(r.purpose, r);
        for (const r of latest.values()) {
          const history = rows.filter((x) => x.purpose === r.purpose).slice(0, flags.days);
          out(
            `${r.purpose} v${r.version} on ${r.asOf}: ${r.accounts} accounts, PSI ${r.psi.toFixed(3)} (last ${history.length} days: ${history.map((h) => h.psi.toFixed(3)).join(' ')})`,
          );
          out(
            `  bands: ${r.bands.map((b) => `${b.band} ${b.accounts} (${pct(b.meanProbability)})`).join(', ')}`,
          );
          if (r.calibration)
            out(
              `  snapshot ${r.calibration[0]!.snapshot}, predicted → actual: ${r.calibration
                .map((c) => `${c.band} ${pct(c.predicted)} → ${pct(c.actual)} (${c.accounts})`)
                .join(', ')}`,
            );
          else out('  no snapshot has reached its horizon yet');
          for (const a of r.alerts) out(`  ALERT ${a.message}`);
        }
      }),
    );

  score
    .command('account <id>')
    .description("an account's tier and scores with their reason codes")
    .action((id: string) =>
      withPlatform(async (p) => {
        out(JSON.stringify(await accountScores(p.scoring, id), null, 2));
      }),
    );

  score
    .command('portfolio')
    .description('accounts per tier, and per band of each purpose')
    .action(() =>
      withPlatform(async (p) => {
        out(JSON.stringify(await p.scoring.distribution(), null, 2));
      }),
    );
}
