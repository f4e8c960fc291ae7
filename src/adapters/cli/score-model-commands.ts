/** `recoup score models|register|activate`: the model registry of scorecards. */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { ModelSummary } from '../../app/scoring/ports.ts';
import { activateModel, listModels, registerModel } from '../../app/scoring/registry.ts';
import { invalid } from '../../app/shared/errors.ts';
import { out, type WithPlatform, versionArg } from './format.ts';

/** `2026-05-01T09:30:00.000Z` as `2026-05-01 09:30Z`. */
const minute = (iso: string | null) => (iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}Z` : '-');

/** The registry as a table: purpose, version, name, active, registered by and at, note. */
export function formatModels(models: readonly ModelSummary[]): string {
  const rows = [
    ['PURPOSE', 'VERSION', 'NAME', 'ACTIVE', 'REGISTERED BY', 'REGISTERED AT', 'NOTE'],
    ...models.map((m) => [
      m.purpose,
      `v${m.version}`,
      m.name,
      m.active ? 'yes' : '',
      m.registeredBy,
      minute(m.registeredAt),
      m.note ?? '',
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function readModel(file: string): unknown {
  const text = readFileSync(file, 'utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw invalid(`${file} is not JSON`, [{ at: 'model', reason: (e as Error).message }]);
  }
}

export function registerScoreModelCommands(score: Command, withPlatform: WithPlatform) {
  score
    .command('models')
    .description('the registered scorecards: every version, which one is active, who registered it')
    .option('--purpose <purpose>', 'only this purpose (e.g. early_warning, collection)')
    .option('--json', 'as JSON')
    .action((o: { purpose?: string; json?: boolean }) =>
      withPlatform(async (p) => {
        const models = await listModels(p.models, o.purpose);
        if (o.json) out(JSON.stringify(models, null, 2));
        else if (models.length === 0)
          out('no models yet: recoup score register --model FILE --purpose P --by NAME');
        else out(formatModels(models));
      }),
    );

  score
    .command('register')
    .description('store a scorecard (JSON) as the next version of its purpose')
    .requiredOption('--model <file>', 'the scorecard document (JSON)')
    .requiredOption('--purpose <purpose>', 'what it scores for (e.g. early_warning, collection)')
    .requiredOption('--by <name>', 'who registers it')
    .option('--note <text>', 'why, or what changed')
    .option('--activate', 'make it the active version of the purpose')
    .action(
      (o: { model: string; purpose: string; by: string; note?: string; activate?: boolean }) =>
        withPlatform(async (p) => {
          const m = await registerModel(p.models, readModel(o.model), {
            purpose: o.purpose,
            by: o.by,
            note: o.note,
            activate: o.activate,
          });
          out(`${m.purpose} v${m.version}: ${m.name} registered${m.active ? ', active' : ''}`);
        }),
    );

  score
    .command('activate')
    .description('make a version the active one of its purpose (the one before is deactivated)')
    .requiredOption('--purpose <purpose>')
    .requiredOption('--version <n>', 'the version to activate', versionArg)
    .requiredOption('--by <name>', 'who activates it')
    .action((o: { purpose: string; version: number; by: string }) =>
      withPlatform(async (p) => {
        const m = await activateModel(p.models, o.purpose, o.version, o.by);
        out(`${m.purpose} v${m.version}: ${m.name} active`);
      }),
    );
}
