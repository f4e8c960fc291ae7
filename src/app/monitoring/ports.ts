import type { AlertRule, AlertRuleInput, FiredAlert } from '../../domain/monitoring/alerts.ts';
import type { ChannelCosts, FunnelCounts } from '../../domain/monitoring/channels.ts';
import type { GroupCounts } from '../../domain/monitoring/compare.ts';
import type { CohortCollection, CohortEntry } from '../../domain/monitoring/recovery.ts';
import type { Amounts, PairCount } from '../../domain/monitoring/rolls.ts';
import type { LocalDate } from '../../domain/time/date.ts';

/** A product's buckets in order (ord 0 is current), as the queries take them. */
export interface BucketOrd {
  product: string;
  bucket: string;
  ord: number;
}

export interface StoredRule extends AlertRule {
  createdBy: string;
  createdAt: string;
}

export interface StoredAlert extends FiredAlert {
  id: number;
  ruleName: string;
  metric: string;
  threshold: number;
  comparator: string;
  firedAt: string;
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
}

/** A group's name; `experiment` and `ord` (the arm's place, 1 the champion) for an arm. */
export interface GroupLabel {
  key: string;
  name: string;
  experiment: string | null;
  ord: number;
}

export interface BlockCount {
  rule: string;
  channel: string;
  stage: string;
  blocks: number;
}

/** The numbers of one day, as the summary and the alert rules read them. */
export interface DayNumbers {
  /** Accounts with a balance, per product, currency and bucket (the latest cycle). */
  states: {
    product: string;
    currency: string;
    bucket: string;
    accounts: number;
    outstandingMinor: number;
    arrearsMinor: number;
  }[];
  payments: { currency: string; payments: number; amountMinor: number }[];
  promises: { currency: string; promises: number; amountMinor: number }[];
  /** Dispatches planned for the day per channel and state. */
  dispatches: { channel: string; state: string; dispatches: number }[];
  /** Messages sent on the day (handed to the provider) and those delivered. */
  deliveries: { channel: string; sent: number; delivered: number }[];
  /** Call and visit outcomes recorded on the day. */
  outcomes: { outcome: string; tasks: number }[];
  blocks: { channel: string; blocks: number }[];
}

export interface MonitoringStore {
  lastCycled(): Promise<LocalDate | null>;
  /** Pair counts of each period; accounts with no balance at the start are left out. */
  pairs(
    periods: readonly { start: LocalDate; end: LocalDate }[],
    product: string | null,
  ): Promise<PairCount[]>;
  /** Entries into delinquency (current → a later bucket) from `from` to `asOf`, by month. */
  recovery(
    from: LocalDate,
    asOf: LocalDate,
    buckets: readonly BucketOrd[],
  ): Promise<{ entries: CohortEntry[]; collections: CohortCollection[] }>;
  funnel(from: LocalDate, to: LocalDate, windowDays: number): Promise<FunnelCounts[]>;
  /** Strategy versions and experiment arms over the periods, pooled. */
  groups(
    periods: readonly { start: LocalDate; end: LocalDate }[],
    buckets: readonly BucketOrd[],
  ): Promise<{ groups: GroupCounts[]; labels: GroupLabel[] }>;
  blocks(
    from: LocalDate,
    to: LocalDate,
    timezone: string,
  ): Promise<{
    byRule: BlockCount[];
    byDay: { day: LocalDate; allowed: number; denied: number }[];
  }>;
  day(day: LocalDate, timezone: string): Promise<DayNumbers>;
  /** A cheap text that changes whenever the numbers may have (payments, dispatches, ...). */
  marker(): Promise<string>;
  channelCosts(): Promise<ChannelCosts>;
  saveChannelCosts(costs: ChannelCosts): Promise<void>;
  rules(): Promise<StoredRule[]>;
  rule(id: number): Promise<StoredRule | null>;
  /** With a seed key, inserts only when no rule has it; null then. */
  insertRule(rule: AlertRuleInput, by: string, seedKey?: string): Promise<StoredRule | null>;
  /** False when there is no such rule (or it is already removed). */
  deleteRule(id: number, by: string): Promise<boolean>;
  /** The rules that fired on the day. */
  firedOn(day: LocalDate): Promise<Set<number>>;
  /** Stores the alerts not yet stored for their rule and day; those stored now. */
  insertAlerts(alerts: readonly FiredAlert[], at: Date): Promise<StoredAlert[]>;
  alerts(q: {
    from?: LocalDate | undefined;
    to?: LocalDate | undefined;
    unacknowledged?: boolean | undefined;
    afterId?: number | undefined;
    limit: number;
  }): Promise<StoredAlert[]>;
  alert(id: number): Promise<StoredAlert | null>;
  /** Null when there is no such alert or it is already acknowledged. */
  acknowledge(id: number, by: string, at: Date): Promise<StoredAlert | null>;
}

export type { Amounts };
