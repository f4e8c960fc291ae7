/** The input and output of a compliance decision: a proposed contact, the consumer, the history. */

export type ContactChannel = 'phone' | 'sms' | 'email' | 'letter' | 'field_visit';

/** What happened on an attempt; the first three did not reach anyone. */
export const OUTCOMES = [
  'busy',
  'not_in_service',
  'no_answer',
  'voicemail',
  'wrong_number',
  'conversation',
  'promise_to_pay',
  'refused',
  'dispute',
  'hardship',
  'sent',
  'delivered',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Outcomes in which the collector spoke with the person. */
export const CONNECTED: ReadonlySet<Outcome> = new Set([
  'conversation',
  'promise_to_pay',
  'refused',
  'dispute',
  'hardship',
]);

export interface Attempt {
  /** ISO instant with offset. */
  ts: string;
  channel: ContactChannel;
  direction: 'outbound' | 'inbound';
  outcome: Outcome;
  debts: string[];
  /** `debtor`, or `third_party` for anyone else (family, employer, a contact). */
  person: 'debtor' | 'third_party';
  number?: string;
}

export interface Consumer {
  /** Where the consumer may be: every candidate IANA zone (address, phone area, ...). */
  timezones: string[];
  /** Local times the consumer said are inconvenient, e.g. {from: "12:00", to: "13:30"}. */
  inconvenientTimes?: { from: string; to: string }[];
  optOuts?: { channel: ContactChannel; number?: string; address?: string; since: string }[];
  /** Direct prior consent to be called about a debt (US). */
  consents?: { debt: string; givenAt: string; revokedAt?: string }[];
  holds?: { kind: string; from: string; to?: string | null }[];
  doNotContact?: boolean;
  /** Addresses known to be provided by the consumer's employer. */
  employerEmails?: string[];
  /** Employer addresses the consumer agreed to be written to. */
  emailConsents?: string[];
  /** Debts that count as one (e.g. student loans serviced under one account). */
  debtGroups?: string[][];
  /** US validation: notice sent, written dispute, verification sent (dates YYYY-MM-DD). */
  validation?: { noticeSentOn?: string; disputedOn?: string; verifiedOn?: string };
  /** Days no contact may happen (public holidays), YYYY-MM-DD in the consumer's zone. */
  holidays?: string[];
}

export interface ProposedContact {
  ts: string;
  channel: ContactChannel;
  debts: string[];
  person: 'debtor' | 'third_party';
  number?: string;
  address?: string;
  /** `required_notice` (a notice the law requires) and `optout_confirmation` pass holds and opt-outs. */
  purpose?: 'collection' | 'required_notice' | 'optout_confirmation';
  /** Whether the message reveals the debt (matters for third parties). */
  disclosesDebt?: boolean;
}

export interface ComplianceCase {
  ruleSet: string;
  consumer: Consumer;
  history: Attempt[];
  proposed: ProposedContact;
}

export interface Reason {
  rule: string;
  message: string;
}

export interface Decision {
  decision: 'ALLOW' | 'DENY';
  reasons: Reason[];
  /** When every denial is about timing: the earliest instant the contact would be allowed. */
  nextAllowed?: string;
}
