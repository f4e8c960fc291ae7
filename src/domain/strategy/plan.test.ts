import { describe, expect, it } from 'vitest';
import { addDays } from '../time/date.ts';
import { NO_SCORE, type AccountFacts } from './facts.ts';
import { planAccount, type Assignment, type Exits, type PlanInput } from './plan.ts';
import { parseStrategy, type CompiledStrategy } from './validate.ts';

const STRATEGY = `
id: t
name: T
segments:
  - id: early
    stage: pre_due
    when: account.bucket == "current" && account.days_to_due >= 0 && account.days_to_due <= 7
    steps:
      - { id: call, offset: -5, channel: phone, template: call, priority: 40 }
      - { id: sms, offset: -1, channel: sms, template: reminder,
          skip_if: "history.days_since_payment >= 0 && history.days_since_payment <= 2" }
  - id: m1
    stage: overdue
    when: account.bucket == "M1"
    steps:
      - { id: sms, offset: 0, channel: sms, template: notice }
      - { id: call, offset: 3, channel: phone, template: call, priority: 70,
          on_fail: { action: fallback, channel: sms } }
  - id: late
    stage: overdue
    when: account.bucket in ["M2", "M3"]
    steps:
      - { id: letter, offset: 0, channel: letter, template: demand }
`;

function compiled(): CompiledStrategy {
  const r = parseStrategy(STRATEGY);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.strategy;
}

const strategy = compiled();
const NO_EXIT: Exits = {
  paidUp: false,
  onHold: false,
  openPromise: false,
  openPlan: false,
  promiseBrokenToday: false,
};

function facts(
  over: { bucket?: string; daysToDue?: number; daysSincePayment?: number } = {},
): AccountFacts {
  return {
    account: {
      id: 'A1',
      product: 'loan',
      currency: 'USD',
      bucket: over.bucket ?? 'current',
      delinquent_days: 0,
      past_due_days: 0,
      days_to_due: over.daysToDue ?? -1,
      outstanding: 100,
      arrears: 0,
      tags: [],
    },
    customer: {
      id: 'C1',
      language: 'en',
      jurisdiction: 'US',
      timezone: 'America/New_York',
      tags: [],
    },
    history: {
      broken_promises: 0,
      days_since_payment: over.daysSincePayment ?? -1,
      days_since_contact: -1,
    },
    score: NO_SCORE,
  };
}

const input = (today: string, over: Partial<PlanInput> = {}): PlanInput => ({
  accountId: 'A1',
  today,
  facts: facts(),
  nextDueDate: null,
  previous: null,
  exits: NO_EXIT,
  ...over,
});

describe('planning an account', () => {
  it('puts the account in the first matching segment', () => {
    const r = planAccount(strategy, 'v1', input('2026-03-10', { facts: facts({ bucket: 'M2' }) }));
    expect(r.assignment).toEqual({ segmentId: 'late', bucket: 'M2', enteredOn: '2026-03-10' });
    expect(r.entered).toBe(true);
    expect(r.actions.map((a) => a.stepId)).toEqual(['letter']);
  });

  it.each([
    // due 03-15: the call 5 days before, the SMS the day before, nothing in between
    ['2026-03-10', 5, ['call']],
    ['2026-03-11', 4, []],
    ['2026-03-14', 1, ['sms']],
  ])('times pre-due steps from the due date (%s)', (today, daysToDue, steps) => {
    const r = planAccount(
      strategy,
      'v1',
      input(today, { facts: facts({ daysToDue }), nextDueDate: '2026-03-15' }),
    );
    expect(r.assignment?.segmentId).toBe('early');
    expect(r.actions.map((a) => a.stepId)).toEqual(steps);
  });

  it('times overdue steps from entry into the segment', () => {
    let previous: Assignment | null = null;
    const planned: string[] = [];
    for (let d = 0; d < 6; d++) {
      const today = addDays('2026-04-01', d);
      const r = planAccount(
        strategy,
        'v1',
        input(today, { facts: facts({ bucket: 'M1' }), previous }),
      );
      previous = r.assignment;
      planned.push(...r.actions.map((a) => `${today}:${a.stepId}`));
    }
    expect(previous?.enteredOn).toBe('2026-04-01');
    expect(planned).toEqual(['2026-04-01:sms', '2026-04-04:call']);
  });

  it('re-enters on a bucket change and after a broken promise', () => {
    const previous = { segmentId: 'late', bucket: 'M2', enteredOn: '2026-03-01' };
    const moved = planAccount(
      strategy,
      'v1',
      input('2026-03-31', { facts: facts({ bucket: 'M3' }), previous }),
    );
    expect(moved).toMatchObject({
      entered: true,
      assignment: { enteredOn: '2026-03-31', bucket: 'M3' },
    });
    expect(moved.actions.map((a) => a.stepId)).toEqual(['letter']);

    const same = planAccount(
      strategy,
      'v1',
      input('2026-03-31', { facts: facts({ bucket: 'M2' }), previous }),
    );
    expect(same).toMatchObject({
      entered: false,
      assignment: { enteredOn: '2026-03-01' },
      actions: [],
    });

    const broken = planAccount(
      strategy,
      'v1',
      input('2026-03-31', {
        facts: facts({ bucket: 'M2' }),
        previous,
        exits: { ...NO_EXIT, promiseBrokenToday: true },
      }),
    );
    expect(broken).toMatchObject({ entered: true, assignment: { enteredOn: '2026-03-31' } });
  });

  it.each([
    [{ paidUp: true }, 'paid_up'],
    [{ onHold: true }, 'hold'],
    [{ openPromise: true }, 'promise'],
    [{ openPlan: true }, 'plan'],
  ] as const)('leaves the path when %j', (exit, reason) => {
    const r = planAccount(
      strategy,
      'v1',
      input('2026-03-10', { facts: facts({ bucket: 'M1' }), exits: { ...NO_EXIT, ...exit } }),
    );
    expect(r).toEqual({ assignment: null, exitReason: reason, entered: false, actions: [] });
  });

  it('has no segment for an account no condition matches', () => {
    const r = planAccount(strategy, 'v1', input('2026-03-10', { facts: facts({ bucket: 'M7+' }) }));
    expect(r.exitReason).toBe('no_segment');
  });

  it('records a skipped step with the reason', () => {
    const r = planAccount(
      strategy,
      'v1',
      input('2026-03-14', {
        facts: facts({ daysToDue: 1, daysSincePayment: 1 }),
        nextDueDate: '2026-03-15',
      }),
    );
    expect(r.actions).toEqual([
      expect.objectContaining({
        stepId: 'sms',
        status: 'skipped',
        reason: expect.stringMatching(/^skip_if:/),
      }),
    ]);
  });

  it('gives each action an idempotency key of version, account, segment, step and date', () => {
    const args = input('2026-04-04', {
      facts: facts({ bucket: 'M1' }),
      previous: { segmentId: 'm1', bucket: 'M1', enteredOn: '2026-04-01' },
    });
    const a = planAccount(strategy, 'v7', args);
    const b = planAccount(strategy, 'v7', args);
    expect(a).toEqual(b);
    expect(a.actions[0]).toMatchObject({
      idempotencyKey: 'v7/A1/m1/call/2026-04-04',
      channel: 'phone',
      priority: 70,
      onFail: { action: 'fallback', channel: 'sms' },
      status: 'planned',
    });
  });
});
