/**
 * The customer behaviour model of the simulation. Every number is an assumption, chosen to be
 * plausible for consumer collections and documented here and in docs/strategies.md; change
 * them to match a portfolio's own history.
 */
import type { Channel } from '../strategy/document.ts';
import type { PayerType } from '../portfolio/generator.ts';

export type Risk = 'A' | 'B' | 'C' | 'D' | 'E';

export interface BehaviourModel {
  /** Risk class of each payer type of the generated portfolio. */
  risk: Readonly<Record<PayerType, Risk>>;
  /** Chance of paying an instalment on its due date while current, by risk. */
  payOnDue: Readonly<Record<Risk, number>>;
  /** Daily chance of paying the arrears unprompted (self-cure) at 0 delinquent days, by risk. */
  selfCure: Readonly<Record<Risk, number>>;
  /** Self-cure decays with time overdue: multiplied by 1 / (1 + delinquent days / this). */
  selfCureHalfLifeDays: number;
  /** Chance that an executed action leads to a payment within a few days, by channel. */
  response: Readonly<Record<Channel, number>>;
  /** Multiplier of the response by risk (A responds most). */
  responsiveness: Readonly<Record<Risk, number>>;
  /** Phone: chance the customer answers; of those, chance of a promise; promise kept by risk. */
  phoneReach: number;
  promiseGivenWhenReached: number;
  promiseKept: Readonly<Record<Risk, number>>;
  /** Days from the contact to the promised date. */
  promiseDays: number;
  /** Chance a payment clears all arrears (else 30-70 % of them), by risk. */
  payInFull: Readonly<Record<Risk, number>>;
  /** Daily chance that a delinquent customer declares hardship (a 30-day hold). */
  hardshipPerDay: number;
  hardshipDays: number;
}

export const DEFAULT_BEHAVIOUR: BehaviourModel = Object.freeze({
  risk: { onTime: 'A', overpayer: 'A', late: 'C', partial: 'C', cured: 'D', defaulted: 'E' },
  payOnDue: { A: 0.97, B: 0.9, C: 0.55, D: 0.45, E: 0.15 },
  selfCure: { A: 0.08, B: 0.05, C: 0.03, D: 0.02, E: 0.002 },
  selfCureHalfLifeDays: 45,
  response: {
    sms: 0.04,
    email: 0.03,
    phone: 0,
    letter: 0.05,
    field_visit: 0.25,
    agency: 0.06,
    legal_review: 0.03,
    write_off_review: 0,
  },
  responsiveness: { A: 1.6, B: 1.3, C: 1, D: 0.8, E: 0.35 },
  phoneReach: 0.45,
  promiseGivenWhenReached: 0.5,
  promiseKept: { A: 0.9, B: 0.8, C: 0.6, D: 0.5, E: 0.25 },
  promiseDays: 3,
  payInFull: { A: 0.9, B: 0.8, C: 0.55, D: 0.5, E: 0.3 },
  hardshipPerDay: 0.0004,
  hardshipDays: 30,
} satisfies BehaviourModel);
