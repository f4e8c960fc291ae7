/**
 * The two scoring purposes Recoup builds training sets for and monitors: who they score, the
 * event their probability is of (always the bad outcome, so that a higher score is better
 * and tier A is the best for both), and the horizon over which the outcome is watched.
 */

export interface PurposeDefinition {
  name: string;
  /** Which accounts it scores and is trained on: not past due, or past due. */
  population: 'current' | 'past_due';
  horizonDays: number;
  /** The training table's target column (1 = the event happened). */
  target: string;
  event: string;
}

export const PURPOSES: Readonly<Record<'early_warning' | 'collection', PurposeDefinition>> = {
  early_warning: {
    name: 'early_warning',
    population: 'current',
    horizonDays: 60,
    target: 'reached_30_dpd_60d',
    event:
      'a current account (not past due, with a balance) reaches 30 or more days past due within the next 60 days',
  },
  collection: {
    name: 'collection',
    population: 'past_due',
    horizonDays: 30,
    target: 'no_cure_or_payment_30d',
    event: 'an overdue account neither cures nor makes a payment within the next 30 days',
  },
};

export type PurposeName = keyof typeof PURPOSES;

export function isPurposeName(x: string): x is PurposeName {
  return Object.prototype.hasOwnProperty.call(PURPOSES, x);
}

/** Whether a snapshot row's outcome is the purpose's event. */
export function outcomeIsEvent(
  purpose: PurposeName,
  outcome: { worstPastDueDays: number; curedOrPaid: boolean },
): boolean {
  return purpose === 'early_warning' ? outcome.worstPastDueDays >= 30 : !outcome.curedOrPaid;
}

/** The days past due that make the early-warning event. */
export const EARLY_WARNING_DPD = 30;
