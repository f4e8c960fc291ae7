/**
 * From what Recoup stores about a customer (preferences, holds, calendar, contact history) to
 * the case the compliance engine decides, and the decision for a proposed contact. Pure.
 */
import { checkContact } from '../compliance/check.ts';
import { RULE_SETS, ruleSetForJurisdiction, type RuleSet } from '../compliance/rule-sets.ts';
import type {
  Attempt,
  ComplianceCase,
  ContactChannel,
  Decision,
  ProposedContact,
} from '../compliance/types.ts';

export interface StoredPreference {
  kind: 'opt_out' | 'call_consent' | 'email_consent' | 'employer_email' | 'inconvenient_time';
  channel: ContactChannel | null;
  value: string | null;
  /** ISO instants. */
  since: string;
  until: string | null;
}

export interface ContactContext {
  customerId: number;
  timezone: string;
  jurisdiction: string;
  doNotContact: boolean;
  phone: string | null;
  email: string | null;
  preferences: readonly StoredPreference[];
  /** Holds on any of the customer's accounts: all contact stops but required notices. */
  holds: readonly { kind: string; from: string; to: string | null }[];
  /** Holidays and quiet days of the customer's jurisdiction (YYYY-MM-DD). */
  calendar: readonly string[];
  /** Contact attempts, oldest first (at least the last 8 days). */
  history: Attempt[];
}

export interface Proposal {
  ts: Date;
  channel: ContactChannel;
  /** The debts the contact is about (account external ids). */
  debts: string[];
  purpose?: ProposedContact['purpose'];
  person?: 'debtor' | 'third_party';
  /** The number or address used; defaults to the customer's phone or e-mail. */
  address?: string | null;
}

export interface ContactDecision extends Decision {
  ruleSet: string;
  ruleSetVersion: number;
}

const NO_RULE_SET = 'RECOUP.no-rule-set';

/** The case the engine decides, for a proposed contact with a customer. */
export function buildCase(ctx: ContactContext, p: Proposal, rs: RuleSet): ComplianceCase {
  const active = (x: StoredPreference) => x.until === null || x.until > p.ts.toISOString();
  const prefs = ctx.preferences.filter(active);
  const address =
    p.address ?? (p.channel === 'email' ? ctx.email : p.channel === 'letter' ? null : ctx.phone);
  const proposed: ProposedContact = {
    ts: p.ts.toISOString(),
    channel: p.channel,
    debts: p.debts,
    person: p.person ?? 'debtor',
    purpose: p.purpose ?? 'collection',
  };
  if (address && p.channel === 'email') proposed.address = address;
  else if (address && (p.channel === 'phone' || p.channel === 'sms')) proposed.number = address;
  return {
    ruleSet: rs.id,
    consumer: {
      timezones: [ctx.timezone],
      inconvenientTimes: prefs
        .filter(
          (x) => x.kind === 'inconvenient_time' && x.value && /^\d\d:\d\d-\d\d:\d\d$/.test(x.value),
        )
        .map((x) => ({ from: x.value!.slice(0, 5), to: x.value!.slice(6, 11) })),
      optOuts: prefs
        .filter((x) => x.kind === 'opt_out' && x.channel)
        .map((x) => {
          const o: { channel: ContactChannel; since: string; number?: string; address?: string } = {
            channel: x.channel!,
            since: x.since,
          };
          if (x.value && x.channel === 'email') o.address = x.value;
          else if (x.value) o.number = x.value;
          return o;
        }),
      consents: prefs
        .filter((x) => x.kind === 'call_consent' && x.value)
        .map((x) => ({ debt: x.value!, givenAt: x.since })),
      holds: ctx.holds.map((h) => ({ kind: h.kind, from: h.from, to: h.to })),
      doNotContact: ctx.doNotContact,
      employerEmails: prefs.filter((x) => x.kind === 'employer_email').map((x) => x.value ?? ''),
      emailConsents: prefs.filter((x) => x.kind === 'email_consent').map((x) => x.value ?? ''),
      holidays: [...ctx.calendar],
    },
    history: ctx.history,
    proposed,
  };
}

/**
 * Decides a proposed contact under the rule set of the customer's jurisdiction. A customer whose
 * jurisdiction has no rule set is not contacted (the stricter reading): DENY, with the reason.
 */
export function decideContact(
  ctx: ContactContext,
  p: Proposal,
  ruleSets: Readonly<Record<string, RuleSet>> = RULE_SETS,
  ruleSetOverride?: string,
): ContactDecision {
  const rs = ruleSetOverride ? ruleSets[ruleSetOverride] : ruleSetForJurisdiction(ctx.jurisdiction);
  if (!rs) {
    return {
      decision: 'DENY',
      reasons: [
        {
          rule: NO_RULE_SET,
          message: `no contact rule set covers jurisdiction "${ctx.jurisdiction}"`,
        },
      ],
      ruleSet: 'NONE',
      ruleSetVersion: 0,
    };
  }
  if (
    p.channel !== 'letter' &&
    p.channel !== 'field_visit' &&
    !(p.address ?? (p.channel === 'email' ? ctx.email : ctx.phone))
  ) {
    return {
      decision: 'DENY',
      reasons: [
        {
          rule: `${rs.id}.no-contact-point`,
          message: `the customer has no ${p.channel === 'email' ? 'e-mail address' : 'phone number'}`,
        },
      ],
      ruleSet: rs.id,
      ruleSetVersion: rs.version,
    };
  }
  const d = checkContact(buildCase(ctx, p, rs), ruleSets);
  return { ...d, ruleSet: rs.id, ruleSetVersion: rs.version };
}

/** The attempt a sent message or a finished call adds to the history the rules count. */
export function attemptOf(
  p: Proposal,
  ctx: ContactContext,
  outcome: Attempt['outcome'],
  direction: Attempt['direction'] = 'outbound',
): Attempt {
  const a: Attempt = {
    ts: p.ts.toISOString(),
    channel: p.channel,
    direction,
    outcome,
    debts: p.debts,
    person: p.person ?? 'debtor',
  };
  const number = p.address ?? (p.channel === 'phone' || p.channel === 'sms' ? ctx.phone : null);
  if (number && (p.channel === 'phone' || p.channel === 'sms')) a.number = number;
  return a;
}
