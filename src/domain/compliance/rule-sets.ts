/**
 * Rule sets per jurisdiction, as configuration: contact hours, counting limits and which rules
 * apply. Sources and readings: ../shared compliance notes, summarised in docs/compliance.md.
 * Where a reading is uncertain the default is the stricter one.
 */

export interface RuleSet {
  id: string;
  version: number;
  /** Local contact window [from, to) in minutes after midnight, per channel group. */
  window: { from: number; to: number };
  /** Channels the window applies to (letters are not time-bound). */
  timedChannels: readonly string[];
  /** US: at most this many calls per person per debt in 7 days (the 8th is refused). */
  callsPer7Days?: number;
  /** US: no call within 7 days of a conversation about the debt (the day of it is day 1). */
  quietAfterConversationDays?: number;
  /** CN: at most this many connected calls per debtor per local day, all debts together. */
  connectedCallsPerDay?: number;
  /** CN: at most this many unanswered attempts per number per local day. */
  unansweredPerNumberPerDay?: number;
  /** Third parties: never disclose the debt; CN: only when the debtor cannot be reached. */
  thirdPartyOnlyWhenUnreachable?: boolean;
  /** US: no email to an employer-provided address without consent. */
  noEmployerEmail?: boolean;
  /** US: no collection during an unresolved written dispute in the validation period. */
  validationDisputeStop?: boolean;
}

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

const CN: RuleSet = {
  id: 'CN',
  version: 1,
  window: { from: minutes('08:00'), to: minutes('22:00') },
  timedChannels: ['phone', 'sms', 'email', 'field_visit'],
  connectedCallsPerDay: 3,
  unansweredPerNumberPerDay: 6,
  thirdPartyOnlyWhenUnreachable: true,
};

export const RULE_SETS: Readonly<Record<string, RuleSet>> = Object.freeze({
  'US-REG-F': {
    id: 'US-REG-F',
    version: 1,
    window: { from: minutes('08:00'), to: minutes('21:00') },
    timedChannels: ['phone', 'sms', 'email', 'field_visit'],
    callsPer7Days: 7,
    quietAfterConversationDays: 7,
    noEmployerEmail: true,
    validationDisputeStop: true,
  },
  CN,
  // The 2018 NIFA convention's stricter 08:00-21:00 window.
  'CN-STRICT': { ...CN, id: 'CN-STRICT', window: { from: minutes('08:00'), to: minutes('21:00') } },
  // CONC 7.9.4R names no hours; 08:00-21:00 is the usual reading (MCOB 13.5.4G).
  'UK-FCA': {
    id: 'UK-FCA',
    version: 1,
    window: { from: minutes('08:00'), to: minutes('21:00') },
    timedChannels: ['phone', 'sms', 'email', 'field_visit'],
  },
} satisfies Record<string, RuleSet>);

/** The rule set for a customer's jurisdiction (`US-NY` → US-REG-F, `CN` → CN, `UK`/`GB` → UK-FCA). */
export function ruleSetForJurisdiction(jurisdiction: string): RuleSet | null {
  const country = jurisdiction.slice(0, 2);
  if (country === 'US') return RULE_SETS['US-REG-F']!;
  if (country === 'CN') return RULE_SETS.CN!;
  if (country === 'UK' || country === 'GB') return RULE_SETS['UK-FCA']!;
  return null;
}
