/**
 * `recoup plan preview|create|list|approve|reject|cancel|import|policy`: repayment plans from
 * the command line, one at a time or a file of them. Who acts is given with --by and --role.
 */
import { InvalidArgumentError, type Command } from 'commander';
import {
  approvePlan,
  cancelPlan,
  importPlans,
  listPlans,
  previewPlan,
  proposePlan,
  rejectPlan,
  setPlanPolicy,
  type PlanFileRow,
  type PlanInput,
} from '../../app/plans/plans.ts';
import type { StoredPlan } from '../../app/plans/ports.ts';
import { isRole, type Actor } from '../../domain/access/roles.ts';
import { formatMinor } from '../../domain/money/currency.ts';
import { readJsonOrYaml } from '../files/documents.ts';
import { planDeps, type Platform } from '../platform.ts';
import { loadConfig } from '../config.ts';
import { out, readRowFile, type WithPlatform } from './format.ts';

/** The file's columns: the required ones, then the optional terms (the CLI's option names). */
const FILE_COLUMNS = ['account', 'kind'] as const;
const TERM_COLUMNS: Record<string, keyof PlanInput> = {
  scope: 'scope',
  count: 'count',
  frequency: 'frequency',
  start: 'start',
  down_payment: 'downPayment',
  discount_percent: 'discountPercent',
  from: 'from',
  days: 'days',
  fee: 'fee',
  payment: 'payment',
  then_count: 'thenCount',
  notes: 'notes',
};

function idArg(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`"${v}" is not a plan id`);
  return n;
}

const actorOf = (o: { by: string; role: string }): Actor => {
  if (!isRole(o.role)) throw new InvalidArgumentError(`"${o.role}" is not a role`);
  return { user: o.by, role: o.role };
};

const money = (minor: number, currency: string) => `${formatMinor(minor, currency)} ${currency}`;

const line = (x: StoredPlan) =>
  [
    String(x.id).padStart(6),
    x.account,
    x.kind.padEnd(10),
    x.status.padEnd(9),
    `pays ${money(x.payMinor, x.currency)} in ${x.payments.length}`,
    `${x.paidCount} paid`,
    x.writeOffMinor > 0 ? `writes off ${money(x.writeOffMinor, x.currency)}` : '',
    `by ${x.proposedBy} (${x.proposedRole}) on ${x.proposedOn}`,
  ]
    .filter(Boolean)
    .join('  ');

interface TermOptions {
  account: string;
  kind: string;
  scope?: string;
  count?: string;
  frequency?: string;
  start?: string;
  downPayment?: string;
  discount?: string;
  from?: string;
  days?: string;
  fee?: string;
  payment?: string;
  thenCount?: string;
  notes?: string;
  by: string;
  role: string;
  json?: boolean;
}

/** The options of a plan's terms, shared by preview and create. */
function withTerms(c: Command): Command {
  return c
    .requiredOption('--account <id>', 'the account')
    .requiredOption('--kind <kind>', 'instalment, settlement, deferral or hardship')
    .option('--scope <scope>', 'instalment: arrears (default) or balance')
    .option('--count <n>', 'the number of payments (hardship: of the reduced period)')
    .option('--frequency <f>', 'weekly, biweekly or monthly (default)')
    .option('--start <date>', 'the first payment')
    .option('--down-payment <amount>', 'instalment: paid on the start date')
    .option('--discount <percent>', 'settlement: the share forgiven')
    .option('--from <date>', 'deferral: the instalments due on or after this day move')
    .option('--days <n>', 'deferral: by this many days')
    .option('--fee <amount>', 'deferral: the fee')
    .option('--payment <amount>', 'hardship: the reduced payment')
    .option('--then-count <n>', 'hardship: the payments after the period')
    .option('--notes <text>', 'notes')
    .requiredOption('--by <name>', 'who agrees it')
    .option('--role <role>', 'in which role', 'collector')
    .option('--json', 'as JSON');
}

const inputOf = (o: TermOptions): PlanInput => ({
  kind: o.kind,
  scope: o.scope,
  count: o.count,
  frequency: o.frequency,
  start: o.start,
  downPayment: o.downPayment,
  discountPercent: o.discount,
  from: o.from,
  days: o.days,
  fee: o.fee,
  payment: o.payment,
  thenCount: o.thenCount,
  notes: o.notes,
});

export function registerPlanCommands(cli: Command, withPlatform: WithPlatform): void {
  const plan = cli.command('plan').description('repayment plans');
  const deps = (p: Platform) => planDeps(p, loadConfig().channels.companyName);
  const decision = (c: Command, reason: boolean) =>
    (reason ? c.requiredOption('--reason <text>', 'why') : c.option('--note <text>', 'a note'))
      .requiredOption('--by <name>', 'who decides')
      .option('--role <role>', 'in which role', 'supervisor');

  withTerms(
    plan
      .command('preview')
      .description("what-if: a plan's schedule and amounts on an account (nothing is stored)"),
  ).action((o: TermOptions) =>
    withPlatform(async (p) => {
      const r = await previewPlan(deps(p), o.account, inputOf(o), actorOf(o));
      if (o.json) return out(JSON.stringify(r, null, 2));
      out(
        `${r.kind}: re-schedules ${money(r.coveredMinor, r.currency)}, pays ${money(r.payMinor, r.currency)}` +
          (r.writeOffMinor > 0 ? `, writes off ${money(r.writeOffMinor, r.currency)}` : '') +
          (r.waivedInterestMinor > 0
            ? `, interest not charged ${money(r.waivedInterestMinor, r.currency)}`
            : '') +
          `; ${r.termDays} days`,
      );
      for (const x of r.payments)
        out(`  ${String(x.seq).padStart(3)}  ${x.dueDate}  ${money(x.amountMinor, r.currency)}`);
      out(
        r.status === 'active'
          ? 'within your limits: it would start at once'
          : `waits for a supervisor: ${r.beyond.map((b) => `${b.at} ${b.reason}`).join('; ')}`,
      );
    }),
  );

  withTerms(
    plan
      .command('create')
      .description(
        'propose a plan on an account (active at once within the limits of the role, otherwise waiting for approval)',
      ),
  ).action((o: TermOptions) =>
    withPlatform(async (p) => {
      const r = await proposePlan(deps(p), o.account, inputOf(o), actorOf(o));
      out(o.json ? JSON.stringify(r.plan, null, 2) : line(r.plan));
    }),
  );

  plan
    .command('list')
    .description('plans, newest first')
    .option('--account <id>', 'of one account')
    .option('--status <status>', 'pending, active, completed, broken, rejected or cancelled')
    .option('--limit <n>', 'at most this many', '100')
    .option('--json', 'as JSON')
    .action((o: { account?: string; status?: string; limit: string; json?: boolean }) =>
      withPlatform(async (p) => {
        const list = await listPlans(deps(p), {
          account: o.account,
          status: o.status,
          limit: Number(o.limit),
        });
        if (o.json) out(JSON.stringify(list, null, 2));
        else for (const x of list) out(line(x));
      }),
    );

  decision(plan.command('approve').description('approve a plan waiting for approval'), false)
    .argument('<id>', 'the plan', idArg)
    .action((id: number, o: { by: string; role: string; note?: string }) =>
      withPlatform(async (p) => out(line(await approvePlan(deps(p), id, actorOf(o), o.note)))),
    );

  decision(plan.command('reject').description('reject a plan waiting for approval'), true)
    .argument('<id>', 'the plan', idArg)
    .action((id: number, o: { by: string; role: string; reason: string }) =>
      withPlatform(async (p) => out(line(await rejectPlan(deps(p), id, actorOf(o), o.reason)))),
    );

  decision(
    plan.command('cancel').description('cancel a plan (an active one: its schedule restored)'),
    true,
  )
    .argument('<id>', 'the plan', idArg)
    .action((id: number, o: { by: string; role: string; reason: string }) =>
      withPlatform(async (p) => out(line(await cancelPlan(deps(p), id, actorOf(o), o.reason)))),
    );

  plan
    .command('import')
    .description(
      `propose the plans of a CSV file (columns ${FILE_COLUMNS.join(', ')}; the terms in ${Object.keys(TERM_COLUMNS).join(', ')}): all of them, or none when a row is wrong`,
    )
    .argument('<file>', 'the CSV file')
    .requiredOption('--by <name>', 'who agrees them')
    .option('--role <role>', 'in which role', 'collector')
    .action((file: string, o: { by: string; role: string }) =>
      withPlatform(async (p) => {
        const { rows: lines, col } = readRowFile(file, FILE_COLUMNS);
        const rows = lines.map((r, i) => {
          const row: PlanFileRow = { account: col(r, 'account') ?? '', kind: col(r, 'kind') ?? '' };
          for (const [c, k] of Object.entries(TERM_COLUMNS)) {
            const v = col(r, c);
            if (v !== undefined) (row as unknown as Record<string, string>)[k] = v;
          }
          // the header is line 1
          return { line: i + 2, row };
        });
        const r = await importPlans(deps(p), rows, actorOf(o));
        out(`${r.imported} plans proposed from ${file} (${r.pending} waiting for approval)`);
      }),
    );

  plan
    .command('policy')
    .description(
      'show the plan policy (grace, what a break does, the limits per role), or set it from a file (JSON or YAML) as an administrator',
    )
    .argument('[file]', 'the policy to set')
    .option('--by <name>', 'the administrator setting it', 'cli')
    .action((file: string | undefined, o: { by: string }) =>
      withPlatform(async (p) =>
        out(
          JSON.stringify(
            file
              ? await setPlanPolicy(deps(p), readJsonOrYaml(file, 'plan policy'), {
                  user: o.by,
                  role: 'administrator',
                })
              : await p.plans.policy(),
            null,
            2,
          ),
        ),
      ),
    );
}
