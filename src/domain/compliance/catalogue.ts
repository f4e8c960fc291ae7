/**
 * The rule sets in force, described for people: contact hours, counting limits, the rules that
 * apply, their sources and the jurisdictions each covers; and how many customers each governs.
 */
import { RULE_SETS, ruleSetForJurisdiction, type RuleSet } from './rule-sets.ts';

export interface RuleSetView {
  id: string;
  version: number;
  /** Customer jurisdictions chosen for it (`US-*`: every US state); empty: chosen by name only. */
  jurisdictions: string[];
  contactHours: { from: string; to: string; channels: string[] };
  limits: {
    callsPer7Days: number | null;
    quietDaysAfterConversation: number | null;
    connectedCallsPerDay: number | null;
    unansweredPerNumberPerDay: number | null;
  };
  rules: string[];
  sources: string[];
  /** Customers whose jurisdiction chooses it, by jurisdiction. */
  customers: Record<string, number>;
}

/** Jurisdiction patterns → rule set, as `ruleSetForJurisdiction` chooses. */
const CHOSEN_FOR: Readonly<Record<string, string[]>> = {
  'US-REG-F': ['US', 'US-*'],
  CN: ['CN'],
  'UK-FCA': ['UK', 'GB'],
};

const SOURCES: Readonly<Record<string, string[]>> = {
  'US-REG-F': [
    'Regulation F, 12 CFR 1006.6(b) (inconvenient times and places)',
    '12 CFR 1006.14(b) (call frequency: 7 in 7 days, 7 days after a conversation)',
    '12 CFR 1006.14(h) (opt-outs per medium)',
    '12 CFR 1006.22(f) (employer e-mail)',
    '12 CFR 1006.34, 1006.38 (validation notice, disputes)',
  ],
  CN: [
    'NIFA collection self-discipline convention (2018)',
    'China Banking Association guidelines on credit card collection',
  ],
  'CN-STRICT': ["NIFA convention's stricter reading: 08:00-21:00"],
  'UK-FCA': ['FCA CONC 7 (arrears, default and recovery)', 'MCOB 13.5.4G (usual hours reading)'],
};

/** Minutes after midnight as HH:MM. */
export const hhmm = (m: number) =>
  `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

function rulesOf(rs: RuleSet): string[] {
  const rules = [
    `contact hours ${hhmm(rs.window.from)}-${hhmm(rs.window.to)} local, every candidate zone`,
    'times the consumer called inconvenient',
    'opt-outs per medium, number or address',
    'do-not-contact and holds stop all but required notices',
    'public holidays and quiet days of the jurisdiction',
    'never disclose the debt to a third party',
  ];
  if (rs.callsPer7Days !== undefined)
    rules.push(`at most ${rs.callsPer7Days} calls per person per debt in 7 days`);
  if (rs.quietAfterConversationDays !== undefined)
    rules.push(`no call within ${rs.quietAfterConversationDays} days of a conversation`);
  if (rs.connectedCallsPerDay !== undefined)
    rules.push(`at most ${rs.connectedCallsPerDay} connected calls per debtor per day`);
  if (rs.unansweredPerNumberPerDay !== undefined)
    rules.push(`at most ${rs.unansweredPerNumberPerDay} unanswered attempts per number per day`);
  if (rs.thirdPartyOnlyWhenUnreachable)
    rules.push('third parties only when the debtor cannot be reached');
  if (rs.noEmployerEmail) rules.push('no e-mail to an employer address without consent');
  if (rs.validationDisputeStop)
    rules.push('no collection after a written dispute until verification is sent');
  return rules;
}

/**
 * Every rule set with the customers it governs; `customers` counts customers by jurisdiction.
 * Jurisdictions no rule set covers are returned apart: their customers are not contacted.
 */
export function ruleSetCatalogue(
  customers: Readonly<Record<string, number>>,
  ruleSets: Readonly<Record<string, RuleSet>> = RULE_SETS,
): { ruleSets: RuleSetView[]; uncovered: Record<string, number> } {
  const governed = new Map<string, Record<string, number>>();
  const uncovered: Record<string, number> = {};
  for (const [j, n] of Object.entries(customers)) {
    const rs = ruleSetForJurisdiction(j);
    if (!rs) uncovered[j] = n;
    else governed.set(rs.id, { ...(governed.get(rs.id) ?? {}), [j]: n });
  }
  return {
    ruleSets: Object.values(ruleSets).map((rs) => ({
      id: rs.id,
      version: rs.version,
      jurisdictions: CHOSEN_FOR[rs.id] ?? [],
      contactHours: {
        from: hhmm(rs.window.from),
        to: hhmm(rs.window.to),
        channels: [...rs.timedChannels],
      },
      limits: {
        callsPer7Days: rs.callsPer7Days ?? null,
        quietDaysAfterConversation: rs.quietAfterConversationDays ?? null,
        connectedCallsPerDay: rs.connectedCallsPerDay ?? null,
        unansweredPerNumberPerDay: rs.unansweredPerNumberPerDay ?? null,
      },
      rules: rulesOf(rs),
      sources: SOURCES[rs.id] ?? [],
      customers: governed.get(rs.id) ?? {},
    })),
    uncovered,
  };
}
