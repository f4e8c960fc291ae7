/**
 * `recoup customer search|show|timeline|habits|note|tag`: the customer file from the command
 * line. Personal data is masked unless `--unmask` is given with a `--role` that may see it
 * (the view is recorded under `--user`). `recoup customer erase|erasures`: a customer's
 * personal data erased on request, acting as an administrator, and the list of erasures.
 */
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { InvalidArgumentError, type Command } from 'commander';
import {
  addNote,
  addTag,
  customerFile,
  customerHabits,
  customerTimeline,
  searchCustomers,
} from '../../app/customers/customers.ts';
import { eraseCustomer, listErasures, reapplyErasures } from '../../app/customers/erasure.ts';
import { invalid } from '../../app/shared/errors.ts';
import type { Erasure } from '../../domain/customers/erasure.ts';
import { isRole, ROLES, type Actor } from '../../domain/access/roles.ts';
import { formatMinor } from '../../domain/money/currency.ts';
import type { Platform } from '../platform.ts';
import { out, pct, type WithPlatform } from './format.ts';

interface ActorOptions {
  user: string;
  role: string;
}

function actorOf(o: ActorOptions): Actor {
  if (!isRole(o.role))
    throw new InvalidArgumentError(`"${o.role}" is not a role (${ROLES.join(', ')})`);
  return { user: o.user, role: o.role };
}

const withActor = (c: Command) =>
  c
    .option('--user <id>', 'who is looking (recorded with an unmasked view)', 'cli')
    .option('--role <role>', `the role acting: ${ROLES.join(', ')}`, 'analyst');

const limitArg = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`"${v}" is not a count`);
  return n;
};

export function registerCustomerCommands(cli: Command, withPlatform: WithPlatform): void {
  const customer = cli
    .command('customer')
    .description('customer files: search, show, timeline, habits');
  const deps = (p: Platform) => ({ customers: p.customers, policies: p.policies, clock: p.clock });

  customer
    .command('search')
    .description('find customers by name, phone, email, customer id or account id (masked)')
    .argument('[text]', 'what to look for (nothing: every customer)', '')
    .option('--limit <n>', 'at most this many', limitArg, 20)
    .option('--cursor <id>', 'the page after this customer id')
    .option('--json', 'as JSON')
    .action((q: string, o: { limit: number; cursor?: string; json?: boolean }) =>
      withPlatform(async (p) => {
        const r = await searchCustomers(deps(p), { q, limit: o.limit, cursor: o.cursor });
        if (o.json) return out(JSON.stringify(r, null, 2));
        for (const c of r.items)
          out(
            [
              c.id.padEnd(14),
              c.name.padEnd(24),
              (c.phone ?? '-').padEnd(16),
              (c.email ?? '-').padEnd(28),
              c.accounts.join(','),
            ].join(' '),
          );
        if (r.next) out(`more: --cursor ${r.next}`);
      }),
    );

  withActor(
    customer
      .command('show')
      .description(
        "a customer's file: contact points, addresses, financials, accounts, tags, notes",
      )
      .argument('<id>', 'the customer id')
      .option('--unmask', 'personal data in full (roles that may; the view is recorded)')
      .option('--json', 'as JSON'),
  ).action((id: string, o: ActorOptions & { unmask?: boolean; json?: boolean }) =>
    withPlatform(async (p) => {
      const f = await customerFile(deps(p), id, actorOf(o), o.unmask);
      if (o.json) return out(JSON.stringify(f, null, 2));
      out(
        `${f.id}  ${f.name}  ${f.language}  ${f.timezone}  ${f.jurisdiction}${f.doNotContact ? '  DO NOT CONTACT' : ''}${f.masked ? '  (masked)' : ''}`,
      );
      for (const c of [...f.phones, ...f.emails])
        out(
          `  ${c.kind.padEnd(6)} ${c.value.padEnd(28)} ${c.type.padEnd(7)}${c.primary ? ' primary' : ''}${c.verified ? ' verified' : ''}${c.consentOn ? ` consent ${c.consentOn}` : ''}${c.optedOutOn ? ` opted out ${c.optedOutOn}` : ''}`,
        );
      for (const a of f.addresses)
        out(`  address ${a.line} (${a.type})${a.primary ? ' primary' : ''}`);
      if (f.financials) {
        const x = f.financials;
        out(
          `  works at ${x.employer ?? '-'}${x.occupation ? ` as ${x.occupation}` : ''}; income ${x.incomeMinor === null || !x.incomeCurrency ? '-' : `${formatMinor(x.incomeMinor, x.incomeCurrency)} ${x.incomeCurrency} a ${x.incomePeriod}`}`,
        );
      }
      for (const a of f.accounts) {
        const s = a.state;
        out(
          `  account ${a.id} ${a.product} ${a.currency}: ${s ? `outstanding ${formatMinor(s.outstandingMinor, a.currency)}, arrears ${formatMinor(s.arrearsMinor, a.currency)}, ${s.pastDueDays} days past due, ${s.bucket}${s.onHold ? ', on hold' : ''}` : 'not cycled yet'}${a.tier ? `, tier ${a.tier.tier}` : ''}${a.segment ? `, segment ${a.segment}` : ''}`,
        );
        for (const sc of a.scores)
          out(`    ${sc.purpose} score ${sc.points} (${sc.band}): ${sc.reasons.join(', ')}`);
        for (const h of a.holds)
          out(`    ${h.kind} hold from ${h.from}${h.to ? ` to ${h.to}` : ''}`);
      }
      for (const o of f.optOuts)
        out(
          `  opted out of ${o.channel}${o.recipient ? ` for ${o.recipient}` : ''} since ${o.since.slice(0, 10)} (${o.source})`,
        );
      if (f.tags.length > 0) out(`  tags: ${f.tags.join(', ')}`);
      for (const n of f.notes) out(`  note ${n.writtenAt.slice(0, 16)} ${n.writtenBy}: ${n.body}`);
    }),
  );

  withActor(
    customer
      .command('timeline')
      .description('everything that happened to a customer, newest first')
      .argument('<id>', 'the customer id')
      .option('--kinds <list>', 'only these kinds (comma-separated)')
      .option('--limit <n>', 'at most this many', limitArg, 50)
      .option('--cursor <cursor>', 'the next page (printed after a full page)')
      .option('--unmask', 'personal data in full (roles that may; the view is recorded)')
      .option('--json', 'as JSON'),
  ).action(
    (
      id: string,
      o: ActorOptions & {
        kinds?: string;
        limit: number;
        cursor?: string;
        unmask?: boolean;
        json?: boolean;
      },
    ) =>
      withPlatform(async (p) => {
        const r = await customerTimeline(deps(p), id, actorOf(o), {
          kinds: o.kinds,
          limit: o.limit,
          cursor: o.cursor,
          unmask: o.unmask,
        });
        if (o.json) return out(JSON.stringify(r, null, 2));
        for (const e of r.items)
          out(
            `${e.at.slice(0, 16).replace('T', ' ')}  ${e.kind.padEnd(8)} ${(e.account ?? '').padEnd(12)} ${e.summary}`,
          );
        if (r.next) out(`more: --cursor ${r.next}`);
      }),
  );

  customer
    .command('habits')
    .description('repayment habits from the history of all the customer’s accounts')
    .argument('<id>', 'the customer id')
    .option('--json', 'as JSON')
    .action((id: string, o: { json?: boolean }) =>
      withPlatform(async (p) => {
        const h = await customerHabits(deps(p), id);
        if (o.json) return out(JSON.stringify(h, null, 2));
        const last = h.lastPayment;
        out(`as of ${h.asOf}`);
        out(
          `  on time             ${h.onTime} of ${h.instalmentsDue} instalments (${pct(h.onTimeRatio)})`,
        );
        out(
          `  average days late   ${h.averageDaysLate === null ? '-' : h.averageDaysLate.toFixed(1)}`,
        );
        out(
          `  usual payment day   ${h.usualPaymentDay ?? '-'}${h.usualPaymentDayShare === null ? '' : ` (${pct(h.usualPaymentDayShare)} of payments)`}`,
        );
        out(
          `  partial payments    ${h.partialPayments} (${pct(h.partialPaymentRatio)} of payments made while due)`,
        );
        out(`  promises kept       ${pct(h.promisesKeptRatio)} of ${h.promisesMade} made`);
        out(
          `  last payment        ${last ? `${formatMinor(last.amountMinor, last.currency)} ${last.currency} on ${last.paidOn} (${last.account})` : '-'}`,
        );
      }),
    );

  withActor(
    customer
      .command('note')
      .description('write a note on a customer')
      .argument('<id>', 'the customer id')
      .argument('<text>', 'the note')
      .option('--account <id>', 'about one of their accounts'),
  ).action((id: string, text: string, o: ActorOptions & { account?: string }) =>
    withPlatform(async (p) => {
      const n = await addNote(deps(p), id, { body: text, account: o.account }, actorOf(o));
      out(`note ${n.id} written`);
    }),
  );

  withActor(
    customer
      .command('tag')
      .description('tag a customer')
      .argument('<id>', 'the customer id')
      .argument('<tag>', 'the tag'),
  ).action((id: string, tag: string, o: ActorOptions) =>
    withPlatform(async (p) => {
      const r = await addTag(deps(p), id, tag, actorOf(o));
      out(r.added ? `tagged ${r.tag}` : `already tagged ${r.tag}`);
    }),
  );

  registerErasureCommands(customer, withPlatform);
}

/** The command line acts as an administrator, recorded under the operating-system user. */
const operator = (): Actor => ({ user: `cli:${userInfo().username}`, role: 'administrator' });

function readErasures(file: string): Erasure[] {
  let list: unknown;
  try {
    list = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw invalid(`${file} is not a list of erasures: ${(e as Error).message}`);
  }
  if (!Array.isArray(list))
    throw invalid(`${file} is not a list of erasures (recoup customer erasures --json)`);
  return list as Erasure[];
}

function registerErasureCommands(customer: Command, withPlatform: WithPlatform): void {
  const deps = (p: Platform) => ({ erasures: p.erasures, clock: p.clock });
  customer
    .command('erase')
    .description(
      "erase a customer's personal data on request (the ledger keeps its rows; contact stops)",
    )
    .argument('[id]', "the customer's id (the lender's), or the internal id")
    .option('--reason <text>', 'why the data is erased (required; recorded, with no personal data)')
    .option('--reapply', 'repeat every recorded erasure, e.g. after a backup is restored')
    .option('--from <file>', 'with --reapply: also the erasures in this file (erasures --json)')
    .option('--json', 'as JSON')
    .action(
      (
        id: string | undefined,
        o: { reason?: string; reapply?: boolean; from?: string; json?: boolean },
      ) =>
        withPlatform(async (p) => {
          if (o.reapply) {
            if (id !== undefined) throw invalid('--reapply repeats every erasure: give no id');
            const list = o.from ? readErasures(o.from) : [];
            const r = await reapplyErasures(deps(p), operator(), list);
            if (o.json) return out(JSON.stringify(r, null, 2));
            for (const x of r)
              out(
                `${x.customer.padEnd(16)} ${!x.present ? 'not in the database' : x.rowsChanged > 0 ? `erased again (${x.rowsChanged} rows)` : 'nothing to erase'}${x.recorded ? ', recorded' : ''}`,
              );
            out(`${r.length} erasures, ${r.filter((x) => x.rowsChanged > 0).length} applied again`);
            return;
          }
          if (id === undefined) throw invalid('give the customer id (or --reapply)');
          const r = await eraseCustomer(deps(p), id, o.reason ?? '', operator());
          if (o.json) return out(JSON.stringify(r, null, 2));
          out(
            r.erased
              ? `erased the personal data of customer ${r.customer} (${r.rowsChanged} rows)`
              : `customer ${r.customer} was erased on ${r.erasure.at} by ${r.erasure.by}: nothing to do`,
          );
        }),
    );

  customer
    .command('erasures')
    .description(
      'the customers whose personal data was erased (keep the --json list with the backups)',
    )
    .option('--json', 'as JSON (what erase --reapply --from reads)')
    .action((o: { json?: boolean }) =>
      withPlatform(async (p) => {
        const r = await listErasures(deps(p));
        if (o.json) return out(JSON.stringify(r, null, 2));
        for (const e of r) out(`${e.customer.padEnd(16)} ${e.at}  ${e.by}  ${e.reason}`);
      }),
    );
}
