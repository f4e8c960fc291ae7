/**
 * `recoup customer search|show|timeline|habits|note|tag`: the customer file from the command
 * line. Personal data is masked unless `--unmask` is given with a `--role` that may see it
 * (the view is recorded under `--user`).
 */
import { InvalidArgumentError, type Command } from 'commander';
import {
  addNote,
  addTag,
  customerFile,
  customerHabits,
  customerTimeline,
  searchCustomers,
} from '../../app/customers/customers.ts';
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
}
