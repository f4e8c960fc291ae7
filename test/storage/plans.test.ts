/**
 * Repayment plans on the engine under test: the what-if (nothing stored), each plan type's
 * schedule and its effect on the ledger through the daily cycle (days past due, balances, the
 * superseded schedule kept), a settlement's write-off once it is paid, hardship's hold and
 * frozen interest, the approval limits, the audit trail, a missed payment breaking a plan and
 * the account re-entering its strategy, an active plan holding the treatment path, a file of
 * plans all or none, a rewind, and the HTTP routes.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGenerate } from '../../src/adapters/cli/generate.ts';
import { CsvFolderSource } from '../../src/adapters/files/csv-source.ts';
import { buildServer } from '../../src/adapters/http/server.ts';
import { testServer } from '../support/auth.ts';
import type { Platform } from '../../src/adapters/platform.ts';
import type { StoredPlan } from '../../src/app/plans/ports.ts';
import {
  approvePlan,
  importPlans,
  notifyBroken,
  previewPlan,
  proposePlan,
  rejectPlan,
  type PlanInput,
} from '../../src/app/plans/plans.ts';
import { runCycles } from '../../src/app/cycle/run-cycle.ts';
import { importPortfolio } from '../../src/app/import/import-portfolio.ts';
import { recordPayment } from '../../src/app/ledger/ledger-service.ts';
import { publishSource } from '../../src/app/strategy/strategies.ts';
import type { Actor } from '../../src/domain/access/roles.ts';
import { formatMinor } from '../../src/domain/money/currency.ts';
import { addDays } from '../../src/domain/time/date.ts';
import { ENGINE, fixedClock, openTestPlatform } from '../support/platform.ts';

const AS_OF = '2026-06-30';
const day = (n: number) => addDays(AS_OF, n);
const noon = (n: number) => `${day(n)}T12:00:00Z`;
const ANN: Actor = { user: 'ann', role: 'collector' };
const SUE: Actor = { user: 'sue', role: 'supervisor' };

interface State {
  outstanding: number;
  arrears: number;
  past_due_days: number;
  bucket: string;
  on_hold: boolean;
  overdue_due_date: string | null;
}

describe(`repayment plans (${ENGINE})`, () => {
  let p: Platform;
  const clock = fixedClock(noon(0));
  let acc: string[] = [];
  const deps = () => ({ plans: p.plans, policies: p.policies, clock });
  const cycle = (from: number, to = from) =>
    runCycles(
      { cycles: p.cycles, policies: p.policies, clock, planner: p.planner },
      { from: day(from), to: day(to) },
    );
  const state = async (ext: string): Promise<State> => {
    const r = await p.db.query<State>(
      `SELECT s.outstanding::float8 AS outstanding, s.arrears::float8 AS arrears, s.past_due_days,
              s.bucket, s.on_hold, s.overdue_due_date::text AS overdue_due_date
       FROM account_states s JOIN accounts a ON a.id = s.account_id WHERE a.external_id = $1`,
      [ext],
    );
    return r.rows[0]!;
  };
  const schedule = async (ext: string) =>
    (
      await p.db.query<{ seq: number; due: string; p: number; i: number; f: number }>(
        `SELECT i.seq, i.due_date::text AS due, i.principal_due::float8 AS p,
                i.interest_due::float8 AS i, i.fees_due::float8 AS f
         FROM instalments i JOIN accounts a ON a.id = i.account_id
         WHERE a.external_id = $1 ORDER BY i.due_date, i.seq`,
        [ext],
      )
    ).rows;
  const exitOn = async (ext: string, n: number) =>
    (
      await p.db.query<{ exit_reason: string | null; segment_id: string | null }>(
        `SELECT e.exit_reason, e.segment_id FROM strategy_path_events e
         JOIN accounts a ON a.id = e.account_id WHERE a.external_id = $1 AND e.on_date = $2::date`,
        [ext, day(n)],
      )
    ).rows[0];
  /** The account's last entry into or exit from its path, up to day `n`. */
  const lastExit = async (ext: string, n: number) =>
    (
      await p.db.query<{ exit_reason: string | null }>(
        `SELECT e.exit_reason FROM strategy_path_events e
         JOIN accounts a ON a.id = e.account_id WHERE a.external_id = $1 AND e.on_date <= $2::date
         ORDER BY e.on_date DESC LIMIT 1`,
        [ext, day(n)],
      )
    ).rows[0]?.exit_reason;
  const onPath = async (ext: string) =>
    (
      await p.db.query(
        `SELECT 1 FROM strategy_assignments sa JOIN accounts a ON a.id = sa.account_id
         WHERE a.external_id = $1`,
        [ext],
      )
    ).rows.length > 0;
  const plan = async (id: number) => (await p.plans.get(id))!;
  const actions = async (ext: string, from: number, to: number) =>
    (
      await p.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM planned_actions pa JOIN accounts a ON a.id = pa.account_id
         WHERE a.external_id = $1 AND pa.planned_for BETWEEN $2::date AND $3::date`,
        [ext, day(from), day(to)],
      )
    ).rows[0]!.n;
  const pay = async (ext: string, n: number, minor: number, currency: string) => {
    clock.set(noon(n));
    await recordPayment({ ledger: p.ledger, policies: p.policies, clock }, ext, {
      paymentId: `pay-${ext}-${n}-${minor}`,
      amount: formatMinor(minor, currency),
      paidOn: day(n),
    });
  };
  const propose = (ext: string, input: PlanInput, actor: Actor = ANN) =>
    proposePlan(deps(), ext, input, actor).then((r) => r.plan);
  const actionsOf = async (id: number) => (await p.plans.events(id)).map((e) => e.action);

  let dir = '';
  beforeAll(async () => {
    p = await openTestPlatform(clock);
    dir = mkdtempSync(join(tmpdir(), 'recoup-plans-'));
    await runGenerate({ accounts: 700, seed: 11, asOf: AS_OF, out: dir });
    expect((await importPortfolio(new CsvFolderSource(dir), p.imports)).status).toBe('imported');
    await publishSource(p.strategies, readFileSync('strategies/default.yaml', 'utf8'), {
      by: 'Mia',
      reason: 'test',
      effectiveFrom: '2026-01-01',
    });
    // two days, so that day 0 can be run again with the paths of the day before
    await cycle(-1, 0);
    // accounts past due, in a segment of the strategy, with at least 100 in arrears, not in
    // credit and with instalments still to come
    const r = await p.db.query<{ ext: string }>(
      `SELECT a.external_id AS ext FROM account_states s JOIN accounts a ON a.id = s.account_id
       JOIN strategy_assignments sa ON sa.account_id = s.account_id
       WHERE s.past_due_days BETWEEN 1 AND 60 AND s.arrears >= 10000 AND s.credit = 0
         AND a.currency <> 'JPY' AND NOT s.on_hold
         AND EXISTS (SELECT 1 FROM instalments i WHERE i.account_id = a.id
                       AND i.due_date > $1::date + 40 AND i.interest_due > 0)
       ORDER BY a.id LIMIT 10`,
      [day(0)],
    );
    acc = r.rows.map((x) => x.ext);
    expect(acc.length).toBe(10);
  }, 180_000);
  afterAll(async () => {
    await p?.close();
  });

  it('shows the schedule and the amounts of a plan without storing anything', async () => {
    const [a] = acc as [string];
    const before = await schedule(a);
    const count = async () =>
      (
        await p.db.query<{ n: number }>(
          `SELECT ((SELECT count(*) FROM plans) + (SELECT count(*) FROM schedule_changes)
                   + (SELECT count(*) FROM plan_events))::int AS n`,
        )
      ).rows[0]!.n;
    const q = await previewPlan(
      deps(),
      a,
      { kind: 'instalment', scope: 'balance', count: 2, frequency: 'weekly', start: day(1) },
      ANN,
    );
    const s = await state(a);
    // the whole balance, in two payments a week apart, the first carrying the odd minor unit
    expect(q.coveredMinor).toBe(s.outstanding);
    expect(q.payments.map((x) => x.dueDate)).toEqual([day(1), day(8)]);
    expect(q.payments[0]!.amountMinor - q.payments[1]!.amountMinor).toBe(s.outstanding % 2);
    expect(q.status).toBe('active');
    expect(await count()).toBe(0);
    expect(await schedule(a)).toEqual(before);
    await expect(
      previewPlan(deps(), a, { kind: 'instalment', count: 0, start: 'soon' }, ANN),
    ).rejects.toMatchObject({
      code: 'VALIDATION',
      details: [
        { at: 'count', reason: 'must be a whole number of at least 1' },
        { at: 'start', reason: 'is not a date (YYYY-MM-DD)' },
      ],
    });
    await expect(previewPlan(deps(), a, { kind: 'loan' }, ANN)).rejects.toMatchObject({
      details: [{ at: 'kind' }],
    });
    await expect(
      previewPlan(
        deps(),
        a,
        { kind: 'settlement', discountPercent: 5, start: day(1) },
        {
          user: 'x',
          role: 'analyst',
        },
      ),
    ).rejects.toMatchObject({
      code: 'FORBIDDEN',
      details: [{ at: 'role', reason: 'the analyst role may not propose repayment plans' }],
    });
  });

  // plans agreed on day 0, followed by the cycle from then on
  let planA: StoredPlan;
  let planB: StoredPlan;
  let planC: StoredPlan;
  let planD: StoredPlan;
  let planE: StoredPlan;
  let before: Record<string, State> = {};
  let original: Record<string, Awaited<ReturnType<typeof schedule>>> = {};

  it('re-schedules the balance or the arrears, and the cycle sees the new schedule', async () => {
    const [a, b] = acc as [string, string];
    clock.set(noon(0));
    before = Object.fromEntries(await Promise.all(acc.map(async (x) => [x, await state(x)])));
    original = Object.fromEntries(await Promise.all(acc.map(async (x) => [x, await schedule(x)])));
    planA = await propose(a, {
      kind: 'instalment',
      scope: 'balance',
      count: 2,
      frequency: 'weekly',
      start: day(1),
    });
    planB = await propose(b, {
      kind: 'instalment',
      scope: 'arrears',
      count: 2,
      frequency: 'weekly',
      start: day(1),
      notes: 'agreed on the phone',
    });
    expect([planA.status, planB.status]).toEqual(['active', 'active']);
    expect(planB.coveredMinor).toBe(before[b]!.arrears);
    // a second plan on the account is refused
    await expect(propose(a, { kind: 'deferral', from: day(5), days: 5 })).rejects.toMatchObject({
      details: [{ at: 'account' }],
    });
    // the superseded rows are kept, under schedule version 2
    const hist = await p.db.query<{ version: number; reason: string; n: number }>(
      `SELECT c.version, c.reason, count(h.seq)::int AS n FROM schedule_changes c
       JOIN instalment_history h ON h.change_id = c.id WHERE c.plan_id = $1
       GROUP BY c.version, c.reason`,
      [planA.id],
    );
    const unpaidRows = original[a]!.length; // the balance: every row the payments did not fill
    expect(hist.rows[0]).toMatchObject({ version: 2, reason: 'plan_started' });
    expect(hist.rows[0]!.n).toBeGreaterThan(0);
    expect(hist.rows[0]!.n).toBeLessThanOrEqual(unpaidRows);

    // day 0 again: the balance is what it was, nothing is overdue any more
    await cycle(0);
    for (const x of [a, b]) {
      const s = await state(x);
      expect(s.outstanding).toBe(before[x]!.outstanding);
      expect([s.arrears, s.past_due_days, s.bucket]).toEqual([0, 0, 'current']);
    }
  }, 120_000);

  it('holds an approval above the limits for a supervisor; a collector cannot approve', async () => {
    const [, , c, , , f] = acc as string[];
    planC = await propose(c!, {
      kind: 'settlement',
      discountPercent: 25,
      count: 1,
      start: day(2),
    });
    expect(planC).toMatchObject({
      status: 'pending',
      beyond: [{ at: 'discount', reason: 'is more than 10%' }],
      startedOn: null,
    });
    // nothing changes on the ledger while it waits
    expect(await schedule(c!)).toEqual(original[c!]);
    await expect(
      approvePlan(deps(), planC.id, { user: 'bo', role: 'collector' }),
    ).rejects.toMatchObject({
      code: 'FORBIDDEN',
      details: [{ at: 'role', reason: 'the collector role may not approve plans' }],
    });
    await expect(
      approvePlan(deps(), planC.id, { user: 'ann', role: 'supervisor' }),
    ).rejects.toMatchObject({
      details: [{ reason: 'a plan is approved by someone other than its proposer' }],
    });
    planC = await approvePlan(deps(), planC.id, SUE, 'long-standing customer');
    expect(planC).toMatchObject({ status: 'active', decidedBy: 'sue', startedOn: day(0) });
    expect(planC.payMinor + planC.writeOffMinor).toBe(before[c!]!.outstanding);

    const planF = await propose(f!, { kind: 'settlement', discountPercent: 50, start: day(3) });
    expect(planF.status).toBe('pending');
    // 50 % is beyond a supervisor's 30 % too
    await expect(approvePlan(deps(), planF.id, SUE)).rejects.toMatchObject({
      details: [{ at: 'role', reason: expect.stringMatching(/beyond the supervisor's limits/) }],
    });
    const rejected = await rejectPlan(deps(), planF.id, SUE, 'discount too large');
    expect(rejected).toMatchObject({ status: 'rejected', decisionNote: 'discount too large' });
    expect(await actionsOf(planF.id)).toEqual(['proposed', 'review_needed', 'rejected']);
    expect(await actionsOf(planC.id)).toEqual(['proposed', 'review_needed', 'approved', 'started']);
    const ev = await p.plans.events(planC.id);
    expect(ev[2]).toMatchObject({ actor: 'sue', role: 'supervisor', action: 'approved' });
    expect(ev[0]!.detail).toMatchObject({ kind: 'settlement', terms: { discountPercent: 25 } });
  });

  it('moves due dates with a deferral, and places a hardship plan on hold for review', async () => {
    const [, , , d, e] = acc as string[];
    const overdue = before[d!]!.overdue_due_date!;
    planD = await propose(d!, { kind: 'deferral', from: overdue, days: 30, fee: '5.00' });
    expect(planD).toMatchObject({ status: 'active', feeMinor: 500 });
    const moved = await schedule(d!);
    expect(moved.filter((r) => r.due < addDays(overdue, 30))).toEqual(
      original[d!]!.filter((r) => r.due < overdue),
    );

    const look = await previewPlan(
      deps(),
      e!,
      { kind: 'hardship', payment: '1.00', count: 3, start: day(10), thenCount: 3 },
      ANN,
    );
    // a tenth of what is owed, for three months
    const payment = formatMinor(Math.ceil(look.coveredMinor / 10), look.currency);
    planE = await propose(e!, {
      kind: 'hardship',
      payment,
      count: 3,
      frequency: 'monthly',
      start: day(10),
      thenCount: 3,
    });
    expect(planE.status).toBe('pending');
    expect(planE.beyond.map((x) => x.at)).toContain('kind');
    expect(await actionsOf(planE.id)).toEqual(['proposed', 'review_needed', 'hold_placed']);

    clock.set(noon(1));
    await cycle(1);
    // the review hold stops contact: the account leaves its path
    expect((await state(e!)).on_hold).toBe(true);
    expect((await exitOn(e!, 1))?.exit_reason).toBe('hold');
    // the deferral's moved instalments are no longer overdue
    const dd = await state(d!);
    expect(dd.past_due_days).toBe(Math.max(0, before[d!]!.past_due_days + 1 - 30));

    planE = await approvePlan(deps(), planE.id, SUE);
    expect(planE.status).toBe('active');
    expect(await actionsOf(planE.id)).toEqual([
      'proposed',
      'review_needed',
      'hold_placed',
      'approved',
      'hold_released',
      'started',
    ]);
    // interest frozen: the instalments of the period replaced, their interest not charged
    const replaced = await p.db.query<{ interest: number }>(
      `SELECT COALESCE(sum(h.interest_due) FILTER (WHERE h.due_date > $2::date), 0)::float8 AS interest
       FROM instalment_history h JOIN schedule_changes c ON c.id = h.change_id WHERE c.plan_id = $1`,
      [planE.id, day(1)],
    );
    expect(planE.waivedInterestMinor).toBe(replaced.rows[0]!.interest);
    expect(planE.waivedInterestMinor).toBeGreaterThan(0);
    const rows = await schedule(e!);
    const period = rows.filter((r) => r.due > day(1) && r.due < addDays(day(10), 89));
    expect(period.length).toBeGreaterThanOrEqual(3);
    expect(period.every((r) => r.i === 0)).toBe(true);
  }, 120_000);

  it('holds the treatment path while a plan is active', async () => {
    const [a, b, c, d, e] = acc as string[];
    for (const x of [a, b, c, d]) expect(await lastExit(x!, 1)).toBe('plan');
    await pay(a!, 1, planA.payments[0]!.amountMinor, planA.currency);
    await pay(c!, 2, planC.payMinor, planC.currency);
    clock.set(noon(2));
    await cycle(2);
    expect((await state(e!)).on_hold).toBe(false);
    // off hold, the hardship plan now active: still off its path, nothing planned
    expect(await onPath(e!)).toBe(false);
    expect(await actions(e!, 1, 2)).toBe(0);
    expect(await actions(a!, 1, 2)).toBe(0);
    expect(await actions(b!, 1, 2)).toBe(0);
  }, 120_000);

  it('writes off the rest of a settlement once it is paid', async () => {
    const [, , c] = acc as string[];
    expect(await plan(planC.id)).toMatchObject({
      status: 'completed',
      endedOn: day(2),
      paidCount: 1,
    });
    const s = await state(c!);
    expect([s.outstanding, s.arrears]).toEqual([0, 0]);
    const w = await p.db.query<{ amount: number }>(
      'SELECT amount::float8 AS amount FROM write_offs WHERE plan_id = $1',
      [planC.id],
    );
    expect(w.rows).toEqual([{ amount: planC.writeOffMinor }]);
    expect(await actionsOf(planC.id)).toEqual([
      'proposed',
      'review_needed',
      'approved',
      'started',
      'completed',
      'written_off',
    ]);
    expect(await onPath(c!)).toBe(false);
  });

  it('breaks a plan on a payment missed after the grace: the schedule restored, the strategy back', async () => {
    const [a, b] = acc as string[];
    // B paid nothing: its first payment (day 1) is missed once the 5 days of grace have passed
    for (let n = 3; n <= 6; n++) {
      clock.set(noon(n));
      await cycle(n);
    }
    expect((await plan(planB.id)).status).toBe('active');
    expect(await actions(b!, 1, 6)).toBe(0);
    clock.set(noon(7));
    await cycle(7);
    expect(await plan(planB.id)).toMatchObject({
      status: 'broken',
      endedOn: day(7),
      missedDueDate: day(1),
      paidCount: 0,
    });
    // the schedule the plan replaced is back: days past due count from the original overdue
    // instalment again
    expect(await schedule(b!)).toEqual(original[b!]);
    const s = await state(b!);
    expect(s.overdue_due_date).toBe(before[b!]!.overdue_due_date);
    expect(s.past_due_days).toBe(before[b!]!.past_due_days + 7);
    expect(await exitOn(b!, 7)).toMatchObject({ exit_reason: null });
    expect(await actionsOf(planB.id)).toEqual([
      'proposed',
      'started',
      'broken',
      'schedule_restored',
    ]);
    const broken = (await p.plans.events(planB.id))[2]!;
    expect(broken).toMatchObject({ actor: 'cycle', role: 'system' });
    expect(broken.detail).toMatchObject({ day: day(7), missedDueDate: day(1) });
    // the collector is told of the plans broken that day, after the cycle
    const told: number[] = [];
    const notifier = {
      reviewNeeded: async () => {},
      planBroken: async (xs: readonly StoredPlan[]) => void told.push(...xs.map((x) => x.id)),
    };
    expect(await notifyBroken({ ...deps(), notifier }, day(7))).toBe(told.length);
    expect(told).toContain(planB.id);

    // A pays its second payment on its due date: completed, paid up
    await pay(a!, 8, planA.payments[1]!.amountMinor, planA.currency);
    await cycle(8);
    expect(await plan(planA.id)).toMatchObject({ status: 'completed', paidCount: 2 });
    expect((await state(a!)).outstanding).toBe(0);
  }, 240_000);

  it('undoes and redoes what the cycle decided on a rewind', async () => {
    // a new plan agreed on B since its plan broke: the break stays as decided
    const [, b] = acc as string[];
    clock.set(noon(8));
    const again = await propose(b!, {
      kind: 'deferral',
      from: before[b!]!.overdue_due_date!,
      days: 10,
    });
    expect(again.status).toBe('active');
    const plans = await p.plans.list({ limit: 100 });
    const schedules = await Promise.all(acc.map(schedule));
    const changes = await p.db.query('SELECT count(*)::int AS n FROM schedule_changes');
    const events = await p.db.query('SELECT count(*)::int AS n FROM plan_events');
    await cycle(2, 8);
    expect(await p.plans.list({ limit: 100 })).toEqual(plans);
    expect(await Promise.all(acc.map(schedule))).toEqual(schedules);
    expect((await p.db.query('SELECT count(*)::int AS n FROM schedule_changes')).rows).toEqual(
      changes.rows,
    );
    expect((await p.db.query('SELECT count(*)::int AS n FROM plan_events')).rows).toEqual(
      events.rows,
    );
  }, 240_000);

  it('records a file of plans all together, or none when a row is wrong', async () => {
    const [, , , , , , g, h] = acc as string[];
    clock.set(noon(8));
    const rows = [
      { line: 2, row: { account: g!, kind: 'instalment', count: '3', start: day(10) } },
      { line: 3, row: { account: h!, kind: 'instalment', count: 'three', start: day(10) } },
      { line: 4, row: { account: 'nobody', kind: 'deferral', from: day(9), days: '7' } },
      { line: 5, row: { account: g!, kind: 'settlement', discountPercent: '5', start: day(9) } },
    ];
    await expect(importPlans(deps(), rows, ANN)).rejects.toMatchObject({
      code: 'VALIDATION',
      details: [
        { at: 'line 3: count', reason: 'must be a whole number of at least 1' },
        { at: 'line 4: account', reason: 'account nobody not found' },
        { at: 'line 5: account', reason: 'has a plan earlier in the file' },
      ],
    });
    expect(await p.plans.list({ account: g!, limit: 10 })).toEqual([]);
    expect(await schedule(g!)).toEqual(original[g!]);
    const ok = [
      rows[0]!,
      { line: 3, row: { ...rows[1]!.row, count: '2', kind: 'settlement', discountPercent: '20' } },
    ];
    // the plan waiting for approval is passed on for a supervisor's review
    const reviews: number[] = [];
    const notifier = {
      reviewNeeded: async (x: StoredPlan) => void reviews.push(x.id),
      planBroken: async () => {},
    };
    expect(await importPlans({ ...deps(), notifier }, ok, ANN)).toEqual({
      imported: 2,
      pending: 1,
    });
    expect((await p.plans.list({ account: g!, limit: 10 }))[0]!.status).toBe('active');
    const pending = (await p.plans.list({ account: h!, limit: 10 }))[0]!;
    expect(pending.status).toBe('pending');
    expect(reviews).toEqual([pending.id]);
  });

  it('serves plans over HTTP: what-if, proposal (idempotent), approval by role, lists, policy', async () => {
    const app = await buildServer(p, testServer);
    const as = (a: Actor) => ({ 'x-recoup-user': a.user, 'x-recoup-role': a.role });
    // the collector works these accounts (a collector reaches only the customers behind
    // their own tasks and accounts)
    await p.db.query('INSERT INTO collectors (id, name) VALUES ($1, $1) ON CONFLICT DO NOTHING', [
      ANN.user,
    ]);
    await p.db.query(
      `INSERT INTO account_owners (account_id, collector, since, by_user)
       SELECT id, $1, now(), 'test' FROM accounts ON CONFLICT DO NOTHING`,
      [ANN.user],
    );
    try {
      const [, , , , , , , h, i] = acc as string[];
      clock.set(noon(8));
      const body = { kind: 'settlement', discountPercent: 15, start: day(9) };
      const preview = await app.inject({
        method: 'POST',
        url: `/api/accounts/${i}/plans/preview`,
        payload: body,
        headers: as(ANN),
      });
      expect(preview.statusCode).toBe(200);
      expect(preview.json()).toMatchObject({
        kind: 'settlement',
        status: 'pending',
        discountPercent: 15,
      });
      expect(await p.plans.list({ account: i!, limit: 10 })).toEqual([]);

      const headers = { ...as(ANN), 'idempotency-key': 'plan-req-1' };
      const first = await app.inject({
        method: 'POST',
        url: `/api/accounts/${i}/plans`,
        payload: body,
        headers,
      });
      expect(first.statusCode).toBe(201);
      const again = await app.inject({
        method: 'POST',
        url: `/api/accounts/${i}/plans`,
        payload: body,
        headers,
      });
      expect(again.statusCode).toBe(200);
      expect(again.json().id).toBe(first.json().id);
      const id = first.json().id as number;

      const bad = await app.inject({
        method: 'POST',
        url: `/api/accounts/${i}/plans`,
        payload: { ...body, frequency: 'daily' },
        headers: as(ANN),
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().details).toEqual([
        { at: 'frequency', reason: 'must be one of weekly, biweekly, monthly' },
      ]);

      const byCollector = await app.inject({
        method: 'POST',
        url: `/api/plans/${id}/approve`,
        payload: {},
        headers: as({ user: 'bo', role: 'collector' }),
      });
      expect(byCollector.statusCode).toBe(403);
      expect(byCollector.json().code).toBe('FORBIDDEN');

      const pending = (await app.inject({ url: '/api/plans?status=pending' })).json();
      expect(pending.plans.map((x: { id: number }) => x.id)).toContain(id);
      const approved = await app.inject({
        method: 'POST',
        url: `/api/plans/${id}/approve`,
        payload: { note: 'ok' },
        headers: as(SUE),
      });
      expect(approved.statusCode).toBe(200);
      expect(approved.json()).toMatchObject({ status: 'active', decidedBy: 'sue' });

      // the pending plan from the file: rejected over HTTP
      const hPlan = (await p.plans.list({ account: h!, limit: 1 }))[0]!;
      const rejected = await app.inject({
        method: 'POST',
        url: `/api/plans/${hPlan.id}/reject`,
        payload: { reason: 'no' },
        headers: as(SUE),
      });
      expect(rejected.json()).toMatchObject({ status: 'rejected' });

      // a supervisor cancels the active plan: the schedule it replaced is back
      const cancelled = await app.inject({
        method: 'POST',
        url: `/api/plans/${id}/cancel`,
        payload: { reason: 'customer changed their mind' },
        headers: as(SUE),
      });
      expect(cancelled.json()).toMatchObject({ status: 'cancelled' });
      expect(await schedule(i!)).toEqual(original[i!]);
      const twice = await app.inject({
        method: 'POST',
        url: `/api/plans/${id}/cancel`,
        payload: { reason: 'again' },
        headers: as(SUE),
      });
      expect(twice.statusCode).toBe(409);

      const list = (await app.inject({ url: `/api/accounts/${i}/plans` })).json();
      expect(list.plans.map((x: { status: string }) => x.status)).toEqual(['cancelled']);
      const events = (await app.inject({ url: `/api/plans/${id}/events` })).json();
      expect(events.events.map((e: { action: string }) => e.action)).toEqual([
        'proposed',
        'review_needed',
        'approved',
        'started',
        'cancelled',
        'schedule_restored',
      ]);

      expect((await app.inject({ url: '/api/plans/policy' })).json()).toMatchObject({
        graceDays: 5,
        onBreak: 'restore',
      });
      const notAdmin = await app.inject({
        method: 'PUT',
        url: '/api/plans/policy',
        payload: { graceDays: 3 },
        headers: as(SUE),
      });
      expect(notAdmin.statusCode).toBe(403);
      const invalid = await app.inject({
        method: 'PUT',
        url: '/api/plans/policy',
        payload: { graceDays: 100 },
        headers: as({ user: 'al', role: 'administrator' }),
      });
      expect(invalid.json().details[0].at).toBe('graceDays');
      const set = await app.inject({
        method: 'PUT',
        url: '/api/plans/policy',
        payload: { graceDays: 3, onBreak: 'keep' },
        headers: as({ user: 'al', role: 'administrator' }),
      });
      expect(set.json()).toMatchObject({ graceDays: 3, onBreak: 'keep', tolerancePercent: 0 });
    } finally {
      await app.close();
    }
  });
  it("keeps the plan's schedule on a break when the policy says keep", async () => {
    // the policy set over HTTP above: 3 days of grace, onBreak keep
    const j = acc[9]!;
    clock.set(noon(8));
    const planJ = await propose(j, {
      kind: 'instalment',
      count: 1,
      frequency: 'weekly',
      start: day(9),
    });
    expect(planJ).toMatchObject({ status: 'active', graceDays: 3, onBreak: 'keep' });
    const agreed = await schedule(j);
    for (let n = 9; n <= 13; n++) {
      clock.set(noon(n));
      await cycle(n);
    }
    expect(await plan(planJ.id)).toMatchObject({ status: 'broken', endedOn: day(13) });
    // the schedule stays the plan's: days past due count from after the plan was agreed
    expect(await schedule(j)).toEqual(agreed);
    const s = await state(j);
    expect(s.overdue_due_date! > day(0) && s.overdue_due_date! <= day(9)).toBe(true);
    expect(await actionsOf(planJ.id)).toEqual(['proposed', 'started', 'broken']);
    expect(await exitOn(j, 13)).toMatchObject({ exit_reason: null });
  }, 240_000);

  it("keeps a plan's schedule when the lender's file is imported again", async () => {
    const planned = await p.db.query<{ ext: string }>(
      `SELECT DISTINCT a.external_id AS ext FROM schedule_changes c
       JOIN accounts a ON a.id = c.account_id ORDER BY 1`,
    );
    expect(planned.rows.length).toBeGreaterThan(0);
    const before = await Promise.all(planned.rows.map((r) => schedule(r.ext)));
    expect((await importPortfolio(new CsvFolderSource(dir), p.imports)).status).toBe('imported');
    expect(await Promise.all(planned.rows.map((r) => schedule(r.ext)))).toEqual(before);
  });
});
