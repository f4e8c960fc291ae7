/** Table-driven tests of every rule, with time-zone and daylight-saving edges. */
import { describe, expect, it } from 'vitest';
import { checkContact } from './check.ts';
import type { Attempt, ComplianceCase, Consumer, ProposedContact } from './types.ts';

const NY = 'America/New_York';
const consumer = (over: Partial<Consumer> = {}): Consumer => ({ timezones: [NY], ...over });
const call = (ts: string, over: Partial<ProposedContact> = {}): ProposedContact => ({
  ts,
  channel: 'phone',
  debts: ['D1'],
  person: 'debtor',
  number: '+12125550101',
  ...over,
});
const attempt = (
  ts: string,
  outcome: Attempt['outcome'],
  over: Partial<Attempt> = {},
): Attempt => ({
  ts,
  channel: 'phone',
  direction: 'outbound',
  outcome,
  debts: ['D1'],
  person: 'debtor',
  number: '+12125550101',
  ...over,
});
const decide = (ruleSet: string, c: Partial<ComplianceCase> & { proposed: ProposedContact }) =>
  checkContact({ ruleSet, consumer: consumer(), history: [], ...c });
const rules = (d: { reasons: { rule: string }[] }) => d.reasons.map((r) => r.rule);

describe('US Regulation F: hours', () => {
  it.each([
    // 07:59 and 21:00 are outside 08:00-21:00; 08:00 and 20:59 inside (New York, EST -05:00)
    ['2026-01-15T07:59:00-05:00', 'DENY'],
    ['2026-01-15T08:00:00-05:00', 'ALLOW'],
    ['2026-01-15T20:59:00-05:00', 'ALLOW'],
    ['2026-01-15T21:00:00-05:00', 'DENY'],
    // DST began 2026-03-08: 08:30 EDT is 12:30Z; the same instant a day earlier was 07:30 EST
    ['2026-03-08T12:30:00Z', 'ALLOW'],
    ['2026-03-07T12:30:00Z', 'DENY'],
    // DST ended 2026-11-01: 01:30Z on 11-02 is 20:30 EST, allowed; 02:30Z is 21:30 EST
    ['2026-11-02T01:30:00Z', 'ALLOW'],
    ['2026-11-02T02:30:00Z', 'DENY'],
  ])('a call at %s is %s', (ts, expected) => {
    expect(decide('US-REG-F', { proposed: call(ts) }).decision).toBe(expected);
  });

  it('requires the time to suit every candidate zone, and says when it will', () => {
    // 08:30 in New York is 05:30 in Los Angeles: not until 08:00 Pacific, i.e. 11:00 Eastern.
    const d = decide('US-REG-F', {
      consumer: consumer({ timezones: [NY, 'America/Los_Angeles'] }),
      proposed: call('2026-01-15T08:30:00-05:00'),
    });
    expect(d).toMatchObject({ decision: 'DENY', nextAllowed: '2026-01-15T16:00:00.000Z' });
    expect(d.reasons[0]!.message).toBe('05:30 in America/Los_Angeles is outside 08:00-21:00');
  });

  it('honours times the consumer called inconvenient', () => {
    const d = decide('US-REG-F', {
      consumer: consumer({ inconvenientTimes: [{ from: '12:00', to: '13:30' }] }),
      proposed: call('2026-01-15T12:45:00-05:00'),
    });
    expect(rules(d)).toEqual(['US-REG-F.inconvenient-time']);
    expect(d.nextAllowed).toBe('2026-01-15T18:30:00.000Z');
  });

  it('leaves letters alone at night', () => {
    expect(
      decide('US-REG-F', { proposed: call('2026-01-15T23:00:00-05:00', { channel: 'letter' }) })
        .decision,
    ).toBe('ALLOW');
  });
});

describe('US Regulation F: call frequency', () => {
  const seven = Array.from({ length: 7 }, (_, i) =>
    attempt(`2026-01-0${i + 2}T10:00:00-05:00`, 'no_answer'),
  );

  it.each([
    [
      'seven unanswered calls in 7 days refuse an eighth',
      seven,
      '2026-01-08T15:00:00-05:00',
      'DENY',
    ],
    // the first call (01-02 10:00) leaves the 7-day window at 01-09 10:00
    ['the window rolls after 7 days', seven, '2026-01-09T10:00:00-05:00', 'ALLOW'],
    [
      'busy and not-in-service calls do not count',
      [
        ...seven.slice(0, 5),
        attempt('2026-01-07T10:00:00-05:00', 'busy'),
        attempt('2026-01-08T09:00:00-05:00', 'not_in_service'),
      ],
      '2026-01-08T15:00:00-05:00',
      'ALLOW',
    ],
    [
      'calls about another debt do not count',
      seven.map((a) => ({ ...a, debts: ['D2'] })),
      '2026-01-08T15:00:00-05:00',
      'ALLOW',
    ],
  ] as const)('%s', (_name, history, ts, expected) => {
    expect(decide('US-REG-F', { history: [...history], proposed: call(ts) }).decision).toBe(
      expected,
    );
  });

  it('counts debts grouped as one together', () => {
    const history = seven.map((a, i) => ({ ...a, debts: [i % 2 ? 'S1' : 'S2'] }));
    const d = decide('US-REG-F', {
      consumer: consumer({ debtGroups: [['S1', 'S2']] }),
      history,
      proposed: call('2026-01-08T15:00:00-05:00', { debts: ['S1'] }),
    });
    expect(rules(d)).toEqual(['US-REG-F.7-calls-in-7-days']);
    expect(d.nextAllowed).toBe('2026-01-09T15:00:00.000Z');
  });

  it('does not count calls made with direct prior consent', () => {
    const d = decide('US-REG-F', {
      consumer: consumer({ consents: [{ debt: 'D1', givenAt: '2026-01-01T09:00:00-05:00' }] }),
      history: seven,
      proposed: call('2026-01-08T15:00:00-05:00'),
    });
    // consent given 01-01 09:00 covers calls until 01-08 09:00; the proposed call is after it,
    // and the calls it covered do not count
    expect(d.decision).toBe('ALLOW');
  });

  it.each([
    // the conversation day is day 1: no call until day 8, in the consumer's zone
    ['2026-01-05T10:00:00-05:00', 'DENY'],
    ['2026-01-08T20:00:00-05:00', 'DENY'],
    ['2026-01-09T08:00:00-05:00', 'ALLOW'],
  ])('no call within 7 days of a conversation (call at %s: %s)', (ts, expected) => {
    const history = [attempt('2026-01-02T19:00:00-05:00', 'conversation')];
    const d = decide('US-REG-F', { history, proposed: call(ts) });
    expect(d.decision).toBe(expected);
    if (expected === 'DENY') expect(d.nextAllowed).toBe('2026-01-09T13:00:00.000Z');
  });

  it('lets texts and e-mails through the call limits', () => {
    const history = [attempt('2026-01-02T19:00:00-05:00', 'conversation')];
    expect(
      decide('US-REG-F', {
        history,
        proposed: call('2026-01-03T10:00:00-05:00', { channel: 'sms' }),
      }).decision,
    ).toBe('ALLOW');
  });
});

describe('US Regulation F: media, validation, third parties', () => {
  it.each([
    [
      { optOuts: [{ channel: 'sms' as const, since: '2026-01-01T00:00:00Z' }] },
      call('2026-01-15T10:00:00-05:00', { channel: 'sms' }),
      ['US-REG-F.opt-out'],
    ],
    // an opt-out of one number leaves the others
    [
      {
        optOuts: [
          { channel: 'phone' as const, number: '+19995550000', since: '2026-01-01T00:00:00Z' },
        ],
      },
      call('2026-01-15T10:00:00-05:00'),
      [],
    ],
    [
      { employerEmails: ['ann@acme.com'] },
      call('2026-01-15T10:00:00-05:00', { channel: 'email', address: 'ann@acme.com' }),
      ['US-REG-F.employer-email'],
    ],
    [
      { employerEmails: ['ann@acme.com'], emailConsents: ['ann@acme.com'] },
      call('2026-01-15T10:00:00-05:00', { channel: 'email', address: 'ann@acme.com' }),
      [],
    ],
    [
      { validation: { noticeSentOn: '2026-01-02', disputedOn: '2026-01-10' } },
      call('2026-01-15T10:00:00-05:00'),
      ['US-REG-F.dispute-until-verified'],
    ],
    [
      {
        validation: {
          noticeSentOn: '2026-01-02',
          disputedOn: '2026-01-10',
          verifiedOn: '2026-01-14',
        },
      },
      call('2026-01-15T10:00:00-05:00'),
      [],
    ],
    [
      { holds: [{ kind: 'bankruptcy', from: '2026-01-10' }] },
      call('2026-01-15T10:00:00-05:00'),
      ['US-REG-F.hold'],
    ],
    [
      { holds: [{ kind: 'bankruptcy', from: '2026-01-10' }] },
      call('2026-01-15T10:00:00-05:00', { channel: 'letter', purpose: 'required_notice' }),
      [],
    ],
    [{ doNotContact: true }, call('2026-01-15T10:00:00-05:00'), ['US-REG-F.do-not-contact']],
    [{ holidays: ['2026-01-19'] }, call('2026-01-19T10:00:00-05:00'), ['US-REG-F.holiday']],
  ])('case %#', (c, proposed, expected) => {
    expect(rules(decide('US-REG-F', { consumer: consumer(c), proposed }))).toEqual(expected);
  });

  it('lets the one confirmation of an opt-out through', () => {
    const d = decide('US-REG-F', {
      consumer: consumer({ optOuts: [{ channel: 'sms', since: '2026-01-01T00:00:00Z' }] }),
      proposed: call('2026-01-15T10:00:00-05:00', {
        channel: 'sms',
        purpose: 'optout_confirmation',
      }),
    });
    expect(d.decision).toBe('ALLOW');
  });

  it('never discloses the debt to a third party', () => {
    expect(
      rules(
        decide('US-REG-F', {
          proposed: call('2026-01-15T10:00:00-05:00', { person: 'third_party' }),
        }),
      ),
    ).toEqual(['US-REG-F.third-party-disclosure']);
    expect(
      decide('US-REG-F', {
        proposed: call('2026-01-15T10:00:00-05:00', {
          person: 'third_party',
          disclosesDebt: false,
        }),
      }).decision,
    ).toBe('ALLOW');
  });
});

describe('China', () => {
  const SH = { timezones: ['Asia/Shanghai'] };
  const cn = (ts: string, over: Partial<ProposedContact> = {}) =>
    call(ts, { number: '+8613812345678', ...over });
  const cnAttempt = (ts: string, outcome: Attempt['outcome'], over: Partial<Attempt> = {}) =>
    attempt(ts, outcome, { number: '+8613812345678', ...over });

  it.each([
    ['CN', '2026-03-02T21:30:00+08:00', 'ALLOW'],
    ['CN', '2026-03-02T22:00:00+08:00', 'DENY'],
    ['CN', '2026-03-02T07:59:00+08:00', 'DENY'],
    ['CN-STRICT', '2026-03-02T21:30:00+08:00', 'DENY'],
    ['CN-STRICT', '2026-03-02T20:59:00+08:00', 'ALLOW'],
  ])('%s: a call at %s is %s', (rs, ts, expected) => {
    expect(
      checkContact({ ruleSet: rs, consumer: SH, history: [], proposed: cn(ts) }).decision,
    ).toBe(expected);
  });

  it('allows at most 3 connected calls a day, all debts and agencies together', () => {
    const history = ['09:00', '11:00', '14:00'].map((t, i) =>
      cnAttempt(`2026-03-02T${t}:00+08:00`, 'conversation', { debts: [`L${i}`] }),
    );
    const d = checkContact({
      ruleSet: 'CN',
      consumer: SH,
      history,
      proposed: cn('2026-03-02T16:00:00+08:00', { debts: ['L9'] }),
    });
    expect(rules(d)).toEqual(['CN.connected-calls-per-day']);
    // the count resets at local midnight (16:00Z on 03-02 is 00:00 on 03-03 in Shanghai)
    expect(d.nextAllowed).toBe('2026-03-03T00:00:00.000Z');
  });

  it('allows at most 6 unanswered attempts per number a day', () => {
    const history = Array.from({ length: 6 }, (_, i) =>
      cnAttempt(`2026-03-02T1${i}:00:00+08:00`, 'no_answer'),
    );
    expect(
      rules(
        checkContact({
          ruleSet: 'CN',
          consumer: SH,
          history,
          proposed: cn('2026-03-02T17:00:00+08:00'),
        }),
      ),
    ).toEqual(['CN.unanswered-per-number-per-day']);
    expect(
      checkContact({
        ruleSet: 'CN',
        consumer: SH,
        history,
        proposed: cn('2026-03-02T17:00:00+08:00', { number: '+8613900000000' }),
      }).decision,
    ).toBe('ALLOW');
  });

  it('contacts third parties only when the debtor cannot be reached, and never about the debt', () => {
    const unreachable = [cnAttempt('2026-03-01T10:00:00+08:00', 'no_answer')];
    const reached = [cnAttempt('2026-03-01T10:00:00+08:00', 'conversation')];
    const tp = cn('2026-03-02T10:00:00+08:00', { person: 'third_party', disclosesDebt: false });
    expect(
      checkContact({ ruleSet: 'CN', consumer: SH, history: unreachable, proposed: tp }).decision,
    ).toBe('ALLOW');
    expect(
      rules(checkContact({ ruleSet: 'CN', consumer: SH, history: reached, proposed: tp })),
    ).toEqual(['CN.third-party-only-when-unreachable']);
    expect(rules(checkContact({ ruleSet: 'CN', consumer: SH, history: [], proposed: tp }))).toEqual(
      ['CN.third-party-only-when-unreachable'],
    );
  });
});

describe('UK FCA', () => {
  const LON = { timezones: ['Europe/London'] };
  it.each([
    // BST from 2026-03-29: 07:30Z is 08:30 local (allowed); the day before it was 07:30 GMT
    ['2026-03-29T07:30:00Z', 'ALLOW'],
    ['2026-03-28T07:30:00Z', 'DENY'],
    ['2026-10-25T20:30:00Z', 'ALLOW'],
    ['2026-10-25T21:00:00Z', 'DENY'],
  ])('a call at %s is %s', (ts, expected) => {
    expect(
      checkContact({ ruleSet: 'UK-FCA', consumer: LON, history: [], proposed: call(ts) }).decision,
    ).toBe(expected);
  });

  it("honours the customer's stated preferences and never tells third parties", () => {
    const prefs = {
      ...LON,
      inconvenientTimes: [{ from: '08:00', to: '10:00' }],
      optOuts: [{ channel: 'email' as const, since: '2026-01-01T00:00:00Z' }],
    };
    expect(
      rules(
        checkContact({
          ruleSet: 'UK-FCA',
          consumer: prefs,
          history: [],
          proposed: call('2026-02-02T09:00:00Z'),
        }),
      ),
    ).toEqual(['UK-FCA.inconvenient-time']);
    expect(
      rules(
        checkContact({
          ruleSet: 'UK-FCA',
          consumer: prefs,
          history: [],
          proposed: call('2026-02-02T11:00:00Z', { channel: 'email' }),
        }),
      ),
    ).toEqual(['UK-FCA.opt-out']);
    expect(
      rules(
        checkContact({
          ruleSet: 'UK-FCA',
          consumer: LON,
          history: [],
          proposed: call('2026-02-02T11:00:00Z', { person: 'third_party' }),
        }),
      ),
    ).toEqual(['UK-FCA.third-party-disclosure']);
  });

  it('refuses an unknown rule set', () => {
    expect(() =>
      checkContact({
        ruleSet: 'XX',
        consumer: LON,
        history: [],
        proposed: call('2026-02-02T11:00:00Z'),
      }),
    ).toThrow('unknown rule set "XX"');
  });
});
