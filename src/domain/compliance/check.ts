/**
 * The compliance check: for a proposed contact, the consumer and the contact history, ALLOW or
 * DENY with every rule that denies it and why. Pure: time comes in with the case. When every
 * denial is about timing (hours, quiet periods, daily or weekly counts), the earliest instant
 * the contact would be allowed is given too.
 */
import { addDays, diffDays } from '../time/date.ts';
import { localDateOf, parseInstant, toLocal } from '../time/zone.ts';
import { RULE_SETS, type RuleSet } from './rule-sets.ts';
import { CONNECTED, type ComplianceCase, type Decision, type Reason } from './types.ts';

const DAY_MS = 86_400_000;
const fmt = (m: number) =>
  `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

interface Finding extends Reason {
  /** True when waiting can clear it. */
  timing: boolean;
}

/** Debt ids with grouped debts mapped to the group's first id. */
function debtKey(c: ComplianceCase): (d: string) => string {
  const map = new Map<string, string>();
  for (const g of c.consumer.debtGroups ?? []) for (const d of g) map.set(d, g[0]!);
  return (d) => map.get(d) ?? d;
}

function at(ts: string): Date {
  const d = parseInstant(ts);
  if (!d) throw new RangeError(`not an instant with offset: ${ts}`);
  return d;
}

function findings(c: ComplianceCase, rs: RuleSet, when: Date): Finding[] {
  const out: Finding[] = [];
  const p = c.proposed;
  const k = (rule: string) => `${rs.id}.${rule}`;
  const exempt = p.purpose === 'required_notice' || p.purpose === 'optout_confirmation';
  const zones = c.consumer.timezones;
  const home = zones[0]!;
  const today = localDateOf(when, home);

  if (c.consumer.doNotContact && !exempt) {
    out.push({
      rule: k('do-not-contact'),
      message: 'the consumer is marked do-not-contact',
      timing: false,
    });
  }
  for (const h of c.consumer.holds ?? []) {
    // A hold from S to E covers the days after S up to E.
    if (h.from < today && (!h.to || h.to >= today) && p.purpose !== 'required_notice') {
      out.push({
        rule: k('hold'),
        message: `a ${h.kind} hold since ${h.from} stops all contact but required notices`,
        timing: false,
      });
    }
  }
  for (const o of c.consumer.optOuts ?? []) {
    const applies =
      o.channel === p.channel &&
      (o.number === undefined || o.number === p.number) &&
      (o.address === undefined || o.address === p.address) &&
      at(o.since) <= when;
    if (applies && p.purpose !== 'optout_confirmation') {
      out.push({
        rule: k('opt-out'),
        message: `the consumer opted out of ${p.channel}${o.number ? ` on ${o.number}` : o.address ? ` at ${o.address}` : ''}`,
        timing: false,
      });
    }
  }
  if (
    (c.consumer.holidays ?? []).includes(today) &&
    rs.timedChannels.includes(p.channel) &&
    !exempt
  ) {
    out.push({
      rule: k('holiday'),
      message: `${today} is a public holiday where the consumer is`,
      timing: true,
    });
  }

  // Hours: in every zone the consumer may be in, and outside the times they called inconvenient.
  if (rs.timedChannels.includes(p.channel)) {
    for (const zone of zones) {
      const l = toLocal(when, zone);
      const m = l.hour * 60 + l.minute;
      if (m < rs.window.from || m >= rs.window.to) {
        out.push({
          rule: k('contact-hours'),
          message: `${fmt(m)} in ${zone} is outside ${fmt(rs.window.from)}-${fmt(rs.window.to)}`,
          timing: true,
        });
      }
      for (const t of c.consumer.inconvenientTimes ?? []) {
        const from = Number(t.from.slice(0, 2)) * 60 + Number(t.from.slice(3, 5));
        const to = Number(t.to.slice(0, 2)) * 60 + Number(t.to.slice(3, 5));
        if (m >= from && m < to) {
          out.push({
            rule: k('inconvenient-time'),
            message: `the consumer said ${t.from}-${t.to} is inconvenient`,
            timing: true,
          });
        }
      }
    }
  }

  const history = c.history.map((a) => ({ ...a, at: at(a.ts) })).filter((a) => a.at < when);
  const key = debtKey(c);
  const debts = new Set(p.debts.map(key));

  if (p.channel === 'phone' && p.person === 'debtor' && !exempt) {
    for (const debt of debts) {
      const onDebt = history.filter(
        (a) => a.person === 'debtor' && a.debts.some((d) => key(d) === debt),
      );
      const conversations = onDebt.filter((a) => CONNECTED.has(a.outcome)).map((a) => a.at);
      const consentActive = (t: Date) =>
        (c.consumer.consents ?? []).some((cs) => {
          const given = at(cs.givenAt);
          const later = conversations.some((cv) => cv > given && cv < t);
          return (
            key(cs.debt) === debt &&
            given <= t &&
            t.getTime() - given.getTime() < 7 * DAY_MS &&
            (!cs.revokedAt || at(cs.revokedAt) > t) &&
            !later
          );
        });
      if (rs.callsPer7Days !== undefined) {
        const counted = onDebt.filter(
          (a) =>
            a.channel === 'phone' &&
            a.direction === 'outbound' &&
            a.outcome !== 'busy' &&
            a.outcome !== 'not_in_service' &&
            when.getTime() - a.at.getTime() < 7 * DAY_MS &&
            !consentActive(a.at),
        );
        if (counted.length >= rs.callsPer7Days && !consentActive(when)) {
          out.push({
            rule: k('7-calls-in-7-days'),
            message: `${counted.length} calls about debt ${debt} in the last 7 days`,
            timing: true,
          });
        }
      }
      if (rs.quietAfterConversationDays !== undefined) {
        const last = conversations
          .filter((t) => t.getTime() <= when.getTime())
          .sort((a, b) => b.getTime() - a.getTime())[0];
        if (last) {
          const day1 = localDateOf(last, home);
          const days = diffDays(today, day1) + 1;
          if (days <= rs.quietAfterConversationDays && !consentActive(when)) {
            out.push({
              rule: k('7-days-after-conversation'),
              message: `a conversation about debt ${debt} on ${day1}; no call before ${addDays(day1, rs.quietAfterConversationDays)}`,
              timing: true,
            });
          }
        }
      }
    }
  }

  if (p.channel === 'phone' && rs.connectedCallsPerDay !== undefined && p.person === 'debtor') {
    const connected = history.filter(
      (a) =>
        a.channel === 'phone' &&
        a.person === 'debtor' &&
        CONNECTED.has(a.outcome) &&
        localDateOf(a.at, home) === today,
    );
    if (connected.length >= rs.connectedCallsPerDay) {
      out.push({
        rule: k('connected-calls-per-day'),
        message: `${connected.length} connected calls with the debtor today`,
        timing: true,
      });
    }
  }
  if (p.channel === 'phone' && rs.unansweredPerNumberPerDay !== undefined && p.number) {
    const unanswered = history.filter(
      (a) =>
        a.channel === 'phone' &&
        a.number === p.number &&
        !CONNECTED.has(a.outcome) &&
        localDateOf(a.at, home) === today,
    );
    if (unanswered.length >= rs.unansweredPerNumberPerDay) {
      out.push({
        rule: k('unanswered-per-number-per-day'),
        message: `${unanswered.length} unanswered attempts on ${p.number} today`,
        timing: true,
      });
    }
  }

  if (p.person === 'third_party') {
    if (p.disclosesDebt !== false) {
      out.push({
        rule: k('third-party-disclosure'),
        message: 'a contact with a third party must not disclose the debt',
        timing: false,
      });
    }
    if (rs.thirdPartyOnlyWhenUnreachable) {
      const reachedRecently = history.some(
        (a) =>
          a.person === 'debtor' &&
          CONNECTED.has(a.outcome) &&
          when.getTime() - a.at.getTime() < 7 * DAY_MS,
      );
      const tried = history.some((a) => a.person === 'debtor' && a.direction === 'outbound');
      if (reachedRecently || !tried) {
        out.push({
          rule: k('third-party-only-when-unreachable'),
          message: 'third parties only when the debtor cannot be reached',
          timing: false,
        });
      }
    }
  }

  if (rs.noEmployerEmail && p.channel === 'email' && p.address) {
    const employer = (c.consumer.employerEmails ?? []).includes(p.address);
    if (employer && !(c.consumer.emailConsents ?? []).includes(p.address)) {
      out.push({
        rule: k('employer-email'),
        message: `${p.address} is provided by the consumer's employer`,
        timing: false,
      });
    }
  }
  const v = c.consumer.validation;
  if (rs.validationDisputeStop && v?.disputedOn && !v.verifiedOn && !exempt) {
    out.push({
      rule: k('dispute-until-verified'),
      message: `a written dispute on ${v.disputedOn} stops collection until verification is sent`,
      timing: false,
    });
  }
  return out;
}

/** Decides a case; unknown rule sets are an error. */
export function checkContact(
  c: ComplianceCase,
  ruleSets: Readonly<Record<string, RuleSet>> = RULE_SETS,
): Decision {
  const rs = ruleSets[c.ruleSet];
  if (!rs)
    throw new RangeError(
      `unknown rule set "${c.ruleSet}" (known: ${Object.keys(ruleSets).join(', ')})`,
    );
  if (c.consumer.timezones.length === 0)
    throw new RangeError('consumer.timezones: at least one time zone is needed');
  const when = at(c.proposed.ts);
  const found = findings(c, rs, when);
  if (found.length === 0) return { decision: 'ALLOW', reasons: [] };
  const reasons = found.map(({ rule, message }) => ({ rule, message }));
  if (found.some((f) => !f.timing)) return { decision: 'DENY', reasons };
  // Every denial is about timing: look ahead in 15-minute steps for up to 8 days.
  const start = Math.ceil(when.getTime() / 900_000) * 900_000;
  for (let t = start; t <= when.getTime() + 8 * DAY_MS; t += 900_000) {
    if (findings(c, rs, new Date(t)).length === 0) {
      return { decision: 'DENY', reasons, nextAllowed: new Date(t).toISOString() };
    }
  }
  return { decision: 'DENY', reasons };
}
