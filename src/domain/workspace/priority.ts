/**
 * A task's expected value: what calling this customer now is worth, so that a collector's
 * next call is the one most likely to bring the most money back for the time it takes.
 *
 *   value = amount at risk × probability of payment ÷ effort  (minor units per hour of work)
 *
 * The amount at risk is what is overdue (or, on an account that is not past due, what falls
 * due); the probability of payment is the complement of the collection score's probability
 * of its event (neither cure nor payment within 30 days); the effort is the call's minutes,
 * more for a customer who has not answered lately.
 */
import type { WorkspacePolicy } from './policy.ts';

export interface ValueFacts {
  /** Minor units; never negative. */
  amountAtRisk: number;
  /** Probability (0..1) of the collection score's event, null when the account has none. */
  noPaymentProbability: number | null;
  /** Unanswered call attempts of the customer in the last 7 days. */
  unansweredAttempts: number;
}

export interface TaskValue {
  value: number;
  payProbability: number;
  effortMinutes: number;
}

export function taskValue(f: ValueFacts, policy: WorkspacePolicy): TaskValue {
  const payProbability =
    f.noPaymentProbability === null
      ? policy.unscoredPayPermille / 1000
      : Math.min(1, Math.max(0, 1 - f.noPaymentProbability));
  const effortMinutes = Math.max(
    1,
    Math.round(
      policy.callMinutes *
        (1 + (Math.max(0, f.unansweredAttempts) * policy.attemptPenaltyPercent) / 100),
    ),
  );
  const amount = Math.max(0, f.amountAtRisk);
  // Per hour of work, rounded to a whole minor unit: an ordering key, not an amount owed.
  const value = Math.round((amount * payProbability * 60) / effortMinutes);
  return { value, payProbability, effortMinutes };
}

/** Call outcomes in which no one was reached: each makes the next call to that customer costlier. */
export const UNANSWERED_OUTCOMES = ['busy', 'not_in_service', 'no_answer', 'voicemail'] as const;
