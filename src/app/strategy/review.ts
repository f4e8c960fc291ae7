/**
 * `recoup strategy review --from D1 --to D2`: per version in use over the range, per segment
 * and step, entries, cures, amounts collected, actions planned and skipped, responses, cost by
 * channel, and the steps that moved nothing.
 */
import {
  buildReview,
  DEFAULT_CHANNEL_COSTS,
  type ChannelCosts,
  type Review,
} from '../../domain/review/review.ts';
import { PRODUCTS } from '../../domain/ledger/types.ts';
import { isLocalDate, type LocalDate } from '../../domain/time/date.ts';
import type { PolicyStore } from '../policy/ports.ts';
import { invalid } from '../shared/errors.ts';
import type { ReviewStore, StrategyStore } from './ports.ts';
import { compileOrThrow } from './strategies.ts';

export const RESPONSE_WINDOW_DAYS = 7;

export async function reviewStrategy(
  deps: { reviews: ReviewStore; strategies: StrategyStore; policies: PolicyStore },
  strategyId: string,
  from: LocalDate,
  to: LocalDate,
): Promise<Review[]> {
  if (!isLocalDate(from) || !isLocalDate(to) || from > to) {
    throw invalid('the review range is not valid', [
      { at: 'from', reason: `${from} to ${to} is not a range of dates` },
    ]);
  }
  const policy = await deps.policies.ledgerPolicy();
  // An account is cured when it is back in its product's first bucket (0 days).
  const cureBuckets = PRODUCTS.map((product) => ({
    product,
    bucket: policy[product].buckets[0]!.name,
  }));
  const costs: ChannelCosts = {
    ...DEFAULT_CHANNEL_COSTS,
    ...((await deps.reviews.channelCosts()) ?? {}),
  };
  const reviews: Review[] = [];
  for (const versionId of await deps.reviews.activeVersions(strategyId, from, to)) {
    const version = await deps.strategies.byId(versionId);
    if (!version) continue;
    const order = compileOrThrow(version.source).doc.segments.map((s) => s.id);
    const [segments, steps] = await Promise.all([
      deps.reviews.segmentCounts(versionId, from, to, cureBuckets),
      deps.reviews.stepCounts(versionId, from, to, RESPONSE_WINDOW_DAYS),
    ]);
    reviews.push(
      buildReview(
        {
          versionId,
          version: version.version,
          from,
          to,
          responseWindowDays: RESPONSE_WINDOW_DAYS,
          costCurrency: 'USD',
        },
        order,
        segments,
        steps,
        costs,
      ),
    );
  }
  return reviews;
}
