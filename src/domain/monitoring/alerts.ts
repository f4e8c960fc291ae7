/**
 * Alert rules on the monitoring numbers: a metric, a scope (a product, a bucket or a pair of
 * buckets, a channel), a comparator and a threshold. Evaluated against a snapshot of the
 * current numbers, a rule fires when its value passes the threshold on a large enough base.
 */
import type { LocalDate } from '../time/date.ts';
import type { PairCount } from './rolls.ts';

export interface MonitoringIssue {
  at: string;
  reason: string;
}

export const METRICS = [
  'roll_rate',
  'cure_rate',
  'delinquency_rate',
  'compliance_blocks',
  'delivery_rate',
] as const;
export type Metric = (typeof METRICS)[number];

/** Rates are fractions (0.2 is 20 %); counts are whole numbers. */
const RATE_METRICS: ReadonlySet<Metric> = new Set([
  'roll_rate',
  'cure_rate',
  'delinquency_rate',
  'delivery_rate',
]);

export const COMPARATORS = ['>', '>=', '<', '<='] as const;
export type Comparator = (typeof COMPARATORS)[number];

export interface AlertScope {
  product?: string;
  /** roll_rate: the bucket at the last month-end and the bucket now. */
  from?: string;
  to?: string;
  /** cure_rate: the starting bucket (default: every delinquent bucket). */
  bucket?: string;
  /** compliance_blocks, delivery_rate. */
  channel?: string;
}

export interface AlertRuleInput {
  name: string;
  metric: Metric;
  scope: AlertScope;
  comparator: Comparator;
  threshold: number;
  /** The rule stays silent on a base (accounts, messages) smaller than this. Default 1. */
  minBase: number;
}

export interface AlertRule extends AlertRuleInput {
  id: number;
}

/** The numbers the rules are evaluated on, as of a day. */
export interface MonitoringSnapshot {
  asOf: LocalDate;
  /** Month to date: each account's bucket at the last month-end and on `asOf`. */
  pairs: readonly PairCount[];
  /** Accounts with a balance per product and bucket on `asOf`. */
  states: readonly { product: string; bucket: string; accounts: number }[];
  /** Contacts refused by the contact rules on `asOf`, per channel. */
  blocks: readonly { channel: string; blocks: number }[];
  /** Messages sent on `asOf` and those of them delivered, per channel. */
  deliveries: readonly { channel: string; sent: number; delivered: number }[];
}

export interface MetricValue {
  value: number | null;
  /** What the rate is of (accounts or messages); for a count, the count itself. */
  base: number;
}

export interface FiredAlert {
  ruleId: number;
  day: LocalDate;
  value: number;
  base: number;
  message: string;
}

const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/**
 * Checks a rule as given (a JSON body); the rule, or what is wrong with each field.
 * `buckets` and `products` are the names the policy knows.
 */
export function parseAlertRule(
  doc: unknown,
  known: { buckets: readonly string[]; products: readonly string[]; channels: readonly string[] },
): { ok: true; rule: AlertRuleInput } | { ok: false; issues: MonitoringIssue[] } {
  const issues: MonitoringIssue[] = [];
  const d = (typeof doc === 'object' && doc !== null ? doc : {}) as Record<string, unknown>;
  const name = text(d.name);
  if (!name) issues.push({ at: 'name', reason: 'is required' });
  const metric = d.metric as Metric;
  if (!(METRICS as readonly string[]).includes(String(d.metric)))
    issues.push({ at: 'metric', reason: `must be one of ${METRICS.join(', ')}` });
  const comparator = d.comparator as Comparator;
  if (!(COMPARATORS as readonly string[]).includes(String(d.comparator)))
    issues.push({ at: 'comparator', reason: `must be one of ${COMPARATORS.join(' ')}` });
  const threshold = d.threshold;
  if (typeof threshold !== 'number' || !Number.isFinite(threshold))
    issues.push({ at: 'threshold', reason: 'must be a number' });
  else if (RATE_METRICS.has(metric) && (threshold < 0 || threshold > 1))
    issues.push({ at: 'threshold', reason: 'is a rate: a fraction from 0 to 1 (0.2 is 20 %)' });
  else if (metric === 'compliance_blocks' && (!Number.isInteger(threshold) || threshold < 0))
    issues.push({ at: 'threshold', reason: 'is a count: a non-negative integer' });
  const minBase = d.minBase ?? 1;
  if (!Number.isSafeInteger(minBase) || (minBase as number) < 1)
    issues.push({ at: 'minBase', reason: 'must be a positive integer' });
  const s = (typeof d.scope === 'object' && d.scope !== null ? d.scope : {}) as Record<
    string,
    unknown
  >;
  if (d.scope !== undefined && (typeof d.scope !== 'object' || d.scope === null))
    issues.push({ at: 'scope', reason: 'must be an object' });
  const scope: AlertScope = {};
  const allowed: Record<Metric, readonly (keyof AlertScope)[]> = {
    roll_rate: ['product', 'from', 'to'],
    cure_rate: ['product', 'bucket'],
    delinquency_rate: ['product'],
    compliance_blocks: ['channel'],
    delivery_rate: ['channel'],
  };
  for (const [k, v] of Object.entries(s)) {
    const key = k as keyof AlertScope;
    if (metric && allowed[metric] && !allowed[metric].includes(key)) {
      issues.push({ at: `scope.${k}`, reason: `does not apply to ${metric}` });
      continue;
    }
    const value = text(v);
    const names =
      key === 'product'
        ? known.products
        : key === 'channel'
          ? known.channels
          : key === 'from' || key === 'to' || key === 'bucket'
            ? known.buckets
            : null;
    if (names === null) issues.push({ at: `scope.${k}`, reason: 'is not a scope field' });
    else if (!value || !names.includes(value))
      issues.push({ at: `scope.${k}`, reason: `must be one of ${names.join(', ')}` });
    else scope[key] = value;
  }
  if (metric === 'roll_rate')
    for (const k of ['from', 'to'] as const)
      if (s[k] === undefined)
        issues.push({ at: `scope.${k}`, reason: 'is required for roll_rate' });
  if (issues.length > 0) return { ok: false, issues };
  return {
    ok: true,
    rule: {
      name: name!,
      metric,
      scope,
      comparator,
      threshold: threshold as number,
      minBase: minBase as number,
    },
  };
}

const sum = <T>(xs: readonly T[], f: (x: T) => number) => xs.reduce((s, x) => s + f(x), 0);

/** The value of a rule's metric in its scope. `isCurrent(product, bucket)` names current. */
export function metricValue(
  rule: Pick<AlertRule, 'metric' | 'scope'>,
  snap: MonitoringSnapshot,
  isCurrent: (product: string, bucket: string) => boolean,
): MetricValue {
  const sc = rule.scope;
  const pairs = snap.pairs.filter((p) => !sc.product || p.product === sc.product);
  const rate = (n: number, d: number): MetricValue => ({ value: d > 0 ? n / d : null, base: d });
  switch (rule.metric) {
    case 'roll_rate': {
      const from = pairs.filter((p) => p.from === sc.from);
      return rate(
        sum(
          from.filter((p) => p.to === sc.to),
          (p) => p.accounts,
        ),
        sum(from, (p) => p.accounts),
      );
    }
    case 'cure_rate': {
      const from = pairs.filter(
        (p) => !isCurrent(p.product, p.from) && (!sc.bucket || p.from === sc.bucket),
      );
      return rate(
        sum(
          from.filter((p) => isCurrent(p.product, p.to)),
          (p) => p.accounts,
        ),
        sum(from, (p) => p.accounts),
      );
    }
    case 'delinquency_rate': {
      const st = snap.states.filter((s) => !sc.product || s.product === sc.product);
      return rate(
        sum(
          st.filter((s) => !isCurrent(s.product, s.bucket)),
          (s) => s.accounts,
        ),
        sum(st, (s) => s.accounts),
      );
    }
    case 'compliance_blocks': {
      const n = sum(
        snap.blocks.filter((b) => !sc.channel || b.channel === sc.channel),
        (b) => b.blocks,
      );
      return { value: n, base: n };
    }
    case 'delivery_rate': {
      const d = snap.deliveries.filter((x) => !sc.channel || x.channel === sc.channel);
      return rate(
        sum(d, (x) => x.delivered),
        sum(d, (x) => x.sent),
      );
    }
  }
}

const passes = (v: number, c: Comparator, t: number) =>
  c === '>' ? v > t : c === '>=' ? v >= t : c === '<' ? v < t : v <= t;

const WORDS: Record<Comparator, string> = {
  '>': 'above',
  '>=': 'at or above',
  '<': 'below',
  '<=': 'at or below',
};

const shown = (metric: Metric, v: number) =>
  RATE_METRICS.has(metric) ? `${(v * 100).toFixed(1)} %` : String(v);

/**
 * The rules that fire on the snapshot, except those in `firedToday` (a rule fires at most once
 * a day): value known, base at least the rule's minimum, and the comparison true.
 */
export function evaluateRules(
  rules: readonly AlertRule[],
  snap: MonitoringSnapshot,
  isCurrent: (product: string, bucket: string) => boolean,
  firedToday: ReadonlySet<number> = new Set(),
): FiredAlert[] {
  const out: FiredAlert[] = [];
  for (const r of rules) {
    if (firedToday.has(r.id)) continue;
    const { value, base } = metricValue(r, snap, isCurrent);
    if (value === null || base < r.minBase || !passes(value, r.comparator, r.threshold)) continue;
    const where = Object.values(r.scope).filter(Boolean).join(', ');
    const of = RATE_METRICS.has(r.metric) ? `, base ${base}` : '';
    out.push({
      ruleId: r.id,
      day: snap.asOf,
      value,
      base,
      message: `${r.name}: ${r.metric.replaceAll('_', ' ')} ${shown(r.metric, value)} is ${WORDS[r.comparator]} ${shown(r.metric, r.threshold)} (${where || 'whole portfolio'}${of}) on ${snap.asOf}`,
    });
  }
  return out;
}
