/**
 * Simulation before roll-out: run one or more strategies over the same synthetic portfolio for
 * a number of days, with the behaviour model deciding how customers respond, and compare the
 * results side by side. Deterministic for a seed. Customers draw the same random numbers each
 * day whatever the strategy does (common random numbers), so differences between strategies
 * come from the strategies, not from luck.
 */
import { DEFAULT_LEDGER_POLICY, type LedgerPolicy } from '../ledger/policy.ts';
import type { Hold } from '../ledger/types.ts';
import type { CustomerRecord } from '../portfolio/generator.ts';
import { Random, type Seed } from '../portfolio/random.ts';
import { actionCost } from '../review/review.ts';
import type { Channel } from '../strategy/document.ts';
import { NO_SCORE, type AccountFacts } from '../strategy/facts.ts';
import { planAccount, type Assignment, type PlannedAction } from '../strategy/plan.ts';
import type { CompiledStrategy } from '../strategy/validate.ts';
import { bootstrapMeanDifference, twoProportionTest, wilsonInterval } from '../stats/index.ts';
import type { Interval } from '../stats/common.ts';
import { currencyExponent } from '../money/currency.ts';
import { fromEpochDay, toEpochDay, type LocalDate } from '../time/date.ts';
import { SimAccount } from './account-state.ts';
import { checkContact } from '../compliance/check.ts';
import { ruleSetForJurisdiction } from '../compliance/rule-sets.ts';
import type { Attempt, ContactChannel } from '../compliance/types.ts';
import { toLocal } from '../time/zone.ts';
import { DEFAULT_BEHAVIOUR, type BehaviourModel, type Risk } from './behaviour.ts';

export interface SimulationOptions {
  start: LocalDate;
  days: number;
  seed: Seed;
  /** Collectors' calls and field agents' visits per day; actions beyond are not carried out. */
  capacity: { phonePerDay: number; fieldVisitsPerDay: number };
  model?: BehaviourModel;
  policy?: LedgerPolicy;
}

interface Sim {
  id: string;
  customerId: string;
  language: string;
  jurisdiction: string;
  timezone: string;
  product: string;
  currency: string;
  risk: Risk;
  account: SimAccount;
  rng: Random;
  assignment: Assignment | null;
  lastPaidDay: number | null;
  lastContactDay: number | null;
  promiseUntil: number;
  brokenPromises: number;
  startBucketOrd: number;
  startOutstanding: number;
  delinquentAtStart: boolean;
  collected: number;
  /** Contact attempts of the last two weeks, for the compliance rules. */
  attempts: Attempt[];
}

/** The measures of a portfolio's outcome over a period, simulated or observed. */
export interface OutcomeMeasures {
  accounts: number;
  delinquentAtStart: number;
  cured: number;
  cureRate: number | null;
  cureRateCi: Interval | null;
  rolledForward: number;
  rollForwardRate: number | null;
  /** Mean over accounts delinquent at the start of collected ÷ outstanding at the start. */
  recoveryRate: number | null;
  collected: Record<string, number>;
}

/** The rates and intervals of an outcome from its counts. */
export function outcomeMeasures(c: {
  accounts: number;
  delinquentAtStart: number;
  cured: number;
  rolledForward: number;
  recoveryRatios: readonly number[];
  collected: Record<string, number>;
}): OutcomeMeasures {
  const { accounts, delinquentAtStart: delinquent, cured, rolledForward, recoveryRatios } = c;
  return {
    accounts,
    delinquentAtStart: delinquent,
    cured,
    cureRate: delinquent > 0 ? cured / delinquent : null,
    cureRateCi: delinquent > 0 ? wilsonInterval(cured, delinquent) : null,
    rolledForward,
    rollForwardRate: accounts > 0 ? rolledForward / accounts : null,
    recoveryRate:
      recoveryRatios.length > 0
        ? recoveryRatios.reduce((a, b) => a + b, 0) / recoveryRatios.length
        : null,
    collected: c.collected,
  };
}

export interface StrategyResult extends OutcomeMeasures {
  name: string;
  actions: Record<string, number>;
  /** Accounts entering (or re-entering) each segment, by segment id. */
  entries: Record<string, number>;
  /** Actions carried out by step, keyed `segment/step`. */
  stepActions: Record<string, number>;
  /** Actions not carried out for lack of collectors or field agents. */
  overCapacity: Record<string, number>;
  /** Actions the compliance rules refused, by rule. */
  complianceBlocked: Record<string, number>;
  /** Cost of the actions carried out, US cents (unit costs of the review). */
  cost: number;
  promises: number;
  promisesKept: number;
  /** Against the first strategy. */
  vsFirst: {
    cureDifference: number;
    cureCi: Interval;
    curePValue: number;
    recoveryDifference: number | null;
    recoveryCi: Interval | null;
  } | null;
  recoveryRatios: number[];
}

export interface SimulationReport {
  start: LocalDate;
  days: number;
  seed: Seed;
  accounts: number;
  results: StrategyResult[];
}

const DAY_DRAWS = 6;
/** Contacts are made at 10:00 in the customer's zone: the simulation works in days. */
const CONTACT_HOUR = 10;
const TIMED: ReadonlySet<string> = new Set(['phone', 'sms', 'email', 'field_visit']);

const instants = new Map<string, Date>();

/** The instant of `hour`:00 on `date` in `zone` (remembered: a few zones, many accounts). */
function instantAt(date: LocalDate, hour: number, zone: string): Date {
  const key = `${date} ${hour} ${zone}`;
  let found = instants.get(key);
  if (!found) {
    found = computeInstant(date, hour, zone);
    if (instants.size > 10_000) instants.clear();
    instants.set(key, found);
  }
  return found;
}

function computeInstant(date: LocalDate, hour: number, zone: string): Date {
  const guess = Date.parse(`${date}T${String(hour).padStart(2, '0')}:00:00Z`);
  const l = toLocal(new Date(guess), zone);
  const shown = Date.parse(
    `${l.date}T${String(l.hour).padStart(2, '0')}:${String(l.minute).padStart(2, '0')}:00Z`,
  );
  return new Date(guess - (shown - guess));
}

function build(
  records: readonly CustomerRecord[],
  seed: Seed,
  model: BehaviourModel,
  policy: LedgerPolicy,
  start: number,
) {
  const root = new Random(seed);
  const sims: Sim[] = [];
  const startDate = fromEpochDay(start);
  for (const { customer, accounts } of records) {
    for (const r of accounts) {
      const p = policy[r.account.product];
      const holds: Hold[] = r.hold ? [r.hold] : [];
      const account = simAccountOf(r.instalments, r.account.graceDays, p, holds);
      let lastPaid: number | null = null;
      for (const pay of r.payments) {
        const d = toEpochDay(pay.paidOn);
        if (d > start) continue;
        account.pay(pay.amount);
        lastPaid = lastPaid === null || d > lastPaid ? d : lastPaid;
      }
      const s0 = account.stateOn(start, startDate);
      sims.push({
        id: r.account.id,
        customerId: customer.id,
        language: customer.language,
        jurisdiction: customer.jurisdiction,
        timezone: customer.timezone,
        product: r.account.product,
        currency: r.account.currency,
        risk: model.risk[r.payer],
        account,
        rng: root.derive(r.account.id),
        assignment: null,
        lastPaidDay: lastPaid,
        lastContactDay: null,
        promiseUntil: -1,
        brokenPromises: 0,
        startBucketOrd: p.buckets.findIndex((b) => b.name === s0.bucket),
        startOutstanding: s0.outstanding,
        delinquentAtStart: s0.delinquentDays > 0,
        collected: 0,
        attempts: [],
      });
    }
  }
  return sims;
}

/** An account of a schedule as written in the portfolio's files, under its product's policy. */
export function simAccountOf(
  instalments: readonly CustomerRecord['accounts'][number]['instalments'][number][],
  graceDays: number | null,
  p: LedgerPolicy[keyof LedgerPolicy],
  holds: readonly Hold[],
): SimAccount {
  return new SimAccount(
    instalments.map((i) => ({
      seq: i.seq,
      dueDate: i.dueDate,
      principal: i.principalDue,
      interest: i.interestDue,
      fees: i.feesDue,
    })),
    graceDays ?? p.graceDays,
    p.arrearsTolerance,
    p,
    holds,
  );
}

interface Scheduled {
  sim: number;
  /** Fraction of the arrears (or of what is due) to pay; 1 pays it all. */
  share: number;
  promise: boolean;
}

function runOne(
  name: string,
  strategy: CompiledStrategy,
  records: readonly CustomerRecord[],
  opts: SimulationOptions,
  model: BehaviourModel,
  policy: LedgerPolicy,
): Omit<StrategyResult, 'vsFirst'> {
  const start = toEpochDay(opts.start);
  const sims = build(records, opts.seed, model, policy, start);
  const draws = sims.map(() => new Float64Array(DAY_DRAWS));
  const scheduled = new Map<number, Scheduled[]>();
  const schedule = (day: number, s: Scheduled) =>
    scheduled.set(day, [...(scheduled.get(day) ?? []), s]);
  const actions: Record<string, number> = {};
  const entries: Record<string, number> = {};
  const stepActions: Record<string, number> = {};
  const overCapacity: Record<string, number> = {};
  const complianceBlocked: Record<string, number> = {};
  const collected: Record<string, number> = {};
  let promises = 0;
  let promisesKept = 0;

  const pay = (s: Sim, amount: number, day: number) => {
    if (amount <= 0) return;
    s.account.pay(amount);
    s.collected += amount;
    s.lastPaidDay = day;
    collected[s.currency] = (collected[s.currency] ?? 0) + amount;
  };
  const partOf = (s: Sim, amount: number, u: number) =>
    u < model.payInFull[s.risk] ? amount : Math.round(amount * (0.3 + 0.4 * ((u * 7919) % 1)));

  for (let day = start + 1; day <= start + opts.days; day++) {
    const date = fromEpochDay(day);
    const yesterday = fromEpochDay(day - 1);
    // Every customer draws the same numbers each day, whatever the strategy does.
    for (let i = 0; i < sims.length; i++) {
      const row = draws[i]!;
      for (let k = 0; k < DAY_DRAWS; k++) row[k] = sims[i]!.rng.next();
    }
    // Payments that earlier contacts and promises led to.
    for (const ev of scheduled.get(day) ?? []) {
      const s = sims[ev.sim]!;
      const u = draws[ev.sim]!;
      const due = s.account.amountDue(day);
      if (ev.promise) {
        if (u[3]! < model.promiseKept[s.risk]) {
          promisesKept++;
          pay(s, due, day);
        } else if (due > 0) s.brokenPromises++;
      } else {
        pay(s, Math.round(due * ev.share), day);
      }
    }
    scheduled.delete(day);

    const today: { sim: number; action: PlannedAction }[] = [];
    sims.forEach((s, i) => {
      const u = draws[i]!;
      let st = s.account.stateOn(day, date);
      // Customers' own behaviour: pay what falls due today, or cure by themselves.
      if (st.delinquentDays === 0 && st.nextDueDay === day) {
        const reminded = s.lastContactDay !== null && day - s.lastContactDay <= 5;
        const p = model.payOnDue[s.risk] + (reminded ? (1 - model.payOnDue[s.risk]) * 0.3 : 0);
        if (u[0]! < p) pay(s, s.account.amountDue(day), day);
      } else if (st.delinquentDays > 0) {
        const hazard =
          model.selfCure[s.risk] / (1 + st.delinquentDays / model.selfCureHalfLifeDays);
        if (u[1]! < hazard) pay(s, partOf(s, s.account.amountDue(day), u[4]!), day);
        else if (u[5]! < model.hardshipPerDay && !s.account.heldOn(date, yesterday)) {
          s.account.addHold({
            kind: 'hardship',
            from: yesterday,
            to: fromEpochDay(day + model.hardshipDays),
          });
        }
      }
      st = s.account.stateOn(day, date);
      const exponent = 10 ** currencyExponent(s.currency);
      const facts: AccountFacts = {
        account: {
          id: s.id,
          product: s.product,
          currency: s.currency,
          bucket: st.bucket,
          delinquent_days: st.delinquentDays,
          past_due_days: st.pastDueDays,
          days_to_due: st.nextDueDay === null ? -1 : st.nextDueDay - day,
          outstanding: st.outstanding / exponent,
          arrears: st.arrears / exponent,
          tags: [],
        },
        customer: {
          id: s.customerId,
          language: s.language,
          jurisdiction: s.jurisdiction,
          timezone: s.timezone,
          tags: [],
        },
        history: {
          broken_promises: s.brokenPromises,
          days_since_payment: s.lastPaidDay === null ? -1 : day - s.lastPaidDay,
          days_since_contact: s.lastContactDay === null ? -1 : day - s.lastContactDay,
        },
        score: NO_SCORE,
      };
      const r = planAccount(strategy, name, {
        accountId: s.id,
        today: date,
        facts,
        nextDueDate: st.nextDueDay === null ? null : fromEpochDay(st.nextDueDay),
        previous: s.assignment,
        exits: {
          paidUp: st.outstanding === 0 && st.nextDueDay === null,
          onHold: s.account.heldOn(date, yesterday),
          openPromise: s.promiseUntil >= day,
          openPlan: false,
          promiseBrokenToday: s.promiseUntil === day - 1 && st.arrears > 0,
        },
      });
      s.assignment = r.assignment;
      if (r.entered && r.assignment)
        entries[r.assignment.segmentId] = (entries[r.assignment.segmentId] ?? 0) + 1;
      for (const a of r.actions) if (a.status === 'planned') today.push({ sim: i, action: a });
    });

    // Capacity: calls and visits go to the highest priorities first.
    today.sort((a, b) => b.action.priority - a.action.priority || a.sim - b.sim);
    const used: Partial<Record<Channel, number>> = {};
    const limit: Partial<Record<Channel, number>> = {
      phone: opts.capacity.phonePerDay,
      field_visit: opts.capacity.fieldVisitsPerDay,
    };
    const responded = new Set<number>();
    for (const { sim, action } of today) {
      const ch = action.channel;
      const s = sims[sim]!;
      const rules = ruleSetForJurisdiction(s.jurisdiction);
      const when = TIMED.has(ch) && rules ? instantAt(date, CONTACT_HOUR, s.timezone) : null;
      if (when && rules) {
        s.attempts = s.attempts.filter((a) => when.getTime() - Date.parse(a.ts) < 14 * 86_400_000);
        const d = checkContact({
          ruleSet: rules.id,
          consumer: { timezones: [s.timezone] },
          history: s.attempts,
          proposed: {
            ts: when.toISOString(),
            channel: ch as ContactChannel,
            debts: [s.id],
            person: 'debtor',
          },
        });
        if (d.decision === 'DENY') {
          for (const r of d.reasons)
            complianceBlocked[r.rule] = (complianceBlocked[r.rule] ?? 0) + 1;
          continue;
        }
      }
      const cap = limit[ch];
      if (cap !== undefined && (used[ch] ?? 0) >= cap) {
        overCapacity[ch] = (overCapacity[ch] ?? 0) + 1;
        continue;
      }
      used[ch] = (used[ch] ?? 0) + 1;
      actions[ch] = (actions[ch] ?? 0) + 1;
      const key = `${action.segmentId}/${action.stepId}`;
      stepActions[key] = (stepActions[key] ?? 0) + 1;
      s.lastContactDay = day;
      const u = draws[sim]!;
      if (when && (ch === 'phone' || ch === 'sms' || ch === 'email' || ch === 'field_visit')) {
        const reached = ch === 'phone' ? u[2]! < model.phoneReach : true;
        s.attempts.push({
          ts: when.toISOString(),
          channel: ch,
          direction: 'outbound',
          outcome: ch === 'phone' ? (reached ? 'conversation' : 'no_answer') : 'sent',
          debts: [s.id],
          person: 'debtor',
        });
      }
      if (responded.has(sim)) continue;
      if (ch === 'phone') {
        // u[2] decides the answer and the promise together: reach, then promise.
        if (u[2]! < model.phoneReach * model.promiseGivenWhenReached) {
          promises++;
          s.promiseUntil = day + model.promiseDays;
          schedule(day + model.promiseDays, { sim, share: 1, promise: true });
          responded.add(sim);
        }
      } else if (u[2]! < model.response[ch] * model.responsiveness[s.risk]) {
        schedule(day + 1 + Math.floor(u[4]! * 3), {
          sim,
          share: u[4]! < model.payInFull[s.risk] ? 1 : 0.5,
          promise: false,
        });
        responded.add(sim);
      }
    }
  }

  const end = start + opts.days;
  const endDate = fromEpochDay(end);
  let cured = 0;
  let rolled = 0;
  const recoveryRatios: number[] = [];
  for (const s of sims) {
    const st = s.account.stateOn(end, endDate);
    const ord = policy[s.product as keyof LedgerPolicy].buckets.findIndex(
      (b) => b.name === st.bucket,
    );
    if (s.delinquentAtStart && st.delinquentDays === 0) cured++;
    if (ord > s.startBucketOrd) rolled++;
    if (s.delinquentAtStart && s.startOutstanding > 0)
      recoveryRatios.push(Math.min(1, s.collected / s.startOutstanding));
  }
  const delinquent = sims.filter((s) => s.delinquentAtStart).length;
  const cost = actionCost(actions);
  return {
    name,
    ...outcomeMeasures({
      accounts: sims.length,
      delinquentAtStart: delinquent,
      cured,
      rolledForward: rolled,
      recoveryRatios,
      collected,
    }),
    actions,
    entries,
    stepActions,
    overCapacity,
    complianceBlocked,
    cost,
    promises,
    promisesKept,
    recoveryRatios,
  };
}

export function simulate(
  records: readonly CustomerRecord[],
  strategies: readonly { name: string; strategy: CompiledStrategy }[],
  opts: SimulationOptions,
): SimulationReport {
  const model = opts.model ?? DEFAULT_BEHAVIOUR;
  const policy = opts.policy ?? DEFAULT_LEDGER_POLICY;
  const raw = strategies.map((s) => runOne(s.name, s.strategy, records, opts, model, policy));
  const first = raw[0];
  const results = raw.map((r, i): StrategyResult => {
    if (i === 0 || !first || first.delinquentAtStart === 0 || r.delinquentAtStart === 0)
      return { ...r, vsFirst: null };
    const t = twoProportionTest({
      successesA: first.cured,
      nA: first.delinquentAtStart,
      successesB: r.cured,
      nB: r.delinquentAtStart,
    });
    const b =
      first.recoveryRatios.length > 1 && r.recoveryRatios.length > 1
        ? bootstrapMeanDifference(first.recoveryRatios, r.recoveryRatios, {
            rng: new Random(opts.seed).derive('bootstrap'),
            resamples: 1000,
          })
        : null;
    return {
      ...r,
      vsFirst: {
        cureDifference: t.difference,
        cureCi: t.ci,
        curePValue: t.pValue,
        recoveryDifference: b?.difference ?? null,
        recoveryCi: b?.ci ?? null,
      },
    };
  });
  return {
    start: opts.start,
    days: opts.days,
    seed: opts.seed,
    accounts: results[0]?.accounts ?? 0,
    results,
  };
}
