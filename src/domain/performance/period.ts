/**
 * Performance periods and targets.
 *
 * A period is a calendar month written `YYYY-MM`; it runs from its first to its last day, both
 * included, in the business time zone. Targets are set per collector and per team for a
 * period: a collector is assessed against its own targets, KPI by KPI, and where it has none
 * against its team's; a team against the team's.
 */
import { addDays, addMonths, isLocalDate, type LocalDate } from '../time/date.ts';
import { KPI_NAMES, type KpiName, type Targets } from './assessment.ts';

/**
 * Payments are credited to the collector of the latest right-party contact or promise on the
 * account on the payment's day or in the 30 days before it (one collector per payment).
 */
export const ATTRIBUTION_DAYS = 30;

const PERIOD_RE = /^(\d{4})-(\d{2})$/;

export function isPeriod(s: string): boolean {
  const m = PERIOD_RE.exec(s);
  return m !== null && Number(m[2]) >= 1 && Number(m[2]) <= 12;
}

/** The first and last day of a period. */
export function periodRange(period: string): { from: LocalDate; to: LocalDate } {
  if (!isPeriod(period)) throw new RangeError(`not a period (YYYY-MM): ${period}`);
  const from = `${period}-01`;
  return { from, to: addDays(addMonths(from, 1), -1) };
}

/** The period a day falls in. */
export function periodOf(day: LocalDate): string {
  if (!isLocalDate(day)) throw new RangeError(`not a date: ${day}`);
  return day.slice(0, 7);
}

/** The period `n` months after (negative: before) `period`. */
export function shiftPeriod(period: string, n: number): string {
  return periodOf(addMonths(periodRange(period).from, n));
}

const RATES: ReadonlySet<KpiName> = new Set(['contactRate', 'promiseRate', 'keptRate', 'cureRate']);

/** Problems with a set of targets, each naming the field under `at`; empty when valid. */
export function validateTargets(x: unknown, at: string): string[] {
  if (typeof x !== 'object' || x === null || Array.isArray(x))
    return [`${at}: must be an object of KPI targets`];
  const errors: string[] = [];
  for (const [name, v] of Object.entries(x)) {
    const field = `${at}.${name}`;
    if (!(KPI_NAMES as readonly string[]).includes(name)) {
      errors.push(`${field}: unknown KPI (one of ${KPI_NAMES.join(', ')})`);
    } else if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      errors.push(`${field}: must be a non-negative number`);
    } else if (RATES.has(name as KpiName) && v > 1) {
      errors.push(`${field}: a rate is a fraction from 0 to 1 (0.25 = 25 %)`);
    } else if (!RATES.has(name as KpiName) && !Number.isSafeInteger(v)) {
      errors.push(
        `${field}: must be a whole number${name === 'collected' ? ' of minor units' : ''}`,
      );
    }
  }
  return errors;
}

/** A collector's targets: its own, and its team's for each KPI it has none of. */
export function targetsFor(own: Targets | undefined, team: Targets | undefined): Targets {
  return { ...(team ?? {}), ...(own ?? {}) };
}
