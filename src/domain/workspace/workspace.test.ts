import { describe, expect, it } from 'vitest';
import { assignTasks, ineligibility, type CollectorProfile, type QueueTask } from './assign.ts';
import { DEFAULT_WORKSPACE_POLICY, parseWorkspacePolicy } from './policy.ts';
import { taskValue } from './priority.ts';
import { checkScript, pickScript, renderScript, type CallScript } from './script.ts';
import { callWindow } from './window.ts';

const collector = (id: string, o: Partial<CollectorProfile> = {}): CollectorProfile => ({
  id,
  team: null,
  queues: ['*'],
  languages: [],
  buckets: [],
  skills: [],
  territory: null,
  capacity: 10,
  ...o,
});
const task = (id: number, value: number, o: Partial<QueueTask> = {}): QueueTask => ({
  id,
  queue: 'calls:early',
  language: 'en',
  bucket: 'B1',
  skill: null,
  territory: null,
  team: null,
  value,
  owner: null,
  ...o,
});

describe('task value', () => {
  const p = DEFAULT_WORKSPACE_POLICY;
  it('is the amount at risk times the probability of payment per hour of effort', () => {
    // 100.00 overdue, 40 % chance of no payment → 60 % of payment; a 6-minute call:
    // 10000 × 0.6 × 60 / 6 = 60000 minor units per hour.
    expect(
      taskValue({ amountAtRisk: 10_000, noPaymentProbability: 0.4, unansweredAttempts: 0 }, p),
    ).toEqual({
      value: 60_000,
      payProbability: 0.6,
      effortMinutes: 6,
    });
  });
  it('costs more effort for a customer who has not answered, and assumes the policy without a score', () => {
    // two unanswered attempts: 6 × (1 + 2 × 50 %) = 12 minutes; unscored: 30 %.
    const v = taskValue(
      { amountAtRisk: 10_000, noPaymentProbability: null, unansweredAttempts: 2 },
      p,
    );
    expect(v).toEqual({ value: 15_000, payProbability: 0.3, effortMinutes: 12 });
  });
  it('is never negative', () => {
    expect(
      taskValue({ amountAtRisk: -5, noPaymentProbability: 0.2, unansweredAttempts: 0 }, p).value,
    ).toBe(0);
  });
});

describe('workspace policy', () => {
  it('takes defaults for what is missing and names what is wrong', () => {
    expect(parseWorkspacePolicy({ lockMinutes: 15 })).toEqual({
      ok: true,
      policy: { ...DEFAULT_WORKSPACE_POLICY, lockMinutes: 15 },
    });
    const r = parseWorkspacePolicy({ assignment: 'random', lockMinutes: 0, colour: 'red' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues.map((i) => i.at)).toEqual(['assignment', 'lockMinutes', 'colour']);
    expect(parseWorkspacePolicy([]).ok).toBe(false);
  });
});

describe('call window', () => {
  it("is the rule set's window in the customer's time zone", () => {
    const w = callWindow('2026-03-02', 'America/New_York', { from: 480, to: 1260 })!;
    expect(w.from.toISOString()).toBe('2026-03-02T13:00:00.000Z');
    expect(w.to.toISOString()).toBe('2026-03-03T02:00:00.000Z');
  });
  it('follows daylight saving time', () => {
    const w = callWindow('2026-03-09', 'America/New_York', { from: 480, to: 1260 })!;
    expect(w.from.toISOString()).toBe('2026-03-09T12:00:00.000Z');
  });
  it('is narrowed by inconvenient times at either end, and may vanish', () => {
    const w = callWindow('2026-03-02', 'Asia/Shanghai', { from: 480, to: 1320 }, [
      '07:00-09:30',
      '20:00-23:00',
      'garbage',
    ])!;
    expect(w.from.toISOString()).toBe('2026-03-02T01:30:00.000Z');
    expect(w.to.toISOString()).toBe('2026-03-02T12:00:00.000Z');
    expect(callWindow('2026-03-02', 'UTC', { from: 480, to: 1260 }, ['07:00-22:00'])).toBeNull();
  });
});

describe('eligibility', () => {
  it('checks team, queue, language, bucket, skill and territory', () => {
    const t = task(1, 1, {
      queue: 'calls:late',
      language: 'zh-CN',
      bucket: 'B3',
      skill: 'legal',
      territory: 'north',
      team: 't1',
    });
    const ok = collector('a', {
      team: 't1',
      queues: ['calls:*'],
      languages: ['zh'],
      buckets: ['B3'],
      skills: ['legal'],
      territory: 'north',
    });
    expect(ineligibility(ok, t)).toBeNull();
    expect(ineligibility({ ...ok, team: 't2' }, t)).toMatch(/team t1/);
    expect(ineligibility({ ...ok, queues: ['calls:early'] }, t)).toMatch(/queue/);
    expect(ineligibility({ ...ok, languages: ['en'] }, t)).toMatch(/speak/);
    expect(ineligibility({ ...ok, buckets: ['B1'] }, t)).toMatch(/bucket/);
    expect(ineligibility({ ...ok, skills: [] }, t)).toMatch(/skill/);
    expect(ineligibility({ ...ok, territory: 'south' }, t)).toMatch(/territory/);
    expect(ineligibility({ ...ok, territory: null }, t)).toBeNull();
    const ny = { ...t, territory: 'US-NY' };
    expect(ineligibility({ ...ok, territory: 'US' }, ny)).toBeNull();
    expect(ineligibility({ ...ok, territory: 'US-CA' }, ny)).toMatch(/territory/);
  });
});

describe('assignment', () => {
  it('least-loaded: best tasks first, evened out, within capacity; the rest stays in the pool', () => {
    const cs = [collector('a', { capacity: 2 }), collector('b', { capacity: 2 })];
    const r = assignTasks(
      [task(1, 10), task(2, 50), task(3, 30), task(4, 20), task(5, 5)],
      cs,
      'least_loaded',
      new Map([['a', 1]]),
    );
    // a already holds one: b gets the best, then a, then b (a is full at 2).
    expect(r.assigned).toEqual([
      { taskId: 2, collector: 'b', by: 'least_loaded' },
      { taskId: 3, collector: 'a', by: 'least_loaded' },
      { taskId: 4, collector: 'b', by: 'least_loaded' },
    ]);
    expect(r.pooled).toEqual([
      { taskId: 1, reason: 'every eligible collector is at capacity' },
      { taskId: 5, reason: 'every eligible collector is at capacity' },
    ]);
    expect(r.load).toEqual(
      new Map([
        ['a', 2],
        ['b', 2],
      ]),
    );
  });
  it('round-robin: in turn, skipping who may not take a task', () => {
    const cs = [
      collector('a', { languages: ['en'] }),
      collector('b', { languages: ['zh'] }),
      collector('c', { languages: ['en'] }),
    ];
    const r = assignTasks(
      [task(1, 9), task(2, 8), task(3, 7, { language: 'zh-CN' }), task(4, 6)],
      cs,
      'round_robin',
    );
    expect(r.assigned.map((x) => `${x.taskId}:${x.collector}`)).toEqual([
      '1:a',
      '2:c',
      '3:b',
      '4:c',
    ]);
  });
  it("gives an account's tasks to its owner while it has room, and pools what no one may take", () => {
    const cs = [collector('a'), collector('b', { capacity: 1 })];
    const r = assignTasks(
      [task(1, 9, { owner: 'b' }), task(2, 8, { owner: 'b' }), task(3, 7, { skill: 'legal' })],
      cs,
      'least_loaded',
    );
    expect(r.assigned).toEqual([
      { taskId: 1, collector: 'b', by: 'owner' },
      { taskId: 2, collector: 'a', by: 'least_loaded' },
    ]);
    expect(r.pooled).toEqual([{ taskId: 3, reason: 'no collector may take it' }]);
  });
});

describe('call scripts', () => {
  const scripts: CallScript[] = [
    {
      segment: '*',
      language: 'en',
      title: 'Any',
      body: 'Hello {{customer_name}}, {{amount_due}} is overdue on {{account_ref}}.',
    },
    { segment: '*', language: 'zh-CN', title: '通用', body: '{{customer_name}}您好' },
    { segment: 'late', language: 'en', title: 'Late', body: '{{days_past_due}} days' },
  ];
  it('picks the most specific script, falling back by segment and language', () => {
    expect(pickScript(scripts, 'late', 'en-GB')?.title).toBe('Late');
    expect(pickScript(scripts, 'late', 'zh-CN')?.title).toBe('通用');
    expect(pickScript(scripts, 'early', 'zh-TW')?.title).toBe('通用');
    expect(pickScript(scripts, null, 'fr')?.title).toBe('Any');
    expect(pickScript([], null, 'en')).toBeNull();
  });
  it("fills in the customer's facts, money formatted for the language", () => {
    const r = renderScript(scripts[0]!, {
      customerName: 'Ann Lee',
      companyName: 'Lender',
      accountId: 'ACC-0012345',
      currency: 'USD',
      language: 'en-US',
      amountDue: 12_345,
      outstanding: 99_000,
      daysPastDue: 12,
    });
    expect(r.body).toBe('Hello Ann Lee, $123.45 is overdue on 2345.');
  });
  it('names unknown variables and missing parts', () => {
    expect(
      checkScript({ segment: '', language: 'english', title: '', body: 'Hi {{name}}' }).map(
        (e) => e.at,
      ),
    ).toEqual(['segment', 'language', 'title', 'body']);
  });
});
