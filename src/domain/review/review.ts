/**
 * The periodic review of a strategy: per version, segment and step, what happened over a date
 * range, what it cost by channel, and which steps moved nothing. The counts come from storage;
 * the costing and the judgement are here.
 */
import { CHANNELS, type Channel } from '../strategy/document.ts';

/** Cost of one action per channel, in minor units of the reporting currency. */
export type ChannelCosts = Readonly<Record<Channel, number>>;

/** Defaults in US cents: typical unit costs; set your own with the `channel.costs` setting. */
export const DEFAULT_CHANNEL_COSTS: ChannelCosts = Object.freeze({
  sms: 5,
  email: 1,
  phone: 150,
  letter: 120,
  field_visit: 2500,
  agency: 0,
  legal_review: 5000,
  write_off_review: 500,
});

/** The cost of actions counted by channel (unknown channels cost nothing). */
export function actionCost(
  actions: Readonly<Record<string, number>>,
  costs: ChannelCosts = DEFAULT_CHANNEL_COSTS,
): number {
  return Object.entries(actions).reduce(
    (n, [channel, count]) => n + count * (costs[channel as Channel] ?? 0),
    0,
  );
}

export function validateChannelCosts(costs: Record<string, unknown>): string[] {
  const errors: string[] = [];
  for (const [k, v] of Object.entries(costs)) {
    if (!(CHANNELS as readonly string[]).includes(k)) errors.push(`${k}: unknown channel`);
    else if (!Number.isSafeInteger(v) || (v as number) < 0)
      errors.push(`${k}: must be a whole number of minor units, 0 or more`);
  }
  return errors;
}

export interface StepCounts {
  segmentId: string;
  stepId: string;
  channel: Channel;
  planned: number;
  skipped: number;
  /** Accounts that paid within the response window after the action. */
  responders: number;
  /** What they paid in that window, per currency (minor units). */
  collected: Record<string, number>;
}

export interface SegmentCounts {
  segmentId: string;
  entered: number;
  /** Entrants that were back in the first bucket before leaving the segment or the range. */
  cured: number;
  /** Payments of entrants while in the segment, per currency (minor units). */
  collected: Record<string, number>;
}

export interface StepReview extends StepCounts {
  cost: number;
  responseRate: number | null;
  /** Set when the step was planned for accounts but none of them paid afterwards. */
  flag: string | null;
}

export interface SegmentReview extends SegmentCounts {
  cureRate: number | null;
  cost: number;
  steps: StepReview[];
}

export interface Review {
  versionId: number;
  version: number;
  from: string;
  to: string;
  responseWindowDays: number;
  costCurrency: string;
  segments: SegmentReview[];
  costByChannel: Record<string, number>;
}

/** Joins the counts into the review: costs, rates and flags. Segments keep document order. */
export function buildReview(
  meta: Omit<Review, 'segments' | 'costByChannel'>,
  segmentOrder: readonly string[],
  segments: readonly SegmentCounts[],
  steps: readonly StepCounts[],
  costs: ChannelCosts,
): Review {
  const costByChannel: Record<string, number> = {};
  const bySegment = new Map(segments.map((s) => [s.segmentId, s]));
  const ids = [
    ...segmentOrder,
    ...segments.map((s) => s.segmentId).filter((id) => !segmentOrder.includes(id)),
  ];
  const out: SegmentReview[] = ids.map((id) => {
    const seg = bySegment.get(id) ?? { segmentId: id, entered: 0, cured: 0, collected: {} };
    const stepReviews = steps
      .filter((s) => s.segmentId === id)
      .map((s) => {
        const cost = s.planned * (costs[s.channel] ?? 0);
        costByChannel[s.channel] = (costByChannel[s.channel] ?? 0) + cost;
        return {
          ...s,
          cost,
          responseRate: s.planned > 0 ? s.responders / s.planned : null,
          flag:
            s.planned > 0 && s.responders === 0
              ? `moved nothing: none of ${s.planned} accounts paid within ${meta.responseWindowDays} days`
              : null,
        };
      });
    return {
      ...seg,
      cureRate: seg.entered > 0 ? seg.cured / seg.entered : null,
      cost: stepReviews.reduce((n, s) => n + s.cost, 0),
      steps: stepReviews,
    };
  });
  return { ...meta, segments: out, costByChannel };
}
