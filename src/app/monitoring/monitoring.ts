/**
 * Use cases of monitoring: the roll-rate matrices, cure rates, recovery curves, the channel
 * funnel, strategy and arm comparison, compliance blocks, today's summary, and alert rules
 * evaluated after each cycled day and whenever the live numbers change.
 */
import { bucketFor, type LedgerPolicy } from '../../domain/ledger/policy.ts';
import { PRODUCTS } from '../../domain/ledger/types.ts';
import {
  evaluateRules,
  parseAlertRule,
  type MonitoringSnapshot,
} from '../../domain/monitoring/alerts.ts';
import {
  CHANNELS,
  channelFunnel,
  parseChannelCosts,
  type ChannelCosts,
  type FunnelRow,
} from '../../domain/monitoring/channels.ts';
import { compareGroups, type GroupComparison } from '../../domain/monitoring/compare.ts';
import { recoveryCurves, type RecoveryCurve } from '../../domain/monitoring/recovery.ts';
import {
  cureRates,
  monthEnd,
  monthEndsBefore,
  rollRateMatrices,
  type CurePeriod,
  type RollMatrix,
} from '../../domain/monitoring/rolls.ts';
import {
  addDays,
  addMonths,
  diffDays,
  isLocalDate,
  type LocalDate,
} from '../../domain/time/date.ts';
import { localDateOf } from '../../domain/time/zone.ts';
import type { PolicyStore } from '../policy/ports.ts';
import type { Clock } from '../shared/clock.ts';
import { invalid, notFound, type ErrorDetail } from '../shared/errors.ts';
import type { BucketOrd, DayNumbers, MonitoringStore, StoredAlert, StoredRule } from './ports.ts';

export interface MonitoringDeps {
  monitoring: MonitoringStore;
  policies: PolicyStore;
  clock: Clock;
  /** The portfolio's business time zone (days of payments, decisions, outcomes). */
  timezone: string;
}

/** The buckets in order, which is current per product, and the rows the queries take. */
export function bucketsOf(policy: LedgerPolicy) {
  const order: string[] = [];
  const ords: BucketOrd[] = [];
  const current = new Map<string, string>();
  for (const product of PRODUCTS) {
    const buckets = policy[product].buckets;
    current.set(product, bucketFor(0, buckets));
    buckets.forEach((b, i) => {
      if (!order.includes(b.name)) order.push(b.name);
      // a valid policy's first range starts at 0 days: ord 0 is current
      ords.push({ product, bucket: b.name, ord: i });
    });
  }
  const isCurrent = (product: string, bucket: string) => current.get(product) === bucket;
  return { order, ords, isCurrent };
}

function checkCount(at: string, v: number | undefined, fallback: number, max: number): number {
  const x = v ?? fallback;
  if (!Number.isInteger(x) || x < 1 || x > max)
    throw invalid(`${at} is not valid`, [{ at, reason: `must be an integer from 1 to ${max}` }]);
  return x;
}

function checkProduct(product: string | undefined): string | null {
  if (product === undefined || product === '') return null;
  if (!(PRODUCTS as readonly string[]).includes(product))
    throw invalid('product is not valid', [
      { at: 'product', reason: `must be one of ${PRODUCTS.join(', ')}` },
    ]);
  return product;
}

async function lastCycled(deps: MonitoringDeps): Promise<LocalDate | null> {
  return deps.monitoring.lastCycled();
}

/**
 * The periods of the last `months` months that ended on or before `asOf` (month-end to
 * month-end), and the month under way (the last month-end to `asOf`) unless `asOf` ends one.
 */
export function periodsOf(asOf: LocalDate, months: number) {
  const isEnd = monthEnd(asOf) === asOf;
  const ends = monthEndsBefore(asOf, isEnd ? months : months + 1);
  if (isEnd) ends.push(asOf);
  const periods = ends.slice(1).map((end, i) => ({ start: ends[i]!, end }));
  const monthToDate = isEnd ? null : { start: ends.at(-1)!, end: asOf };
  return { periods, monthToDate };
}

export interface RollRates {
  asOf: LocalDate | null;
  buckets: string[];
  months: RollMatrix[];
  monthToDate: RollMatrix | null;
}

/** The pair counts of the last `months` months and of the month to date, with the buckets. */
async function monthPairs(
  deps: MonitoringDeps,
  q: { months?: number | undefined; product?: string | undefined },
) {
  const months = checkCount('months', q.months, 6, 24);
  const product = checkProduct(q.product);
  const buckets = bucketsOf(await deps.policies.ledgerPolicy());
  const asOf = await lastCycled(deps);
  if (!asOf) return { asOf, ...buckets, counts: [], end: null };
  const { periods, monthToDate } = periodsOf(asOf, months);
  const counts = await deps.monitoring.pairs(
    monthToDate ? [...periods, monthToDate] : periods,
    product,
  );
  return { asOf, ...buckets, counts, end: monthToDate?.end ?? null };
}

/** Splits the periods into the months ended and the month under way (ending `end`). */
const split = <T extends { end: LocalDate }>(all: T[], end: LocalDate | null) => {
  const mtd = end ? (all.find((m) => m.end === end) ?? null) : null;
  return { months: all.filter((m) => m !== mtd), monthToDate: mtd };
};

export async function rollRates(
  deps: MonitoringDeps,
  q: { months?: number | undefined; product?: string | undefined },
): Promise<RollRates> {
  const { asOf, order, counts, end } = await monthPairs(deps, q);
  return { asOf, buckets: order, ...split(rollRateMatrices(counts, order), end) };
}

export interface Cures {
  asOf: LocalDate | null;
  months: CurePeriod[];
  monthToDate: CurePeriod | null;
}

export async function cures(
  deps: MonitoringDeps,
  q: { months?: number | undefined; product?: string | undefined },
): Promise<Cures> {
  const { asOf, order, isCurrent, counts, end } = await monthPairs(deps, q);
  return { asOf, ...split(cureRates(counts, order, isCurrent), end) };
}

export async function recovery(
  deps: MonitoringDeps,
  q: { cohorts?: number | undefined },
): Promise<{ asOf: LocalDate | null; curves: RecoveryCurve[] }> {
  const cohorts = checkCount('cohorts', q.cohorts, 6, 24);
  const asOf = await lastCycled(deps);
  if (!asOf) return { asOf, curves: [] };
  const { ords } = bucketsOf(await deps.policies.ledgerPolicy());
  const from = addMonths(`${asOf.slice(0, 7)}-01`, -(cohorts - 1));
  const { entries, collections } = await deps.monitoring.recovery(from, asOf, ords);
  return { asOf, curves: recoveryCurves(entries, collections, asOf) };
}

function checkRange(
  q: { from?: string | undefined; to?: string | undefined },
  today: LocalDate,
  defaultDays: number,
): { from: LocalDate; to: LocalDate } {
  const details: ErrorDetail[] = [];
  for (const k of ['from', 'to'] as const)
    if (q[k] !== undefined && !isLocalDate(q[k]!))
      details.push({ at: k, reason: 'is not a date (YYYY-MM-DD)' });
  if (details.length > 0) throw invalid('the period is not valid', details);
  const to = (q.to as LocalDate | undefined) ?? today;
  const from = (q.from as LocalDate | undefined) ?? addDays(to, -(defaultDays - 1));
  if (from > to) details.push({ at: 'from', reason: `is after to (${to})` });
  else if (diffDays(to, from) > 366)
    details.push({ at: 'from', reason: 'the period is longer than 367 days' });
  if (details.length > 0) throw invalid('the period is not valid', details);
  return { from, to };
}

export const todayOf = (deps: MonitoringDeps): LocalDate =>
  localDateOf(deps.clock.now(), deps.timezone);

export interface ChannelReport {
  from: LocalDate;
  to: LocalDate;
  windowDays: number;
  rows: FunnelRow[];
  /** Counts per channel over every currency (the money stays per currency in `rows`). */
  channels: {
    channel: string;
    dispatches: number;
    blocked: number;
    sent: number;
    delivered: number;
    reached: number;
    promised: number;
    paid: number;
  }[];
}

export async function channelReport(
  deps: MonitoringDeps,
  q: { from?: string | undefined; to?: string | undefined; window?: number | undefined },
): Promise<ChannelReport> {
  const { from, to } = checkRange(q, todayOf(deps), 30);
  const w = q.window ?? 7;
  if (!Number.isInteger(w) || w < 0 || w > 30)
    throw invalid('window is not valid', [
      { at: 'window', reason: 'must be an integer from 0 to 30 days' },
    ]);
  const [counts, costs] = await Promise.all([
    deps.monitoring.funnel(from, to, w),
    deps.monitoring.channelCosts(),
  ]);
  const rows = channelFunnel(counts, costs);
  const keys = [
    'dispatches',
    'blocked',
    'sent',
    'delivered',
    'reached',
    'promised',
    'paid',
  ] as const;
  const channels = [...new Set(rows.map((r) => r.channel))].map((channel) => {
    const mine = rows.filter((r) => r.channel === channel);
    const out = { channel } as ChannelReport['channels'][number];
    for (const k of keys) out[k] = mine.reduce((s, r) => s + r[k], 0);
    return out;
  });
  return { from, to, windowDays: w, rows, channels };
}

export interface StrategyReport {
  asOf: LocalDate | null;
  periods: { start: LocalDate; end: LocalDate }[];
  confidence: number;
  strategies: (GroupComparison & { name: string; baseline: boolean })[];
  experiments: {
    experiment: string;
    arms: (GroupComparison & { name: string; baseline: boolean })[];
  }[];
}

export async function strategyReport(
  deps: MonitoringDeps,
  q: { months?: number | undefined; confidence?: number | undefined },
): Promise<StrategyReport> {
  const months = checkCount('months', q.months, 3, 24);
  const confidence = q.confidence ?? 0.95;
  if (!(confidence > 0.5 && confidence < 1))
    throw invalid('confidence is not valid', [
      { at: 'confidence', reason: 'must be between 0.5 and 1 (e.g. 0.95)' },
    ]);
  const asOf = await lastCycled(deps);
  if (!asOf) return { asOf, periods: [], confidence, strategies: [], experiments: [] };
  const { ords } = bucketsOf(await deps.policies.ledgerPolicy());
  const { periods, monthToDate } = periodsOf(asOf, months);
  // the month under way counts too: its outcomes are those so far
  const all = monthToDate ? [...periods, monthToDate] : periods;
  const { groups, labels } = await deps.monitoring.groups(all, ords);
  const label = new Map(labels.map((l) => [l.key, l]));
  const named = (gs: GroupComparison[], base: string | null) =>
    gs.map((g) => ({ ...g, name: label.get(g.key)?.name ?? g.key, baseline: g.key === base }));
  // strategies: against the version with the most accounts
  const strategies = groups.filter((g) => g.key.startsWith('strategy:'));
  const biggest = [...strategies].sort((a, b) => b.accounts - a.accounts)[0]?.key ?? null;
  const experiments = [...new Set(labels.flatMap((l) => (l.experiment ? [l.experiment] : [])))]
    .sort()
    .map((experiment) => {
      const arms = groups
        .filter((g) => label.get(g.key)?.experiment === experiment)
        .sort((a, b) => label.get(a.key)!.ord - label.get(b.key)!.ord);
      // against the champion (the first arm) when it has accounts
      const champion = label.get(arms[0]?.key ?? '')?.ord === 1 ? arms[0]!.key : null;
      return { experiment, arms: named(compareGroups(arms, champion, confidence), champion) };
    });
  return {
    asOf,
    periods: all,
    confidence,
    strategies: named(compareGroups(strategies, biggest, confidence), biggest),
    experiments,
  };
}

export async function complianceBlocks(
  deps: MonitoringDeps,
  q: { from?: string | undefined; to?: string | undefined },
) {
  const { from, to } = checkRange(q, todayOf(deps), 30);
  const r = await deps.monitoring.blocks(from, to, deps.timezone);
  const allowed = r.byDay.reduce((s, d) => s + d.allowed, 0);
  const denied = r.byDay.reduce((s, d) => s + d.denied, 0);
  const rules = new Map<string, number>();
  for (const b of r.byRule) rules.set(b.rule, (rules.get(b.rule) ?? 0) + b.blocks);
  return {
    from,
    to,
    decisions: {
      allowed,
      denied,
      deniedRate: allowed + denied > 0 ? denied / (allowed + denied) : null,
    },
    rules: [...rules.entries()]
      .map(([rule, blocks]) => ({ rule, blocks }))
      .sort((a, b) => b.blocks - a.blocks || (a.rule < b.rule ? -1 : 1)),
    byRule: r.byRule,
    byDay: r.byDay,
  };
}

/** The numbers the alert rules are evaluated on, as of `day` (at most the last cycled day). */
async function snapshotOf(
  deps: MonitoringDeps,
  day: LocalDate,
  numbers: DayNumbers,
): Promise<MonitoringSnapshot & { cycled: LocalDate | null }> {
  const cycled = await lastCycled(deps);
  const asOf = cycled !== null && cycled < day ? cycled : day;
  // month to date: from the end of the month before
  const start = monthEndsBefore(asOf, 1)[0]!;
  const pairs = cycled === null ? [] : await deps.monitoring.pairs([{ start, end: asOf }], null);
  const states = new Map<string, { product: string; bucket: string; accounts: number }>();
  for (const s of numbers.states) {
    const k = `${s.product}|${s.bucket}`;
    const x = states.get(k) ?? { product: s.product, bucket: s.bucket, accounts: 0 };
    x.accounts += s.accounts;
    states.set(k, x);
  }
  return {
    asOf: day,
    cycled,
    pairs,
    states: [...states.values()],
    blocks: numbers.blocks,
    deliveries: numbers.deliveries,
  };
}

/**
 * Evaluates the alert rules on the numbers of `day` (default today) and stores the alerts that
 * fire, at most one per rule and day; returns those stored now.
 */
export async function evaluateAlerts(
  deps: MonitoringDeps,
  day: LocalDate = todayOf(deps),
): Promise<StoredAlert[]> {
  const rules = await deps.monitoring.rules();
  if (rules.length === 0) return [];
  const numbers = await deps.monitoring.day(day, deps.timezone);
  const { isCurrent } = bucketsOf(await deps.policies.ledgerPolicy());
  const snap = await snapshotOf(deps, day, numbers);
  const fired = evaluateRules(rules, snap, isCurrent, await deps.monitoring.firedOn(day));
  return deps.monitoring.insertAlerts(fired, deps.clock.now());
}

export interface Summary {
  asOf: LocalDate;
  lastCycled: LocalDate | null;
  portfolio: {
    accounts: number;
    delinquent: number;
    delinquencyRate: number | null;
    buckets: { bucket: string; accounts: number }[];
    /** Per currency, minor units. */
    outstandingMinor: Record<string, number>;
    arrearsMinor: Record<string, number>;
  };
  today: {
    payments: number;
    collectedMinor: Record<string, number>;
    promises: number;
    promisedMinor: Record<string, number>;
    dispatches: Record<string, Record<string, number>>;
    deliveries: { channel: string; sent: number; delivered: number }[];
    outcomes: Record<string, number>;
    blocks: number;
  };
  /** From the last month-end to the last cycled day. */
  monthToDate: {
    start: LocalDate;
    end: LocalDate;
    /** Each bucket's roll to the next one in order (M1→M2, ...). */
    rolls: { from: string; to: string; accounts: number; rolled: number; rate: number | null }[];
    cure: { accounts: number; cured: number; rate: number | null };
  } | null;
  alerts: { unacknowledged: number; latest: StoredAlert[] };
}

/** The headline numbers of today, as the console's live view shows them. */
export async function summary(deps: MonitoringDeps): Promise<Summary> {
  const asOf = todayOf(deps);
  const numbers = await deps.monitoring.day(asOf, deps.timezone);
  const { order, isCurrent } = bucketsOf(await deps.policies.ledgerPolicy());
  const snap = await snapshotOf(deps, asOf, numbers);
  const sumBy = <T>(xs: readonly T[], key: (x: T) => string, v: (x: T) => number) => {
    const out: Record<string, number> = {};
    for (const x of xs) out[key(x)] = (out[key(x)] ?? 0) + v(x);
    return out;
  };
  const accounts = numbers.states.reduce((s, x) => s + x.accounts, 0);
  const delinquent = numbers.states
    .filter((x) => !isCurrent(x.product, x.bucket))
    .reduce((s, x) => s + x.accounts, 0);
  const byBucket = sumBy(
    numbers.states,
    (x) => x.bucket,
    (x) => x.accounts,
  );
  const dispatches: Record<string, Record<string, number>> = {};
  for (const d of numbers.dispatches) (dispatches[d.channel] ??= {})[d.state] = d.dispatches;
  let monthToDate: Summary['monthToDate'] = null;
  if (snap.cycled !== null && snap.pairs.length > 0) {
    const rolls = order.slice(0, -1).map((from, i) => {
      const to = order[i + 1]!;
      const mine = snap.pairs.filter((p) => p.from === from);
      const n = mine.reduce((s, p) => s + p.accounts, 0);
      const rolled = mine.filter((p) => p.to === to).reduce((s, p) => s + p.accounts, 0);
      return { from, to, accounts: n, rolled, rate: n > 0 ? rolled / n : null };
    });
    const [c] = cureRates(snap.pairs, order, isCurrent);
    monthToDate = {
      start: snap.pairs[0]!.start,
      end: snap.pairs[0]!.end,
      rolls,
      cure: c ? c.total : { accounts: 0, cured: 0, rate: null },
    };
  }
  const open = await deps.monitoring.alerts({ unacknowledged: true, limit: 1000 });
  return {
    asOf,
    lastCycled: snap.cycled,
    portfolio: {
      accounts,
      delinquent,
      delinquencyRate: accounts > 0 ? delinquent / accounts : null,
      buckets: order
        .filter((b) => byBucket[b])
        .map((bucket) => ({ bucket, accounts: byBucket[bucket]! })),
      outstandingMinor: sumBy(
        numbers.states,
        (x) => x.currency,
        (x) => x.outstandingMinor,
      ),
      arrearsMinor: sumBy(
        numbers.states,
        (x) => x.currency,
        (x) => x.arrearsMinor,
      ),
    },
    today: {
      payments: numbers.payments.reduce((s, x) => s + x.payments, 0),
      collectedMinor: sumBy(
        numbers.payments,
        (x) => x.currency,
        (x) => x.amountMinor,
      ),
      promises: numbers.promises.reduce((s, x) => s + x.promises, 0),
      promisedMinor: sumBy(
        numbers.promises,
        (x) => x.currency,
        (x) => x.amountMinor,
      ),
      dispatches,
      deliveries: numbers.deliveries,
      outcomes: sumBy(
        numbers.outcomes,
        (x) => x.outcome,
        (x) => x.tasks,
      ),
      blocks: numbers.blocks.reduce((s, x) => s + x.blocks, 0),
    },
    monthToDate,
    alerts: { unacknowledged: open.length, latest: open.slice(0, 5) },
  };
}

export async function addAlertRule(
  deps: MonitoringDeps,
  doc: unknown,
  by: string,
  seedKey?: string,
): Promise<StoredRule | null> {
  const { order } = bucketsOf(await deps.policies.ledgerPolicy());
  const r = parseAlertRule(doc, { buckets: order, products: PRODUCTS, channels: CHANNELS });
  if (!r.ok) throw invalid('the alert rule is not valid', r.issues);
  return deps.monitoring.insertRule(r.rule, by, seedKey);
}

export async function removeAlertRule(deps: MonitoringDeps, id: number, by: string): Promise<void> {
  if (!(await deps.monitoring.deleteRule(id, by))) throw notFound(`alert rule ${id}`);
}

export async function listAlerts(
  deps: MonitoringDeps,
  q: {
    from?: string | undefined;
    to?: string | undefined;
    unacknowledged?: boolean | undefined;
    limit?: number | undefined;
  },
): Promise<StoredAlert[]> {
  const details: ErrorDetail[] = [];
  for (const k of ['from', 'to'] as const)
    if (q[k] !== undefined && !isLocalDate(q[k]!))
      details.push({ at: k, reason: 'is not a date (YYYY-MM-DD)' });
  if (details.length > 0) throw invalid('the query is not valid', details);
  const limit = checkCount('limit', q.limit, 100, 1000);
  return deps.monitoring.alerts({
    from: q.from as LocalDate | undefined,
    to: q.to as LocalDate | undefined,
    unacknowledged: q.unacknowledged,
    limit,
  });
}

export async function acknowledgeAlert(
  deps: MonitoringDeps,
  id: number,
  by: string,
): Promise<StoredAlert> {
  const done = await deps.monitoring.acknowledge(id, by, deps.clock.now());
  if (done) return done;
  // already acknowledged: as it stands
  const seen = await deps.monitoring.alert(id);
  if (!seen) throw notFound(`alert ${id}`);
  return seen;
}

export async function setChannelCosts(deps: MonitoringDeps, doc: unknown): Promise<ChannelCosts> {
  const r = parseChannelCosts(doc);
  if (!r.ok) throw invalid('the channel costs are not valid', r.errors);
  await deps.monitoring.saveChannelCosts(r.costs);
  return r.costs;
}
