/** `recoup strategy validate|draft|publish|retire|list|show|diff|diagram`. */
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import {
  compileOrThrow,
  diagramOf,
  diffVersions,
  publishSource,
  publishVersion,
  retireVersion,
  saveDraft,
  versionOrThrow,
} from '../../app/strategy/strategies.ts';
import type { StrategyVersion } from '../../app/strategy/ports.ts';
import { reviewStrategy } from '../../app/strategy/review.ts';
import type { Review } from '../../domain/review/review.ts';
import { formatMinor } from '../../domain/money/currency.ts';
import { strategyDiagram } from '../../domain/strategy/diagram.ts';
import { formatDiff } from '../../domain/strategy/diff.ts';
import { parseStrategy } from '../../domain/strategy/validate.ts';
import { type LocalDate } from '../../domain/time/date.ts';
import { dateArg, out, pct, type WithPlatform, versionArg } from './format.ts';

function describe(v: StrategyVersion): string {
  const when = v.status === 'draft' ? 'draft' : `${v.status}, effective ${v.effectiveFrom}`;
  const who = v.publishedBy
    ? ` by ${v.publishedBy}: ${v.publishReason}`
    : ` (drafted by ${v.createdBy})`;
  return `${v.strategyId} v${v.version}  ${v.name}  [${when}]${who}`;
}

export function registerStrategyCommands(
  cli: Command,
  withPlatform: WithPlatform,
  setExit: (code: number) => void,
) {
  const st = cli
    .command('strategy')
    .description('collections strategies: validate, publish, compare, draw');

  st.command('validate <file>')
    .description('check a strategy document (YAML or JSON) and its expressions')
    .action((file: string) => {
      const r = parseStrategy(readFileSync(file, 'utf8'));
      if (r.ok) {
        const steps = r.strategy.segments.reduce((n, s) => n + s.steps.length, 0);
        out(`${file}: valid (${r.strategy.segments.length} segments, ${steps} steps)`);
      } else {
        for (const e of r.errors) out(`${file}: ${e.path ? `${e.path}: ` : ''}${e.reason}`);
        setExit(1);
      }
    });

  st.command('draft <file>')
    .description('store a document as a new draft version')
    .requiredOption('--by <name>', 'who drafted it')
    .action((file: string, o: { by: string }) =>
      withPlatform(async (p) =>
        out(describe(await saveDraft(p.strategies, readFileSync(file, 'utf8'), o.by))),
      ),
    );

  st.command('publish [file]')
    .description(
      'publish a document, or an existing version (a draft, or an older one to roll back)',
    )
    .requiredOption('--by <name>', 'who publishes it')
    .requiredOption('--reason <text>', 'why')
    .option('--effective <date>', 'the first day it is in force (default today)', dateArg)
    .option('--strategy <id>', 'with --version: the strategy')
    .option('--version <n>', 'publish this version of --strategy', versionArg)
    .action(
      (
        file: string | undefined,
        o: {
          by: string;
          reason: string;
          effective?: LocalDate;
          strategy?: string;
          version?: number;
        },
      ) =>
        withPlatform(async (p) => {
          const input = { by: o.by, reason: o.reason, effectiveFrom: o.effective ?? p.today() };
          if (o.version !== undefined) {
            if (!o.strategy) throw new InvalidArgumentError('--version needs --strategy');
            out(describe(await publishVersion(p.strategies, o.strategy, o.version, input)));
          } else if (file) {
            out(describe(await publishSource(p.strategies, readFileSync(file, 'utf8'), input)));
          } else {
            throw new InvalidArgumentError('give a file, or --strategy and --version');
          }
        }),
    );

  st.command('retire <strategy> <version>')
    .description('take a published version out of use')
    .action((id: string, v: string) =>
      withPlatform(async (p) =>
        out(describe(await retireVersion(p.strategies, id, versionArg(v)))),
      ),
    );

  st.command('list')
    .description('every version, with status, effective date, who published it and why')
    .option('--strategy <id>')
    .action((o: { strategy?: string }) =>
      withPlatform(async (p) => {
        const versions = await p.strategies.list(o.strategy);
        const inForce = await p.strategies.inForce(o.strategy ?? 'default', p.today());
        for (const v of versions) out(`${v.id === inForce?.id ? '*' : ' '} ${describe(v)}`);
        if (versions.length === 0)
          out(
            'no strategies yet: recoup strategy publish strategies/default.yaml --by NAME --reason TEXT',
          );
      }),
    );

  st.command('show <strategy> <version>')
    .description('print a version: its details and its document')
    .action((id: string, v: string) =>
      withPlatform(async (p) => {
        const version = await versionOrThrow(p.strategies, id, versionArg(v));
        out(`# ${describe(version)}\n${version.source}`);
      }),
    );

  st.command('diff <strategy> <from> <to>')
    .description('the changes between two versions')
    .action((id: string, a: string, b: string) =>
      withPlatform(async (p) => {
        const text = formatDiff(await diffVersions(p.strategies, id, versionArg(a), versionArg(b)));
        out(text || 'no differences');
      }),
    );

  st.command('review')
    .description(
      'per version, segment and step: entries, cures, collections, actions, costs, idle steps',
    )
    .requiredOption('--from <date>', 'first day', dateArg)
    .requiredOption('--to <date>', 'last day', dateArg)
    .option('--strategy <id>', 'the strategy', 'default')
    .option('--json', 'print the review as JSON')
    .action((o: { from: LocalDate; to: LocalDate; strategy: string; json?: boolean }) =>
      withPlatform(async (p) => {
        const reviews = await reviewStrategy(p, o.strategy, o.from, o.to);
        if (o.json) out(JSON.stringify(reviews, null, 2));
        else if (reviews.length === 0)
          out(`no activity of ${o.strategy} between ${o.from} and ${o.to}`);
        else for (const r of reviews) out(formatReview(o.strategy, r));
      }),
    );

  st.command('diagram <fileOrStrategy> [version]')
    .description('the strategy as a Mermaid flow chart, from a file or a stored version')
    .action(async (target: string, v: string | undefined) => {
      if (v === undefined) {
        out(strategyDiagram(compileOrThrow(readFileSync(target, 'utf8')).doc));
        return;
      }
      await withPlatform(async (p) => out(await diagramOf(p.strategies, target, versionArg(v))));
    });
}

const amounts = (m: Record<string, number>) =>
  Object.entries(m)
    .map(([c, v]) => `${formatMinor(v, c)} ${c}`)
    .join(', ') || '-';

function formatReview(strategyId: string, r: Review): string {
  const lines = [
    `${strategyId} v${r.version}, ${r.from} to ${r.to} (responses within ${r.responseWindowDays} days; costs in ${r.costCurrency})`,
  ];
  for (const s of r.segments) {
    lines.push(
      `  ${s.segmentId}: ${s.entered} entered, ${s.cured} cured (${pct(s.cureRate)}), collected ${amounts(s.collected)}, cost ${formatMinor(s.cost, r.costCurrency)}`,
    );
    for (const st of s.steps) {
      lines.push(
        `    ${st.stepId} (${st.channel}): ${st.planned} planned, ${st.skipped} skipped, ${st.responders} paid after (${pct(st.responseRate)}), collected ${amounts(st.collected)}, cost ${formatMinor(st.cost, r.costCurrency)}${st.flag ? `  ⚠ ${st.flag}` : ''}`,
      );
    }
  }
  const byChannel = Object.entries(r.costByChannel).map(
    ([c, v]) => `${c} ${formatMinor(v, r.costCurrency)}`,
  );
  lines.push(`  cost by channel: ${byChannel.join(', ') || '-'}`);
  return lines.join('\n');
}
