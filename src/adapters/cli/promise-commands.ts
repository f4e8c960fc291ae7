/**
 * `recoup promise add|list|cancel|import|rates|policy`: promises to pay from the command line,
 * one at a time or a file of them.
 */
import { InvalidArgumentError, type Command } from 'commander';
import {
  cancelPromise,
  importPromises,
  listPromises,
  makePromise,
  promiseRates,
  setPromisePolicy,
  type PromiseFileRow,
} from '../../app/promises/promises.ts';
import type { StoredPromise } from '../../app/promises/ports.ts';
import { formatMinor } from '../../domain/money/currency.ts';
import type { LocalDate } from '../../domain/time/date.ts';
import type { Platform } from '../platform.ts';
import { readJsonOrYaml } from '../files/documents.ts';
import { dateArg, out, pct, readRowFile, type WithPlatform } from './format.ts';

const FILE_COLUMNS = ['account', 'amount', 'promised_for', 'by'] as const;
const OPTIONAL_COLUMNS = ['channel', 'notes'] as const;

function idArg(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`"${v}" is not a promise id`);
  return n;
}

const line = (x: StoredPromise) =>
  [
    String(x.id).padStart(6),
    x.account,
    `${formatMinor(x.amountMinor, x.currency)} ${x.currency}`,
    `for ${x.promisedFor}`,
    x.status + (x.late ? ' (late)' : ''),
    `paid ${formatMinor(x.paidMinor, x.currency)}`,
    `by ${x.madeBy} on ${x.madeOn} (${x.channel})`,
  ].join('  ');

export function registerPromiseCommands(cli: Command, withPlatform: WithPlatform): void {
  const promise = cli.command('promise').description('promises to pay');
  const deps = (p: Platform) => ({ promises: p.promises, clock: p.clock });

  promise
    .command('add')
    .description(
      'record a promise to pay on an account (its treatment path waits until the date and grace)',
    )
    .requiredOption('--account <id>', 'the account')
    .requiredOption('--amount <amount>', 'in the account currency, e.g. 120.50')
    .requiredOption('--date <date>', 'the promised date', dateArg)
    .requiredOption('--by <name>', 'who took the promise')
    .option(
      '--channel <channel>',
      'phone, field_visit, sms, email, letter, self_service or other',
      'phone',
    )
    .option('--notes <text>', 'notes')
    .action(
      (o: {
        account: string;
        amount: string;
        date: LocalDate;
        by: string;
        channel: string;
        notes?: string;
      }) =>
        withPlatform(async (p) => {
          const r = await makePromise(deps(p), o.account, {
            amount: o.amount,
            promisedFor: o.date,
            by: o.by,
            channel: o.channel,
            ...(o.notes !== undefined ? { notes: o.notes } : {}),
          });
          out(line(r.promise));
        }),
    );

  promise
    .command('list')
    .description('promises, newest first')
    .option('--account <id>', 'of one account')
    .option('--status <status>', 'open, kept, partially_kept, broken or cancelled')
    .option('--by <name>', 'taken by')
    .option('--from <date>', 'made on or after', dateArg)
    .option('--to <date>', 'made on or before', dateArg)
    .option('--limit <n>', 'at most this many', '100')
    .option('--json', 'as JSON')
    .action(
      (o: {
        account?: string;
        status?: string;
        by?: string;
        from?: LocalDate;
        to?: LocalDate;
        limit: string;
        json?: boolean;
      }) =>
        withPlatform(async (p) => {
          const list = await listPromises(deps(p), {
            account: o.account,
            status: o.status,
            madeBy: o.by,
            from: o.from,
            to: o.to,
            limit: Number(o.limit),
          });
          if (o.json) out(JSON.stringify(list, null, 2));
          else for (const x of list) out(line(x));
        }),
    );

  promise
    .command('cancel')
    .description('cancel an open promise')
    .argument('<id>', 'the promise', idArg)
    .requiredOption('--by <name>', 'who cancels it')
    .requiredOption('--reason <text>', 'why')
    .action((id: number, o: { by: string; reason: string }) =>
      withPlatform(async (p) => out(line(await cancelPromise(deps(p), id, o.by, o.reason)))),
    );

  promise
    .command('import')
    .description(
      `record the promises of a CSV file (columns ${FILE_COLUMNS.join(', ')}; optional ${OPTIONAL_COLUMNS.join(', ')}): all of them, or none when a row is wrong`,
    )
    .argument('<file>', 'the CSV file')
    .action((file: string) =>
      withPlatform(async (p) => {
        const { rows: lines, col } = readRowFile(file, FILE_COLUMNS);
        const rows = lines.map((r, i) => {
          const row: PromiseFileRow = {
            account: col(r, 'account') ?? '',
            amount: col(r, 'amount') ?? '',
            promisedFor: col(r, 'promised_for') ?? '',
            by: col(r, 'by') ?? '',
            channel: col(r, 'channel'),
            notes: col(r, 'notes'),
          };
          // the header is line 1
          return { line: i + 2, row };
        });
        const r = await importPromises(deps(p), rows);
        out(`${r.imported} promises recorded from ${file}`);
      }),
    );

  promise
    .command('rates')
    .description(
      'promise and kept rates of the promises made in a period, per collector or segment',
    )
    .requiredOption('--from <date>', 'made on or after', dateArg)
    .requiredOption('--to <date>', 'made on or before', dateArg)
    .option('--per <what>', 'collector or segment', 'collector')
    .option('--json', 'as JSON')
    .action((o: { from: LocalDate; to: LocalDate; per: string; json?: boolean }) =>
      withPlatform(async (p) => {
        const groups = await promiseRates(deps(p), o.from, o.to, o.per);
        if (o.json) return out(JSON.stringify(groups, null, 2));
        out(`${o.per.padEnd(24)} made  kept  late  part  broken  open  kept rate  promised / paid`);
        for (const g of groups) {
          const r = g.rates;
          out(
            [
              (g.key || '(none)').padEnd(24),
              String(r.made).padStart(4),
              String(r.kept).padStart(5),
              String(r.keptLate).padStart(5),
              String(r.partiallyKept).padStart(5),
              String(r.broken).padStart(7),
              String(r.open).padStart(5),
              pct(r.keptRate).padStart(10),
              `  ${formatMinor(r.promisedMinor, g.currency)} / ${formatMinor(r.paidMinor, g.currency)} ${g.currency}`,
            ].join(' '),
          );
        }
      }),
    );

  promise
    .command('policy')
    .description('show the promise policy, or set it from a file (JSON or YAML)')
    .argument('[file]', 'the policy to set')
    .action((file: string | undefined) =>
      withPlatform(async (p) =>
        out(
          JSON.stringify(
            file
              ? await setPromisePolicy(deps(p), readJsonOrYaml(file, 'promise policy'))
              : await p.promises.policy(),
            null,
            2,
          ),
        ),
      ),
    );
}
