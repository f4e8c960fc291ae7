import { describe, expect, it } from 'vitest';
import { auditCustomer } from './audit.ts';
import { attemptOf, decideContact, type ContactContext } from './contact-case.ts';

const base: ContactContext = {
  customerId: 1,
  timezone: 'America/New_York',
  jurisdiction: 'US-NY',
  doNotContact: false,
  phone: '+12125550101',
  email: 'ann@example.com',
  preferences: [],
  holds: [],
  calendar: ['2026-01-19'],
  history: [],
};
const at = (iso: string) => new Date(iso);
const rules = (d: { reasons: { rule: string }[] }) => d.reasons.map((r) => r.rule);

describe('deciding a contact from what is stored', () => {
  it('chooses the rule set from the jurisdiction and allows a call in hours', () => {
    const d = decideContact(base, {
      ts: at('2026-03-02T15:00:00Z'),
      channel: 'phone',
      debts: ['A1'],
    });
    expect(d).toMatchObject({ decision: 'ALLOW', ruleSet: 'US-REG-F', ruleSetVersion: 1 });
    expect(
      decideContact(
        { ...base, jurisdiction: 'CN', timezone: 'Asia/Shanghai' },
        { ts: at('2026-03-02T03:00:00Z'), channel: 'sms', debts: ['A1'] },
      ).ruleSet,
    ).toBe('CN');
    expect(
      decideContact(
        { ...base, jurisdiction: 'GB' },
        { ts: at('2026-03-02T15:00:00Z'), channel: 'sms', debts: ['A1'] },
      ).ruleSet,
    ).toBe('UK-FCA');
  });

  it('denies a jurisdiction with no rule set (the stricter reading)', () => {
    const d = decideContact(
      { ...base, jurisdiction: 'FR' },
      { ts: at('2026-03-02T15:00:00Z'), channel: 'sms', debts: ['A1'] },
    );
    expect(d.decision).toBe('DENY');
    expect(rules(d)).toEqual(['RECOUP.no-rule-set']);
  });

  it('denies a channel without a contact point', () => {
    const d = decideContact(
      { ...base, email: null },
      { ts: at('2026-03-02T15:00:00Z'), channel: 'email', debts: ['A1'] },
    );
    expect(rules(d)).toEqual(['US-REG-F.no-contact-point']);
  });

  it('reads opt-outs per channel and number, and only while in force', () => {
    const ctx: ContactContext = {
      ...base,
      preferences: [
        {
          kind: 'opt_out',
          channel: 'sms',
          value: '+12125550101',
          since: '2026-02-01T00:00:00.000Z',
          until: null,
        },
        {
          kind: 'opt_out',
          channel: 'email',
          value: null,
          since: '2026-02-01T00:00:00.000Z',
          until: '2026-02-15T00:00:00.000Z',
        },
      ],
    };
    expect(
      rules(decideContact(ctx, { ts: at('2026-03-02T15:00:00Z'), channel: 'sms', debts: ['A1'] })),
    ).toContain('US-REG-F.opt-out');
    expect(
      decideContact(ctx, {
        ts: at('2026-03-02T15:00:00Z'),
        channel: 'sms',
        debts: ['A1'],
        address: '+12125550199',
      }).decision,
    ).toBe('ALLOW');
    expect(
      decideContact(ctx, { ts: at('2026-03-02T15:00:00Z'), channel: 'email', debts: ['A1'] })
        .decision,
    ).toBe('ALLOW');
  });

  it('holds on any account stop contact, but not required notices', () => {
    const ctx = { ...base, holds: [{ kind: 'hardship', from: '2026-03-01', to: null }] };
    expect(
      rules(decideContact(ctx, { ts: at('2026-03-02T15:00:00Z'), channel: 'sms', debts: ['A2'] })),
    ).toContain('US-REG-F.hold');
    expect(
      decideContact(ctx, {
        ts: at('2026-03-02T15:00:00Z'),
        channel: 'letter',
        debts: ['A2'],
        purpose: 'required_notice',
      }).decision,
    ).toBe('ALLOW');
  });

  it('public holidays of the calendar and inconvenient times from preferences', () => {
    expect(
      rules(
        decideContact(base, { ts: at('2026-01-19T15:00:00Z'), channel: 'phone', debts: ['A1'] }),
      ),
    ).toContain('US-REG-F.holiday');
    const ctx: ContactContext = {
      ...base,
      preferences: [
        {
          kind: 'inconvenient_time',
          channel: null,
          value: '12:00-13:30',
          since: '2026-01-01T00:00:00.000Z',
          until: null,
        },
      ],
    };
    const d = decideContact(ctx, {
      ts: at('2026-03-02T17:15:00Z'),
      channel: 'phone',
      debts: ['A1'],
    });
    expect(d.decision).toBe('DENY');
    expect(d.nextAllowed).toBe('2026-03-02T18:30:00.000Z');
  });

  it('counts the history: the eighth call in seven days is refused', () => {
    const history = Array.from({ length: 7 }, (_, i) =>
      attemptOf(
        { ts: at(`2026-03-0${i + 1}T15:00:00Z`), channel: 'phone', debts: ['A1'] },
        base,
        'no_answer',
      ),
    );
    const d = decideContact(
      { ...base, history },
      { ts: at('2026-03-07T18:00:00Z'), channel: 'phone', debts: ['A1'] },
    );
    expect(rules(d)).toContain('US-REG-F.7-calls-in-7-days');
  });
});

describe('the audit of contacts made', () => {
  const customer = {
    base: {
      customerId: 1,
      timezone: 'America/New_York',
      jurisdiction: 'US-NY',
      doNotContact: false,
      phone: '+12125550101',
      email: null,
      calendar: [],
    },
    holds: [
      { kind: 'dispute', from: '2026-03-03', to: null, recordedAt: '2026-03-03T12:00:00.000Z' },
    ],
    preferences: [],
    attempts: [
      {
        id: 1,
        ts: '2026-03-02T15:00:00.000Z',
        channel: 'sms' as const,
        direction: 'outbound' as const,
        outcome: 'sent' as const,
        debts: ['A1'],
        person: 'debtor' as const,
      },
      // 22:30 in New York.
      {
        id: 2,
        ts: '2026-03-03T03:30:00.000Z',
        channel: 'phone' as const,
        direction: 'outbound' as const,
        outcome: 'no_answer' as const,
        debts: ['A1'],
        person: 'debtor' as const,
      },
      // During the dispute hold, known since 03-03 12:00.
      {
        id: 3,
        ts: '2026-03-04T15:00:00.000Z',
        channel: 'sms' as const,
        direction: 'outbound' as const,
        outcome: 'sent' as const,
        debts: ['A1'],
        person: 'debtor' as const,
      },
    ],
  };
  it('finds contacts the rules in force then would have denied', () => {
    const v = auditCustomer(customer, '2026-03-01T00:00:00.000Z', '2026-03-10T00:00:00.000Z');
    expect(v.map((x) => x.attemptId)).toEqual([2, 3]);
    expect(v[0]!.reasons.map((r) => r.rule)).toContain('US-REG-F.contact-hours');
    expect(v[1]!.reasons.map((r) => r.rule)).toContain('US-REG-F.hold');
  });
  it('does not hold a hold recorded later against an earlier contact', () => {
    const later = {
      ...customer,
      holds: [{ ...customer.holds[0]!, recordedAt: '2026-03-05T00:00:00.000Z' }],
    };
    expect(
      auditCustomer(later, '2026-03-01T00:00:00.000Z', '2026-03-10T00:00:00.000Z').map(
        (x) => x.attemptId,
      ),
    ).toEqual([2]);
  });
});
