/**
 * Collector KPIs for a period, from the period's counts.
 *
 * Every rate is a plain fraction (0.25 = 25 %) of two counts, and `null` when its denominator
 * is zero: a collector who made no attempts has no contact rate, which is not the same as a
 * contact rate of 0. Amounts collected stay integers of minor units, one entry per currency.
 * A team's KPIs come from the sum of its members' counts, never from an average of their rates.
 */

/** What one collector (or one team, once summed) did in a period. */
export interface CollectorCounts {
  id: string;
  attempts: number;
  rightPartyContacts: number;
  promisesTaken: number;
  promisesKept: number;
  /** Promises whose due date fell in the period (kept or not). */
  promisesDue: number;
  /** Amount collected per ISO 4217 currency, in integer minor units. */
  collected: Readonly<Record<string, number>>;
  accountsWorked: number;
  accountsCured: number;
  complaints: number;
  complianceBlocks: number;
}

export interface Kpis {
  id: string;
  /** Right-party contacts / attempts. */
  contactRate: number | null;
  /** Promises taken / right-party contacts. */
  promiseRate: number | null;
  /** Promises kept / promises due. */
  keptRate: number | null;
  /** Accounts cured / accounts worked. */
  cureRate: number | null;
  /** Minor units per currency. */
  collected: Readonly<Record<string, number>>;
  complaints: number;
  complianceBlocks: number;
}

/** `num / den`, or null when `den` is zero. */
export function ratio(num: number, den: number): number | null {
  return den === 0 ? null : num / den;
}

export function kpis(c: CollectorCounts): Kpis {
  return {
    id: c.id,
    contactRate: ratio(c.rightPartyContacts, c.attempts),
    promiseRate: ratio(c.promisesTaken, c.rightPartyContacts),
    keptRate: ratio(c.promisesKept, c.promisesDue),
    cureRate: ratio(c.accountsCured, c.accountsWorked),
    collected: { ...c.collected },
    complaints: c.complaints,
    complianceBlocks: c.complianceBlocks,
  };
}

const COUNT_FIELDS = [
  'attempts',
  'rightPartyContacts',
  'promisesTaken',
  'promisesKept',
  'promisesDue',
  'accountsWorked',
  'accountsCured',
  'complaints',
  'complianceBlocks',
] as const;

/** A period with nothing done in it. */
export function emptyCounts(id: string): CollectorCounts {
  return {
    id,
    attempts: 0,
    rightPartyContacts: 0,
    promisesTaken: 0,
    promisesKept: 0,
    promisesDue: 0,
    collected: {},
    accountsWorked: 0,
    accountsCured: 0,
    complaints: 0,
    complianceBlocks: 0,
  };
}

/** The members' counts added up under the id `teamId` (amounts added per currency). */
export function sumCounts(teamId: string, members: readonly CollectorCounts[]): CollectorCounts {
  const total = emptyCounts(teamId);
  const collected: Record<string, number> = {};
  for (const m of members) {
    for (const f of COUNT_FIELDS) total[f] += m[f];
    for (const [currency, minor] of Object.entries(m.collected)) {
      collected[currency] = (collected[currency] ?? 0) + minor;
    }
  }
  return { ...total, collected };
}

/** A team's KPIs: rates of the summed counts. */
export function teamKpis(teamId: string, members: readonly CollectorCounts[]): Kpis {
  return kpis(sumCounts(teamId, members));
}
