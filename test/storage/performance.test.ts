/**
 * Collector performance, incentives and training on the engine under test: the KPIs of a small
 * hand-built month (attempts, right-party contacts, promises, payments credited by the
 * attribution rule, cures, complaints, compliance blocks), the assessment and leaderboard, the
 * incentive statements and their CSV, the training status, and the desk refusing calls to a
 * collector whose compliance training has expired; the API over them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/adapters/http/server.ts';
import {
  performanceDeps,
  trainingDeps,
  workspaceDeps,
  type Platform,
} from '../../src/adapters/platform.ts';
import { statements, statementsAsCsv, setRules } from '../../src/app/incentives/incentives.ts';
import {
  performanceReport,
  recordComplaint,
  setScheme,
  setTargets,
} from '../../src/app/performance/performance.ts';
import { AppError } from '../../src/app/shared/errors.ts';
import { recordCompletion, saveCourse, trainingReport } from '../../src/app/training/training.ts';
import { nextTask, prepareQueues } from '../../src/app/workspace/workspace.ts';
import type { Collector } from '../../src/app/workspace/ports.ts';
import { testServer } from '../support/auth.ts';
import { ENGINE, fixedClock, openTestPlatform } from '../support/platform.ts';

const collector = (id: string, team: string): Collector => ({
  id,
  name: id.toUpperCase(),
  team,
  queues: ['*'],
  languages: [],
  buckets: [],
  skills: [],
  territory: null,
  capacity: 10,
  active: true,
});

const SCHEME = {
  weights: { contactRate: 40, keptRate: 30, collected: 30 },
  directions: { contactRate: 'higher', keptRate: 'higher', collected: 'higher' },
  capPercent: 150,
  bands: [
    { grade: 'A', minScore: 110 },
    { grade: 'B', minScore: 100 },
    { grade: 'C', minScore: 90 },
  ],
  fallbackGrade: 'D',
  currency: 'CNY',
};

const RULES = {
  currency: 'CNY',
  commission: [
    {
      bucket: 'M1',
      tiers: [
        { upTo: 40_000, rateBp: 100 },
        { upTo: null, rateBp: 200 },
      ],
    },
    { bucket: 'M2', tiers: [{ upTo: null, rateBp: 150 }] },
    { bucket: 'current', tiers: [{ upTo: null, rateBp: 50 }] },
  ],
  bonus: { basis: 'grade', amounts: { A: 50_000, B: 10_000 } },
  deductions: { perBreach: 5_000, capBp: 2_000 },
};

describe(`collector performance, incentives and training (${ENGINE})`, () => {
  let p: Platform;
  let app: FastifyInstance;
  const clock = fixedClock('2026-12-01T10:00:00Z');
  const perf = () => performanceDeps(p);
  const ids: Record<string, number> = {};
  const q = (sql: string, params: unknown[] = []) => p.db.query(sql, params);

  async function customer(ext: string): Promise<number> {
    const r = await p.db.query<{ id: number | string }>(
      `INSERT INTO customers (external_id, name, phone, timezone, language, jurisdiction)
       VALUES ($1, $1, '+447700900123', 'UTC', 'en', 'GB') RETURNING id`,
      [ext],
    );
    return Number(r.rows[0]!.id);
  }
  async function account(ext: string, customerId: number): Promise<number> {
    const r = await p.db.query<{ id: number | string }>(
      `INSERT INTO accounts (external_id, customer_id, product, currency, principal, opened_on)
       VALUES ($1, $2, 'loan', 'CNY', 1000000, '2026-01-01') RETURNING id`,
      [ext, customerId],
    );
    return Number(r.rows[0]!.id);
  }
  const attempt = (
    by: string,
    acc: string,
    ts: string,
    outcome: string,
    o: { person?: string; direction?: string } = {},
  ) =>
    q(
      `INSERT INTO contact_attempts (customer_id, account_id, ts, channel, direction, outcome,
         person, by_user)
       SELECT customer_id, id, $3::timestamptz, 'phone', $5, $4, $6, $1 FROM accounts
       WHERE external_id = $2`,
      [by, acc, ts, outcome, o.direction ?? 'outbound', o.person ?? 'debtor'],
    );
  const transition = (acc: string, on: string, from: string | null, to: string) =>
    q(
      `INSERT INTO bucket_transitions (account_id, on_date, from_bucket, to_bucket)
       SELECT id, $2::date, $3, $4 FROM accounts WHERE external_id = $1`,
      [acc, on, from, to],
    );
  const promise = (by: string, acc: string, madeOn: string, promisedFor: string, status: string) =>
    q(
      `INSERT INTO promises (account_id, customer_id, amount, currency, promised_for, made_on,
         made_at, grace_days, tolerance, channel, made_by, status)
       SELECT id, customer_id, 10000, 'CNY', $4::date, $3::date, ($3 || 'T12:00:00Z')::timestamptz,
         3, 0, 'phone', $1, $5 FROM accounts WHERE external_id = $2`,
      [by, acc, madeOn, promisedFor, status],
    );
  let payments = 0;
  const payment = (acc: string, on: string, amount: number) =>
    q(
      `INSERT INTO payments (external_id, account_id, paid_on, amount)
       SELECT $4, id, $2::date, $3 FROM accounts WHERE external_id = $1`,
      [acc, on, amount, `pay-${++payments}`],
    );
  const decision = (by: string, acc: string, at: string, d: string, stage: string) =>
    q(
      `INSERT INTO compliance_decisions (customer_id, channel, stage, proposed_at, rule_set,
         rule_set_version, decision, reasons, decided_by)
       SELECT customer_id, 'phone', $5, $3::timestamptz, 'UK-FCA', 1, $4, '[]'::jsonb, $1
       FROM accounts WHERE external_id = $2`,
      [by, acc, at, d, stage],
    );

  beforeAll(async () => {
    p = await openTestPlatform(clock);
    await p.workspace.saveTeams([
      { id: 'north', name: 'North', supervisor: 'sam' },
      { id: 'south', name: 'South', supervisor: 'sam' },
    ]);
    await p.workspace.saveCollectors([
      collector('ann', 'north'),
      collector('bob', 'north'),
      collector('cy', 'south'),
    ]);
    for (const c of ['C1', 'C2', 'C3', 'C9']) ids[c] = await customer(c);
    ids.A1 = await account('A1', ids.C1!);
    ids.A2 = await account('A2', ids.C2!);
    ids.A3 = await account('A3', ids.C3!);
    ids.A4 = await account('A4', ids.C1!);
    ids.A9 = await account('A9', ids.C9!);

    // ann: five outbound attempts in November, two of them right-party contacts
    await attempt('ann', 'A1', '2026-11-02T09:00:00Z', 'no_answer');
    await attempt('ann', 'A1', '2026-11-03T10:00:00Z', 'conversation');
    await attempt('ann', 'A2', '2026-11-05T10:00:00Z', 'no_answer');
    await attempt('ann', 'A2', '2026-11-06T10:00:00Z', 'promise_to_pay');
    await attempt('ann', 'A1', '2026-11-10T10:00:00Z', 'conversation', { person: 'third_party' });
    // before the period: not an attempt of November, but a contact payments are credited for
    await attempt('ann', 'A3', '2026-10-31T23:30:00Z', 'conversation');
    // bob: two attempts, one right-party contact; an inbound call is not an attempt
    await attempt('bob', 'A3', '2026-11-20T10:00:00Z', 'conversation');
    await attempt('bob', 'A3', '2026-11-21T10:00:00Z', 'busy');
    await attempt('bob', 'A3', '2026-11-22T10:00:00Z', 'conversation', { direction: 'inbound' });

    await transition('A1', '2026-10-01', null, 'M1');
    await transition('A1', '2026-11-04', 'M1', 'current'); // cured after ann's first attempt
    await transition('A2', '2026-10-15', 'current', 'M1');
    await transition('A2', '2026-11-01', 'M1', 'M2');
    await transition('A3', '2026-09-01', null, 'M2');
    await transition('A3', '2026-11-25', 'M2', 'current'); // cured after bob's first attempt

    await promise('ann', 'A2', '2026-11-06', '2026-11-12', 'kept');
    await promise('ann', 'A1', '2026-10-20', '2026-11-02', 'broken'); // due in November
    await promise('bob', 'A3', '2026-11-20', '2026-12-05', 'open'); // taken, not due
    await promise('ann', 'A4', '2026-11-01', '2026-11-03', 'cancelled'); // never counts

    await payment('A1', '2026-11-04', 50_000); // ann (contact 11-03), bucket M1
    await payment('A2', '2026-11-12', 30_000); // ann (contact and promise 11-06), M2
    await payment('A3', '2026-11-02', 20_000); // ann (contact 10-31), M2
    await payment('A3', '2026-11-26', 100_000); // bob (contact 11-20, later than ann's), current
    await payment('A1', '2026-11-30', 7_000); // ann (contact 11-03 within 30 days), current
    await payment('A4', '2026-11-15', 5_000); // nobody worked A4 (the promise was cancelled)
    await payment('A2', '2026-12-01', 9_000); // December

    await decision('ann', 'A1', '2026-11-08T10:00:00Z', 'DENY', 'call');
    await decision('ann', 'A1', '2026-11-03T10:00:00Z', 'ALLOW', 'call');
    await decision('ann', 'A2', '2026-11-09T10:00:00Z', 'DENY', 'send');
    await decision('bob', 'A3', '2026-12-01T09:00:00Z', 'DENY', 'call');

    const today = '2026-12-01';
    await recordComplaint(
      perf(),
      {
        collector: 'ann',
        account: 'A1',
        receivedOn: '2026-11-15',
        summary: 'called at 22:00',
        breach: true,
      },
      'sam',
      today,
      clock.now(),
    );
    await recordComplaint(
      perf(),
      { collector: 'ann', receivedOn: '2026-11-20', summary: 'rude' },
      'sam',
      today,
      clock.now(),
    );
    await recordComplaint(
      perf(),
      { collector: 'bob', receivedOn: '2026-10-30', summary: 'October' },
      'sam',
      today,
      clock.now(),
    );
    await setScheme(perf(), SCHEME);
    await setRules(perf(), RULES);
    await setTargets(
      perf(),
      '2026-11',
      {
        teams: { north: { contactRate: 0.5, keptRate: 0.5, collected: 100_000 } },
        collectors: { ann: { collected: 80_000 } },
      },
      'sam',
      clock.now(),
    );
    app = await buildServer(p, testServer);
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await p?.close();
  });

  it('counts each KPI from the data', async () => {
    const r = await performanceReport(perf(), '2026-11');
    const counts = Object.fromEntries(r.collectors.map((c) => [c.id, c.counts]));
    expect(counts.ann).toEqual({
      id: 'ann',
      attempts: 5,
      rightPartyContacts: 2,
      promisesTaken: 1,
      promisesKept: 1,
      promisesDue: 2,
      collected: { CNY: 107_000 },
      accountsWorked: 2,
      accountsCured: 1,
      complaints: 2,
      complianceBlocks: 1,
    });
    expect(counts.bob).toEqual({
      id: 'bob',
      attempts: 2,
      rightPartyContacts: 1,
      promisesTaken: 1,
      promisesKept: 0,
      promisesDue: 0,
      collected: { CNY: 100_000 },
      accountsWorked: 1,
      accountsCured: 1,
      complaints: 0,
      complianceBlocks: 0,
    });
    expect(counts.cy).toMatchObject({ attempts: 0, collected: {}, complaints: 0 });
    const ann = r.collectors.find((c) => c.id === 'ann')!;
    expect(ann.kpis).toMatchObject({
      contactRate: 0.4,
      promiseRate: 0.5,
      keptRate: 0.5,
      cureRate: 0.5,
    });
    expect(r.collectors.find((c) => c.id === 'bob')!.kpis.keptRate).toBeNull();
  });

  it('assesses against the targets (own, else the team’s), grades and ranks', async () => {
    const r = await performanceReport(perf(), '2026-11');
    expect(r.collectors.map((c) => [c.id, c.rank, c.score, c.grade])).toEqual([
      // 40 × 0.4/0.5 = 32, 30 × 1 = 30, 30 × 107,000/80,000 = 40.125 → 40.13
      ['ann', 1, 102.13, 'B'],
      // kept rate null: contact 40 → 57.14 × 1, collected 30 → 42.86 × 1
      ['bob', 2, 100, 'B'],
      ['cy', 3, null, null],
    ]);
    const ann = r.collectors[0]!;
    expect(ann.targets).toEqual({ contactRate: 0.5, keptRate: 0.5, collected: 80_000 });
    expect(ann.cells.collected).toMatchObject({ actual: 107_000, target: 80_000, points: 40.13 });
    // north: 3/7 contacts → 40 × 0.857… = 34.29, kept 1/2 → 30, 207,000 / 100,000 capped → 45
    expect(r.teams.map((t) => [t.id, t.rank, t.score, t.grade])).toEqual([
      ['north', 1, 109.29, 'B'],
      ['south', 2, null, null],
    ]);
    expect(r.teams[0]!.counts).toMatchObject({ attempts: 7, rightPartyContacts: 3 });
    const north = await performanceReport(perf(), '2026-11', { team: 'north' });
    expect(north.collectors.map((c) => c.id)).toEqual(['ann', 'bob']);
    expect(north.teams.map((t) => t.id)).toEqual(['north']);
  });

  it('refuses targets naming unknown collectors or wrong values, and keeps the old ones', async () => {
    const bad = setTargets(
      perf(),
      '2026-11',
      { collectors: { zed: { contactRate: 0.2 }, ann: { contactRate: 3 } } },
      'sam',
      clock.now(),
    );
    await expect(bad).rejects.toMatchObject({
      code: 'VALIDATION',
      details: [
        { at: 'collectors.zed', reason: 'no collector "zed"' },
        {
          at: 'collectors.ann.contactRate',
          reason: 'a rate is a fraction from 0 to 1 (0.25 = 25 %)',
        },
      ],
    });
    expect((await p.performance.targets('2026-11')).collectors).toEqual({
      ann: { collected: 80_000 },
    });
    await expect(performanceReport(perf(), '2026-13')).rejects.toMatchObject({
      code: 'VALIDATION',
      details: [{ at: 'period', reason: 'is not a month (YYYY-MM)' }],
    });
  });

  it('writes each collector’s statement line by line, and the CSV', async () => {
    const s = await statements(perf(), '2026-11');
    const ann = s.statements.find((x) => x.collector === 'ann')!;
    expect(ann.collectedByBucket).toEqual({ M1: 50_000, M2: 50_000, current: 7_000 });
    expect(ann.lines.map((l) => [l.kind, l.bucket, l.base, l.rateBp, l.amount])).toEqual([
      ['commission', 'M1', 40_000, 100, 400],
      ['commission', 'M1', 10_000, 200, 200],
      ['commission', 'M2', 50_000, 150, 750],
      ['commission', 'current', 7_000, 50, 35],
      ['bonus', null, null, null, 10_000],
      // capped at 20 % of the gross 11,385 = 2,277
      ['deduction', null, 5_000, null, -2_277],
    ]);
    expect([ann.gross, ann.deductions, ann.net]).toEqual([11_385, 2_277, 9_108]);
    expect(ann.breaches).toHaveLength(1);
    expect(ann.lines[5]!.reason).toMatch(/called at 22:00/);
    const bob = s.statements.find((x) => x.collector === 'bob')!;
    expect([bob.gross, bob.deductions, bob.net]).toEqual([10_500, 0, 10_500]);
    expect(s.statements.find((x) => x.collector === 'cy')!.lines).toEqual([]);

    const csv = (await statementsAsCsv(perf(), '2026-11', 'bob')).split('\n');
    expect(csv).toEqual([
      'collector,period,currency,kind,bucket,tier,base,rate_bp,amount,reason',
      'bob,2026-11,CNY,commission,current,0.00+,1000.00,50,5.00,current above 0.00: 1000.00 of 1000.00 at 50 bp',
      'bob,2026-11,CNY,bonus,,,,,100.00,grade B',
      '',
    ]);
  });

  it('gives each collector’s training status and refuses calls to the expired and the untrained', async () => {
    const now = clock.now();
    await saveCourse(
      trainingDeps(p),
      { id: 'fdcpa', title: 'Fair debt collection', compliance: true, validityMonths: 12 },
      'sam',
      now,
    );
    await saveCourse(
      trainingDeps(p),
      { id: 'negotiation', title: 'Negotiation', compliance: false, validityMonths: null },
      'sam',
      now,
    );
    const today = '2026-12-01';
    await recordCompletion(
      trainingDeps(p),
      { collector: 'ann', course: 'fdcpa', completedOn: '2026-01-10' },
      'sam',
      today,
      now,
    );
    await recordCompletion(
      trainingDeps(p),
      { collector: 'bob', course: 'fdcpa', completedOn: '2025-11-15' },
      'sam',
      today,
      now,
    );
    await expect(
      recordCompletion(
        trainingDeps(p),
        { collector: 'bob', course: 'fdcpa', completedOn: '2026-12-02' },
        'sam',
        today,
        now,
      ),
    ).rejects.toMatchObject({ code: 'VALIDATION', details: [{ at: 'completedOn' }] });
    await expect(
      recordCompletion(
        trainingDeps(p),
        { collector: 'bob', course: 'nope', completedOn: today },
        'sam',
        today,
        now,
      ),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });

    const t = await trainingReport(trainingDeps(p), today);
    expect(
      t.collectors.map((c) => [
        c.id,
        c.mayTakeCalls,
        c.courses.map((x) => [x.courseId, x.status, x.expiresOn]),
      ]),
    ).toEqual([
      [
        'ann',
        true,
        [
          ['fdcpa', 'valid', '2027-01-10'],
          ['negotiation', 'missing', null],
        ],
      ],
      [
        'bob',
        false,
        [
          ['fdcpa', 'expired', '2026-11-15'],
          ['negotiation', 'missing', null],
        ],
      ],
      [
        'cy',
        false,
        [
          ['fdcpa', 'missing', null],
          ['negotiation', 'missing', null],
        ],
      ],
    ]);
    expect(t.collectors[1]!.reason).toBe('compliance course fdcpa expired on 2026-11-15');

    // one call task for today, in nobody's hands: the morning's queue gives it to ann only
    await q(
      `INSERT INTO tasks (kind, account_id, customer_id, queue, priority, due_on, state, source)
       VALUES ('call', $1, $2, 'supervisor', 80, $3::date, 'open', 'supervisor')`,
      [ids.A9, ids.C9, today],
    );
    const ws = workspaceDeps(p, 'Test Lender');
    // bob and cy may take no calls: the morning's assignment passes them over
    const stats = await prepareQueues(ws, { day: today }, new Date('2026-12-01T07:00:00Z'));
    expect(stats.assigned).toBeGreaterThanOrEqual(1);
    const assignees = await q(`SELECT DISTINCT assignee FROM tasks WHERE assignee IS NOT NULL`);
    expect(assignees.rows).toEqual([{ assignee: 'ann' }]);

    const refused = await nextTask(ws, 'bob', today, now).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({
      code: 'TRAINING_REQUIRED',
      message:
        'bob may take no calls until the compliance training is renewed: compliance course fdcpa expired on 2026-11-15',
    });
    await expect(nextTask(ws, 'cy', today, now)).rejects.toMatchObject({
      code: 'TRAINING_REQUIRED',
      message: expect.stringContaining('compliance course fdcpa not completed') as string,
    });
    const next = await nextTask(ws, 'ann', today, now);
    expect(next.task?.account.id).toBe('A9');

    // renewed: bob takes calls again
    await recordCompletion(
      trainingDeps(p),
      { collector: 'bob', course: 'fdcpa', completedOn: today },
      'sam',
      today,
      now,
    );
    expect((await nextTask(ws, 'bob', today, now)).task).toBeNull();
  });

  describe('over HTTP', () => {
    const as = (user: string, role: string) => ({ 'x-recoup-user': user, 'x-recoup-role': role });

    it('serves the assessment table to readers and only their own row to a collector', async () => {
      const all = await app.inject({
        url: '/api/performance?period=2026-11',
        headers: as('ana', 'analyst'),
      });
      expect(all.statusCode).toBe(200);
      expect(
        all.json().collectors.map((c: { id: string; rank: number }) => [c.id, c.rank]),
      ).toEqual([
        ['ann', 1],
        ['bob', 2],
        ['cy', 3],
      ]);
      expect(all.json().teams[0]).toMatchObject({ id: 'north', score: 109.29, grade: 'B' });
      const mine = await app.inject({
        url: '/api/performance?period=2026-11&collector=bob',
        headers: as('ann', 'collector'),
      });
      expect(mine.json().collectors.map((c: { id: string }) => c.id)).toEqual(['ann']);
      expect(mine.json().teams).toEqual([]);
      const bad = await app.inject({ url: '/api/performance?period=2026-1' });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().details).toEqual([{ at: 'period', reason: 'is not a month (YYYY-MM)' }]);
      const field = await app.inject({
        url: '/api/performance?period=2026-11',
        headers: as('fay', 'field_agent'),
      });
      expect(field.statusCode).toBe(403);
    });

    it("gives a collector their own statement and CSV, and not another's", async () => {
      const own = await app.inject({
        url: '/api/incentives/statements/ann?period=2026-11',
        headers: as('ann', 'collector'),
      });
      expect(own.statusCode).toBe(200);
      expect(own.json()).toMatchObject({ collector: 'ann', gross: 11_385, net: 9_108 });
      expect(own.json().lines).toHaveLength(6);
      const other = await app.inject({
        url: '/api/incentives/statements/bob?period=2026-11',
        headers: as('ann', 'collector'),
      });
      expect(other.statusCode).toBe(403);
      const csv = await app.inject({
        url: '/api/incentives/statements.csv?period=2026-11',
        headers: as('ann', 'collector'),
      });
      expect(csv.headers['content-type']).toMatch(/^text\/csv/);
      const rows = csv.body.trim().split('\n');
      expect(rows[0]).toBe('collector,period,currency,kind,bucket,tier,base,rate_bp,amount,reason');
      expect(rows.slice(1).every((r) => r.startsWith('ann,'))).toBe(true);
      expect(rows).toHaveLength(7);
      const list = await app.inject({
        url: '/api/incentives/statements?period=2026-11',
        headers: as('sue', 'supervisor'),
      });
      expect(list.json().statements.map((x: { net: number }) => x.net)).toEqual([9_108, 10_500, 0]);
    });

    it('changes the scheme, rules and targets for supervisors only, each change audited with what it was', async () => {
      const denied = await app.inject({
        method: 'PUT',
        url: '/api/performance/scheme',
        headers: as('ana', 'analyst'),
        payload: SCHEME,
      });
      expect(denied.statusCode).toBe(403);
      const wrong = await app.inject({
        method: 'PUT',
        url: '/api/performance/scheme',
        headers: as('sue', 'supervisor'),
        payload: { ...SCHEME, weights: { contactRate: 40, keptRate: 30 } },
      });
      expect(wrong.statusCode).toBe(400);
      expect(wrong.json().details).toEqual([
        { at: 'weights', reason: 'must sum to 100 (they sum to 70)' },
      ]);
      const scheme = { ...SCHEME, fallbackGrade: 'E' };
      const ok = await app.inject({
        method: 'PUT',
        url: '/api/performance/scheme',
        headers: as('sue', 'supervisor'),
        payload: scheme,
      });
      expect(ok.statusCode).toBe(200);
      expect((await app.inject({ url: '/api/performance/scheme' })).json().fallbackGrade).toBe('E');
      const rules = await app.inject({
        method: 'PUT',
        url: '/api/incentives/rules',
        headers: as('sue', 'supervisor'),
        payload: { ...RULES, deductions: { perBreach: -1, capBp: null } },
      });
      expect(rules.json().details).toEqual([
        { at: 'deductions.perBreach', reason: 'must be a non-negative integer' },
      ]);
      const targets = await app.inject({
        method: 'PUT',
        url: '/api/performance/targets?period=2026-11',
        headers: as('sue', 'supervisor'),
        payload: { collectors: { ann: { collected: 90_000 } }, teams: {} },
      });
      expect(targets.statusCode).toBe(200);
      const audit = await p.db.query<{ action: string; actor: string; before: string }>(
        `SELECT action, actor, before FROM audit_log WHERE entity = 'performance' ORDER BY seq`,
      );
      expect(audit.rows.map((r) => [r.action, r.actor])).toEqual([
        ['PUT /api/performance/scheme', 'sue'],
        ['PUT /api/performance/targets', 'sue'],
      ]);
      expect(JSON.parse(audit.rows[0]!.before)).toMatchObject({ fallbackGrade: 'D' });
      expect(JSON.parse(audit.rows[1]!.before)).toMatchObject({
        collectors: { ann: { collected: 80_000 } },
        teams: { north: { contactRate: 0.5 } },
      });
      const read = await app.inject({
        url: '/api/performance/targets?period=2026-11',
        headers: as('ana', 'analyst'),
      });
      expect(read.json()).toEqual({
        period: '2026-11',
        collectors: { ann: { collected: 90_000 } },
        teams: {},
      });
    });

    it('records courses and completions, gives the status, and the desk refuses the untrained', async () => {
      const course = await app.inject({
        method: 'POST',
        url: '/api/training/courses',
        headers: as('sue', 'supervisor'),
        payload: { id: 'privacy', title: 'Privacy', compliance: false, validityMonths: 0 },
      });
      expect(course.statusCode).toBe(400);
      expect(course.json().details).toEqual([
        {
          at: 'validityMonths',
          reason: 'must be a whole number of months from 1 to 120, or null (never expires)',
        },
      ]);
      const done = {
        method: 'POST' as const,
        url: '/api/training/completions',
        headers: as('sue', 'supervisor'),
        payload: { collector: 'ann', course: 'negotiation', completedOn: '2026-11-20' },
      };
      expect((await app.inject(done)).statusCode).toBe(201);
      expect((await app.inject(done)).statusCode).toBe(200);
      const mine = await app.inject({
        url: '/api/training/status',
        headers: as('ann', 'collector'),
      });
      expect(mine.json().collectors).toHaveLength(1);
      expect(mine.json().collectors[0]).toMatchObject({ id: 'ann', mayTakeCalls: true });
      expect(mine.json().collectors[0].courses[1]).toMatchObject({
        courseId: 'negotiation',
        status: 'valid',
        expiresOn: null,
      });
      const desk = await app.inject({
        method: 'POST',
        url: '/api/desk/next',
        headers: as('cy', 'collector'),
      });
      expect(desk.statusCode).toBe(403);
      expect(desk.json()).toEqual({
        code: 'TRAINING_REQUIRED',
        message:
          'cy may take no calls until the compliance training is renewed: compliance course fdcpa not completed',
      });
    });
  });
});
