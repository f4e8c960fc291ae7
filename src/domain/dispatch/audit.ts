/**
 * The audit of contact: every contact made, decided again against the rules in force when it
 * was made, with only what was known then (the history before it, the holds and preferences
 * recorded by then). A contact the rules would have denied is a violation. Pure.
 */
import type { RuleSet } from '../compliance/rule-sets.ts';
import { RULE_SETS } from '../compliance/rule-sets.ts';
import type { Attempt, Reason } from '../compliance/types.ts';
import { decideContact, type ContactContext, type StoredPreference } from './contact-case.ts';

export interface AuditedAttempt extends Attempt {
  id: number;
  address?: string | null;
}

export interface AuditCustomer {
  base: Omit<ContactContext, 'history' | 'holds' | 'preferences'>;
  holds: { kind: string; from: string; to: string | null; recordedAt: string }[];
  preferences: (StoredPreference & { recordedAt: string })[];
  /** Every attempt of the customer, oldest first. */
  attempts: AuditedAttempt[];
}

export interface Violation {
  attemptId: number;
  customerId: number;
  ts: string;
  channel: string;
  reasons: Reason[];
}

export function auditCustomer(
  c: AuditCustomer,
  from: string,
  to: string,
  ruleSets: Readonly<Record<string, RuleSet>> = RULE_SETS,
): Violation[] {
  const out: Violation[] = [];
  const windowStart = (ts: string) =>
    new Date(new Date(ts).getTime() - 9 * 86_400_000).toISOString();
  for (const [i, a] of c.attempts.entries()) {
    if (a.direction !== 'outbound' || a.ts < from || a.ts >= to) continue;
    const since = windowStart(a.ts);
    const ctx: ContactContext = {
      ...c.base,
      holds: c.holds.filter((h) => h.recordedAt <= a.ts),
      preferences: c.preferences.filter((p) => p.recordedAt <= a.ts),
      history: c.attempts.slice(0, i).filter((h) => h.ts >= since && h.ts <= a.ts),
    };
    const d = decideContact(
      ctx,
      {
        ts: new Date(a.ts),
        channel: a.channel,
        debts: a.debts,
        person: a.person,
        address: a.address ?? a.number ?? null,
      },
      ruleSets,
    );
    if (d.decision === 'DENY')
      out.push({
        attemptId: a.id,
        customerId: c.base.customerId,
        ts: a.ts,
        channel: a.channel,
        reasons: d.reasons,
      });
  }
  return out;
}
