/** What each CLI command does, on an open platform. Parsing lives in main.ts. */
import { notifyBroken } from '../../app/plans/plans.ts';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { catchUpRange, runCycles } from '../../app/cycle/run-cycle.ts';
import { exportAccounts, type ExportFormat } from '../../app/export/export-accounts.ts';
import { importPortfolio, type ImportReport } from '../../app/import/import-portfolio.ts';
import { addDays, type LocalDate } from '../../domain/time/date.ts';
import { CsvFolderSource } from '../files/csv-source.ts';
import { trainFromPortfolio } from '../../app/scoring/portfolio.ts';
import { PURPOSES } from '../../domain/scoring/purposes.ts';
import { planDeps, type Platform } from '../platform.ts';
import { cyclePartitions, loadConfig } from '../config.ts';
import type { DeskOptions } from '../../app/dispatch/simulated-desk.ts';
import { prepareDay } from '../../app/dispatch/dispatcher.ts';
import { planFieldVisits } from '../../app/dispatch/tasks.ts';
import { evaluateAlerts } from '../../app/monitoring/monitoring.ts';
import {
  buildProviders,
  closeProviders,
  dispatchDeps,
  simulateDispatchDay,
} from '../dispatch-runtime.ts';
import { bar, Progress } from './progress.ts';
import type { Logger } from '../log.ts';

export async function importFolder(
  p: Platform,
  folder: string,
  options: { skipBad?: boolean; progress?: Progress },
): Promise<ImportReport> {
  const progress = options.progress ?? new Progress();
  const report = await importPortfolio(new CsvFolderSource(folder), p.imports, {
    skipBad: options.skipBad ?? false,
    onFile: (file, rows) => progress.update(`import: read ${file}.csv (${rows} rows)`),
  });
  progress.done(`import: ${report.status}`);
  if (p.db.engine === 'pglite') await p.db.checkpoint();
  return report;
}

export function printImportReport(report: ImportReport, out: Writable, limit = 200): void {
  for (const [file, s] of Object.entries(report.files)) {
    const written =
      s.inserted === undefined
        ? ''
        : `, ${s.inserted} inserted, ${s.updated} updated, ${s.unchanged} unchanged`;
    const rejected = s.rejected === -1 ? 'file rejected' : `${s.rejected} rejected`;
    out.write(`${file}: ${s.rows} rows, ${rejected}${written}\n`);
  }
  for (const e of report.errors.slice(0, limit)) {
    out.write(`${e.file}:${e.line}${e.column ? `:${e.column}` : ''}: ${e.reason}\n`);
  }
  if (report.errors.length > limit)
    out.write(`... and ${report.errors.length - limit} more errors\n`);
  if (report.status === 'rejected')
    out.write('nothing was written (use --skip-bad to write the good rows)\n');
}

/**
 * How a cycled day's actions are dispatched: `live` prepares them for the workers (a past day's
 * expire unsent); `simulate` also sends a past day's with a simulated clock through the sandbox
 * (the demo's history); `none` leaves them planned.
 */
export type DispatchMode = 'live' | 'simulate' | 'none';

/**
 * How many past days `simulate` sends through the sandbox (the demo's recent history); the
 * actions of days before them stay planned, undispatched.
 */
export const SIMULATED_DISPATCH_DAYS = 30;

/**
 * What follows each cycled day (plans broken, the alert rules, the day's dispatch), the same
 * whether the day was cycled here or by workers; `close` releases the gateways.
 */
export function dayAfterCycle(
  p: Platform,
  dispatch: DispatchMode = 'live',
  simulation: { days?: number; desk?: DeskOptions } = {},
): { afterDay: (day: LocalDate) => Promise<void>; close: () => Promise<void> } {
  const simulatedDays = simulation.days ?? SIMULATED_DISPATCH_DAYS;
  const config = loadConfig();
  const providers = buildProviders(p, config.channels, { sandbox: dispatch === 'simulate' });
  const dd = dispatchDeps(p, providers, config.channels, 'cycle');
  const today = p.today();
  const plans = planDeps(p, config.channels.companyName);
  const afterDay = async (day: LocalDate) => {
    // plans the cycle found broken: a call for the collector who agreed each
    await notifyBroken(plans, day);
    // the alert rules on the numbers of the day just cycled (the live stream looks again later)
    const monitoring = { monitoring: p.monitoring, policies: p.policies, clock: p.clock };
    await evaluateAlerts({ ...monitoring, timezone: p.timezone }, day);
    if (dispatch === 'none') return;
    if (dispatch === 'simulate' && day < today) {
      if (day >= addDays(today, -simulatedDays))
        await simulateDispatchDay(dd, p, day, p.timezone, simulation.desk);
    } else {
      await prepareDay(dd, day, p.clock.now());
      // the demo's field agents start today with their routes planned
      if (dispatch === 'simulate')
        await planFieldVisits({ tasks: p.tasks, dispatch: p.dispatch }, day, p.clock.now());
    }
  };
  return { afterDay, close: () => closeProviders(providers) };
}

export async function cycleDays(
  p: Platform,
  range: { from: LocalDate; to: LocalDate },
  progress = new Progress(),
  dispatch: DispatchMode = 'live',
  simulation: { days?: number; desk?: DeskOptions; log?: Logger; partitions?: number } = {},
): Promise<void> {
  const t0 = performance.now();
  let accounts = 0;
  const after = dayAfterCycle(p, dispatch, simulation);
  const deps = {
    cycles: p.cycles,
    policies: p.policies,
    clock: p.clock,
    planner: p.planner,
    afterDay: after.afterDay,
    // the same partitions as the workers', one after the other
    partitions: simulation.partitions ?? cyclePartitions(loadConfig()),
  };
  await runCycles(deps, range, (r, i, n) => {
    accounts = r.accounts;
    // a long-running process (npm start) logs each cycled day as an operational event
    simulation.log?.info(
      {
        asOf: r.asOf,
        accounts: r.accounts,
        transitions: r.transitions,
        actions: r.actions,
        durationMs: r.durationMs,
      },
      'cycle day done',
    );
    progress.update(
      `cycle ${bar(i + 1, n)} ${r.asOf}: ${r.accounts} accounts, ${r.transitions} transitions, ` +
        `${r.actions} actions, ${r.durationMs} ms`,
    );
  });
  await after.close();
  if (p.db.engine === 'pglite') await p.db.checkpoint();
  progress.done(
    `cycle: done through ${range.to} (${accounts} accounts) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
}

/** Cycles the days since the last cycle up to today (at most `maxDays`). */
export async function catchUp(
  p: Platform,
  maxDays: number,
  progress?: Progress,
  dispatch: DispatchMode = 'live',
  log?: Logger,
): Promise<void> {
  const range = catchUpRange(await p.cycles.lastCycled(), p.today(), maxDays);
  if (range) await cycleDays(p, range, progress, dispatch, log ? { log } : {});
}

export async function exportTo(
  p: Platform,
  asOf: LocalDate,
  format: ExportFormat,
  outFile: string | undefined,
): Promise<number> {
  const stream: Writable = outFile ? createWriteStream(outFile) : process.stdout;
  const n = await exportAccounts({ exporter: p.exporter, policies: p.policies }, asOf, format, {
    write: async (text) => {
      if (!stream.write(text)) await once(stream, 'drain');
    },
  });
  if (outFile) {
    stream.end();
    await once(stream, 'finish');
  }
  return n;
}

/**
 * Trains, registers and activates the early-warning and collection scorecards of the demo on
 * the portfolio's history before `firstDay`: each as of the latest day whose horizon ends
 * before it.
 */
export async function trainDemoModels(
  p: Platform,
  firstDay: LocalDate,
  progress: Progress,
): Promise<void> {
  for (const purpose of ['early_warning', 'collection'] as const) {
    const asOf = addDays(firstDay, -(PURPOSES[purpose].horizonDays + 1));
    progress.update(`training the ${purpose} scorecard on the history as of ${asOf}`);
    const r = await trainFromPortfolio(p, {
      purpose,
      asOf,
      today: addDays(firstDay, -1),
      by: 'recoup',
      activate: true,
      note: 'the demo model, trained on the demo portfolio at first start',
    });
    const t = r.model.metrics.test;
    progress.done(
      `${purpose}: v${r.stored!.version} on ${r.table.population} accounts (${r.table.events} events), ` +
        `${r.model.characteristics.length} characteristics${t ? `, test AUC ${t.auc.toFixed(3)}` : ''}`,
    );
  }
}

export const DEMO_SEED = 42;
export const DEMO_HISTORY_DAYS = 90;

export function demoRange(today: LocalDate) {
  return { from: addDays(today, -(DEMO_HISTORY_DAYS - 1)), to: today };
}
