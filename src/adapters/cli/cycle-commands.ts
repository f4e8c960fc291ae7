/**
 * `recoup cycle` run through the job queue (`--queue`: the workers do the partitions) and
 * `recoup cycle status`: a day's partitions, with a progress bar, each one's worker and time.
 */
import { InvalidArgumentError, type Command } from 'commander';
import type { CycleDayStatus } from '../../app/cycle/ports.ts';
import type { LocalDate } from '../../domain/time/date.ts';
import { cyclePartitions, loadConfig } from '../config.ts';
import { databaseNow, enqueueCycle, waitForDay } from '../cycle-runtime.ts';
import type { Platform } from '../platform.ts';
import { dateArg, out, type WithPlatform } from './format.ts';
import { bar, Progress } from './progress.ts';

/** `--partitions <n>`: a whole number from 1 to 1024. */
export function partitionsArg(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 1024)
    throw new InvalidArgumentError(`"${v}" is not a number of partitions (1 to 1024)`);
  return n;
}

/** The partitions a command cycles in: `--partitions`, else RECOUP_CYCLE_PARTITIONS. */
export const partitionsOf = (n: number | undefined) => n ?? cyclePartitions(loadConfig());

/** Queues the range for the workers and follows it until its last day is done. */
export async function cycleThroughQueue(
  p: Platform,
  range: { from: LocalDate; to: LocalDate },
  partitions: number,
  dispatch: 'live' | 'none',
  wait: boolean,
): Promise<void> {
  const since = await databaseNow(p);
  await enqueueCycle(p, range, partitions, dispatch);
  out(`cycle ${range.from}..${range.to} queued in ${partitions} partitions per day`);
  if (!wait) return;
  const progress = new Progress();
  await waitForDay(p, range.to, since, (s) => progress.update(progressLine(s)));
  progress.done(`cycle: done through ${range.to}`);
}

const seconds = (ms: number | null) => (ms === null ? '' : `${(ms / 1000).toFixed(1)} s`);

export function progressLine(s: CycleDayStatus): string {
  const accounts = s.parts.reduce((t, x) => t + (x.accounts ?? 0), 0);
  return `cycle ${s.asOf} ${bar(s.done, s.partitions)} partitions, ${accounts} accounts${s.state === 'done' ? ', finished' : ''}`;
}

/** The day's status as text: the bar, then one line per partition. */
export function statusText(s: CycleDayStatus, now: Date): string {
  const lines = [progressLine(s)];
  for (const x of s.parts) {
    const range = `(${x.afterId}, ${x.upToId ?? '∞'}]`;
    const time =
      x.state === 'done'
        ? seconds(x.durationMs)
        : x.state === 'running' && x.startedAt
          ? `${seconds(now.getTime() - new Date(x.startedAt).getTime())} so far`
          : '';
    const counts =
      x.state === 'done'
        ? `${x.accounts} accounts, ${x.transitions} transitions, ${x.actions} actions`
        : `${x.planned} accounts planned`;
    const notes = [
      x.attempts > 1 ? `(attempt ${x.attempts})` : '',
      x.lastError ? `last error: ${x.lastError}` : '',
    ].filter(Boolean);
    lines.push(
      [
        `  #${x.part}`.padEnd(6),
        range.padEnd(24),
        x.state.padEnd(8),
        (x.worker ?? '-').padEnd(28),
        time.padEnd(14),
        counts,
        ...notes,
      ]
        .join(' ')
        .trimEnd(),
    );
  }
  return lines.join('\n');
}

export function registerCycleStatus(cycle: Command, withPlatform: WithPlatform): void {
  cycle
    .command('status')
    .description("a day's partitions: done of all with a progress bar, each one's worker and time")
    .option('--date <date>', 'the day (default: the latest prepared)', dateArg)
    .option('--watch', 'redraw every second until the day is finished')
    .option('--json', 'as JSON')
    .action((o: { date?: LocalDate; watch?: boolean; json?: boolean }) =>
      withPlatform(async (p) => {
        for (;;) {
          const s = await p.cycles.status(o.date);
          if (!s) {
            out(o.date ? `no cycle was prepared for ${o.date}` : 'no cycle was prepared yet');
            return;
          }
          if (o.json) out(JSON.stringify(s, null, 2));
          else {
            const text = statusText(s, new Date());
            // on a terminal the watch redraws in place
            if (o.watch && process.stdout.isTTY) process.stdout.write('\x1b[H\x1b[2J');
            out(text);
          }
          if (!o.watch || s.state === 'done') return;
          await new Promise((r) => setTimeout(r, 1000));
        }
      }),
    );
}
