/**
 * The collector's workspace on the engine under test: the default strategy's calls set in
 * queues (value, hours in the customer's time, collectors by the rules), "next account" with
 * its lock (never the same task to two collectors asking at once, released when it expires),
 * callbacks, broken promises in the collector's queue, supervisors' moves, and the API.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGenerate } from '../../src/adapters/cli/generate.ts';
import { CsvFolderSource } from '../../src/adapters/files/csv-source.ts';
import { buildServer } from '../../src/adapters/http/server.ts';
import { testServer } from '../support/auth.ts';
import { workspaceDeps, type Platform } from '../../src/adapters/platform.ts';
import { runCycles } from '../../src/app/cycle/run-cycle.ts';
import { prepareDay, type DispatchDeps } from '../../src/app/dispatch/dispatcher.ts';
import { recordOutcome, startTask } from '../../src/app/dispatch/tasks.ts';
import { importPortfolio } from '../../src/app/import/import-portfolio.ts';
import { makePromise } from '../../src/app/promises/promises.ts';
import { publishSource } from '../../src/app/strategy/strategies.ts';
import type { Collector } from '../../src/app/workspace/ports.ts';
import type { StoredPlan } from '../../src/app/plans/ports.ts';
import {
  addTask,
  assignAccount,
  completeReview,
  planNotifier,
  moveTasks,
  nextTask,
  prepareQueues,
  releaseTask,
} from '../../src/app/workspace/workspace.ts';
import { ruleSetForJurisdiction } from '../../src/domain/compliance/rule-sets.ts';
import { addDays } from '../../src/domain/time/date.ts';
import { toLocal } from '../../src/domain/time/zone.ts';
import { taskValue } from '../../src/domain/workspace/priority.ts';
import { DEFAULT_WORKSPACE_POLICY } from '../../src/domain/workspace/policy.ts';
import { instantAtLocal } from '../../src/domain/dispatch/lifecycle.ts';
import { ENGINE, fixedClock, openTestPlatform } from '../support/platform.ts';

const AS_OF = '2026-06-30';
const day = (n: number) => addDays(AS_OF, n);
const SUPERVISOR = { user: 'sam', role: 'supervisor' as const };
const COLLECTOR = { user: 'ann', role: 'collector' as const };

const collector = (id: string, o: Partial<Collector> = {}): Collector => ({
  id,
  name: id,
  team: null,
  queues: ['*'],
  languages: [],
  buckets: [],
  skills: [],
  territory: null,
  capacity: 5,
  active: true,
  ...o,
});

describe(`the collector's workspace (${ENGINE})`, () => {
  let p: Platform;
  const clock = fixedClock(`${AS_OF}T06:00:00Z`);
  const ws = () => workspaceDeps(p, 'Test Lender');
  const taskDeps = () => ({
    tasks: p.tasks,
    dispatch: p.dispatch,
    promises: p.promises,
    workspace: ws(),
  });
  const rows = async <T>(sql: string, params: unknown[] = []) =>
    (await p.db.query<T>(sql, params)).rows;

  beforeAll(async () => {
    p = await openTestPlatform(clock);
    const dir = mkdtempSync(join(tmpdir(), 'recoup-workspace-'));
    await runGenerate({ accounts: 1500, seed: 11, asOf: AS_OF, out: dir });
    expect((await importPortfolio(new CsvFolderSource(dir), p.imports)).status).toBe('imported');
    await publishSource(p.strategies, readFileSync('strategies/default.yaml', 'utf8'), {
      by: 'Mia',
      reason: 'test',
      effectiveFrom: '2026-01-01',
    });
    await p.workspace.saveTeams([{ id: 'north', name: 'North', supervisor: 'sam' }]);
    await p.workspace.saveCollectors([
      collector('ann', { languages: ['en'] }),
      collector('bo', { languages: ['zh'] }),
      collector('cy'),
    ]);
    await runCycles(
      { cycles: p.cycles, policies: p.policies, clock, planner: p.planner },
      { from: day(0), to: day(0) },
    );
    const deps: DispatchDeps = {
      store: p.dispatch,
      queue: p.jobs,
      providers: {},
      settings: { companyName: 'Test Lender', publicUrl: 'http://localhost' },
      actor: 'test',
      workspace: ws(),
    };
    const r = await prepareDay(deps, day(0), clock.now());
    expect(r.queues!.tasks).toBeGreaterThan(20);
  }, 240_000);
  afterAll(async () => {
    await p?.close();
  });

  it("fills the queues from the strategy's calls: value, the customer's hours, collectors within capacity", async () => {
    const tasks = await rows<{
      id: string;
      value: string;
      amount_at_risk: string;
      pay_probability: number;
      effort_minutes: number;
      callable_from: Date | string;
      callable_to: Date | string;
      assignee: string | null;
      state: string;
      language: string;
      timezone: string;
      jurisdiction: string;
      arrears: string;
      probability: number | null;
    }>(
      `SELECT t.id, t.value, t.amount_at_risk, t.pay_probability, t.effort_minutes, t.callable_from,
              t.callable_to, t.assignee, t.state, t.language, c.timezone, c.jurisdiction, s.arrears,
              sc.probability
       FROM tasks t JOIN customers c ON c.id = t.customer_id
       JOIN account_states s ON s.account_id = t.account_id
       LEFT JOIN account_scores sc ON sc.account_id = t.account_id AND sc.purpose = 'collection'
       WHERE t.kind = 'call' AND t.source = 'strategy'`,
    );
    expect(tasks.length).toBeGreaterThan(20);
    for (const t of tasks.filter((x) => x.state !== 'blocked')) {
      // the value is the domain's, from the account's arrears and collection score
      if (Number(t.arrears) > 0) {
        expect(Number(t.amount_at_risk)).toBe(Number(t.arrears));
        expect(Number(t.value)).toBe(
          taskValue(
            {
              amountAtRisk: Number(t.arrears),
              noPaymentProbability: t.probability,
              unansweredAttempts: 0,
            },
            DEFAULT_WORKSPACE_POLICY,
          ).value,
        );
      }
      // the hours are the rule set's window in the customer's own time zone
      const w = ruleSetForJurisdiction(t.jurisdiction)!.window;
      expect(new Date(t.callable_from).toISOString()).toBe(
        instantAtLocal(day(0), w.from, t.timezone).toISOString(),
      );
      expect(new Date(t.callable_to).toISOString()).toBe(
        instantAtLocal(day(0), w.to, t.timezone).toISOString(),
      );
    }
    // each collector got at most its capacity, in its languages; the rest wait in the pool
    const by = new Map<string, typeof tasks>();
    for (const t of tasks.filter((x) => x.assignee))
      by.set(t.assignee!, [...(by.get(t.assignee!) ?? []), t]);
    expect([...by.keys()].sort()).toEqual(['ann', 'bo', 'cy']);
    for (const list of by.values()) expect(list.length).toBe(5);
    expect(by.get('ann')!.every((t) => t.language === 'en' || t.language.startsWith('en-'))).toBe(
      true,
    );
    expect(by.get('bo')!.every((t) => t.language.startsWith('zh'))).toBe(true);
    // the most valuable were handed out first
    const assigned = tasks.filter((t) => t.assignee && t.state === 'assigned');
    const pooled = tasks.filter((t) => !t.assignee && t.state === 'open');
    expect(pooled.length).toBeGreaterThan(0);
    const minAssigned = Math.min(
      ...assigned.filter((t) => t.assignee === 'cy').map((t) => Number(t.value)),
    );
    expect(Math.max(...pooled.map((t) => Number(t.value)))).toBeLessThanOrEqual(minAssigned);
  });

  it("offers a collector its best callable task now, in the customer's local hours, and holds it", async () => {
    // 06:00 UTC: 14:00 in Shanghai, 02:00 in New York
    const now = new Date(`${day(0)}T06:00:00Z`);
    const n = await nextTask(ws(), 'cy', day(0), now);
    expect(n.task).not.toBeNull();
    expect(n.held).toBe(false);
    const local = toLocal(now, n.task!.customer.timezone);
    const w = ruleSetForJurisdiction(n.task!.customer.jurisdiction)!.window;
    expect(local.hour * 60 + local.minute).toBeGreaterThanOrEqual(w.from);
    expect(local.hour * 60 + local.minute).toBeLessThan(w.to);
    // the best of cy's own tasks callable now
    const own = await rows<{ id: string; value: string }>(
      `SELECT id, value FROM tasks WHERE assignee = 'cy' AND state IN ('open', 'assigned')
         AND callable_from <= $1 AND callable_to > $1 ORDER BY value DESC, id LIMIT 1`,
      [now.toISOString()],
    );
    expect(n.task!.id).toBe(Number(own[0]!.id));
    expect(n.script?.body).toContain(n.task!.customer.name);
    // asking again returns the same task
    const again = await nextTask(ws(), 'cy', day(0), new Date(now.getTime() + 60_000));
    expect(again).toMatchObject({ held: true, task: { id: n.task!.id } });
    // another collector cannot start it while it is held
    await expect(startTask(taskDeps(), n.task!.id, 'ann', now)).rejects.toMatchObject({
      code: 'INVALID_STATE',
    });
    await releaseTask(ws(), n.task!.id, 'cy', {}, now);
    const events = await p.workspace.events(n.task!.id);
    expect(events.map((e) => e.action)).toEqual(['assigned', 'claimed', 'released']);
  });

  it('never gives the same task to two collectors asking at once', async () => {
    await p.workspace.saveCollectors(
      Array.from({ length: 24 }, (_, i) => collector(`pool-${i}`, { capacity: 0 })),
    );
    const now = new Date(`${day(0)}T15:00:00Z`);
    const got = await Promise.all(
      Array.from({ length: 24 }, (_, i) => nextTask(ws(), `pool-${i}`, day(0), now)),
    );
    const ids = got.map((g) => g.task?.id).filter((x): x is number => x !== undefined);
    expect(ids.length).toBeGreaterThan(10);
    expect(new Set(ids).size).toBe(ids.length);
    // all came from the pool, best first
    const values = got.filter((g) => g.task).map((g) => g.task!.value);
    const poolTop = await rows<{ value: string }>(
      `SELECT value FROM tasks WHERE locked_by LIKE 'pool-%' ORDER BY value DESC`,
    );
    expect(values.sort((a, b) => b - a)).toEqual(poolTop.map((x) => Number(x.value)));
    // a lock that expires is released: after 10 minutes another collector may get the task
    const first = got.find((g) => g.task)!.task!;
    const later = new Date(now.getTime() + 11 * 60_000);
    await p.workspace.saveCollectors([collector('late', { capacity: 0 })]);
    const seen: number[] = [];
    for (let k = 0; k < 60; k++) {
      const n = await nextTask(ws(), 'late', day(0), later);
      if (!n.task) break;
      seen.push(n.task.id);
      if (n.task.id === first.id) break;
      await releaseTask(ws(), n.task.id, 'late', { defer: true }, later);
    }
    expect(seen).toContain(first.id);
    const ev = await p.workspace.events(first.id);
    expect(ev.map((e) => e.action)).toContain('lock_expired');
    await p.workspace.saveCollectors(
      Array.from({ length: 24 }, (_, i) => collector(`pool-${i}`, { active: false })).concat(
        collector('late', { active: false }),
      ),
    );
  });

  it('turns a callback the customer asked for into a task for the collector, offered at its time', async () => {
    const now = new Date(`${day(0)}T15:05:00Z`);
    let n = await nextTask(ws(), 'ann', day(0), now);
    for (let k = 0; n.task && k < 20; k++) {
      const s = await startTask(taskDeps(), n.task.id, 'ann', now);
      if (s.decision.decision === 'ALLOW') break;
      await releaseTask(ws(), n.task.id, 'ann', { defer: true }, now);
      n = await nextTask(ws(), 'ann', day(0), now);
    }
    const t = n.task!;
    const callbackAt = new Date(now.getTime() + 2 * 3_600_000);
    await expect(
      recordOutcome(
        taskDeps(),
        t.id,
        { outcome: 'conversation', by: 'ann', callbackAt: 'tomorrow' },
        now,
      ),
    ).rejects.toMatchObject({ code: 'VALIDATION', details: [{ at: 'callbackAt' }] });
    await recordOutcome(
      taskDeps(),
      t.id,
      {
        outcome: 'conversation',
        by: 'ann',
        callbackAt: callbackAt.toISOString(),
        nextActionOn: day(1),
      },
      now,
    );
    const [cb] = await rows<{ id: string; assignee: string; due_at: Date | string; state: string }>(
      `SELECT id, assignee, due_at, state FROM tasks WHERE source = 'callback'`,
    );
    expect(cb).toMatchObject({ assignee: 'ann', state: 'assigned' });
    expect(new Date(cb!.due_at).toISOString()).toBe(callbackAt.toISOString());
    // not before its time (less the lead)...
    const early = await nextTask(ws(), 'ann', day(0), new Date(now.getTime() + 60_000));
    expect(early.task?.id).not.toBe(Number(cb!.id));
    if (early.task) await releaseTask(ws(), early.task.id, 'ann', {}, now);
    // ...and first at its time, before more valuable tasks
    const due = await nextTask(ws(), 'ann', day(0), new Date(callbackAt.getTime() - 4 * 60_000));
    expect(due.task).toMatchObject({ id: Number(cb!.id), source: 'callback' });
  });

  it('puts a broken promise in the queue of the collector who took it, the next day', async () => {
    const [acc] = await rows<{ ext: string }>(
      `SELECT a.external_id AS ext FROM account_states s JOIN accounts a ON a.id = s.account_id
       WHERE s.arrears > 5000 AND NOT s.on_hold
         AND NOT EXISTS (SELECT 1 FROM promises p WHERE p.account_id = a.id)
       ORDER BY a.id LIMIT 1`,
    );
    await makePromise({ promises: p.promises, clock }, acc!.ext, {
      amount: '20.00',
      promisedFor: day(1),
      by: 'bo',
    });
    // no payment: broken once the 3 days' grace have passed, on day 5
    await runCycles(
      { cycles: p.cycles, policies: p.policies, clock, planner: p.planner },
      { from: day(1), to: day(5) },
    );
    const t = await rows<{ assignee: string; due_on: string; queue: string; reason: string }>(
      `SELECT t.assignee, t.due_on::text AS due_on, t.queue, t.reason FROM tasks t
       JOIN accounts a ON a.id = t.account_id
       WHERE t.source = 'broken_promise' AND a.external_id = $1`,
      [acc!.ext],
    );
    expect(t).toEqual([
      {
        assignee: 'bo',
        due_on: day(6),
        queue: 'broken_promises',
        reason: `the promise to pay by ${day(1)} was not kept`,
      },
    ]);
  });

  it('lets supervisors, not collectors, move tasks and give accounts to collectors', async () => {
    const open = await rows<{ id: string; ext: string }>(
      `SELECT t.id, a.external_id AS ext FROM tasks t JOIN accounts a ON a.id = t.account_id
       WHERE t.kind = 'call' AND t.state = 'open' AND t.assignee IS NULL ORDER BY t.id LIMIT 3`,
    );
    const ids = open.map((x) => Number(x.id));
    const now = clock.now();
    await expect(moveTasks(ws(), COLLECTOR, ids, { collector: 'ann' }, now)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(
      moveTasks(ws(), SUPERVISOR, ids, { collector: 'ann', team: 'north' }, now),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
    expect(await moveTasks(ws(), SUPERVISOR, ids.slice(0, 2), { team: 'north' }, now)).toBe(2);
    const moved = await rows<{ team: string; state: string }>(
      'SELECT team, state FROM tasks WHERE id = ANY($1::bigint[]) ORDER BY id',
      [ids.slice(0, 2)],
    );
    expect(moved).toEqual([
      { team: 'north', state: 'open' },
      { team: 'north', state: 'open' },
    ]);
    expect(await assignAccount(ws(), SUPERVISOR, open[2]!.ext, 'cy', now)).toEqual({ moved: 1 });
    const owned = await rows<{ assignee: string }>('SELECT assignee FROM tasks WHERE id = $1', [
      ids[2],
    ]);
    expect(owned).toEqual([{ assignee: 'cy' }]);
    // a supervisor's own task for an account, checked and set in its queue at once
    await expect(
      addTask(ws(), COLLECTOR, { account: open[2]!.ext }, 'supervisor', day(6), now),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(
      addTask(
        ws(),
        SUPERVISOR,
        { account: open[2]!.ext, dueOn: '2020-01-01' },
        'supervisor',
        day(6),
        now,
      ),
    ).rejects.toMatchObject({ details: [{ at: 'dueOn', reason: 'is in the past' }] });
    const id = await addTask(
      ws(),
      SUPERVISOR,
      { account: open[2]!.ext, assignee: 'ann', reason: 'customer wrote in' },
      'supervisor',
      day(6),
      now,
    );
    const [t] = await rows<{ assignee: string; value: string; callable_from: unknown }>(
      'SELECT assignee, value, callable_from FROM tasks WHERE id = $1',
      [id],
    );
    expect(t!.assignee).toBe('ann');
    expect(t!.callable_from).not.toBeNull();
  });

  it("turns plans' needs into work: a review for a plan waiting for approval, a call for a broken one", async () => {
    const [acc] = await rows<{ ext: string }>(
      `SELECT a.external_id AS ext FROM account_states s JOIN accounts a ON a.id = s.account_id
       WHERE s.arrears > 0 AND NOT s.on_hold ORDER BY a.id DESC LIMIT 1`,
    );
    const now = clock.now();
    const notifier = planNotifier(
      ws(),
      () => day(6),
      () => now,
    );
    const plan = {
      id: 901,
      account: acc!.ext,
      kind: 'settlement',
      proposedBy: 'ann',
      missedDueDate: day(4),
    } as unknown as StoredPlan;
    await notifier.reviewNeeded(plan);
    await notifier.reviewNeeded(plan); // once per plan
    await notifier.planBroken([plan]);
    const made = await rows<{
      id: string;
      kind: string;
      source: string;
      assignee: string | null;
      due_on: string;
      reason: string;
    }>(
      `SELECT id, kind, source, assignee, due_on::text AS due_on, reason FROM tasks
       WHERE plan_id = 901 ORDER BY id`,
    );
    expect(made.map((t) => [t.kind, t.source, t.assignee, t.due_on])).toEqual([
      ['review', 'review', null, day(6)],
      ['call', 'broken_plan', 'ann', day(6)],
    ]);
    expect(made[1]!.reason).toBe(
      `the settlement plan 901 was broken: the payment due ${day(4)} was missed`,
    );
    // a review is not a call: never offered by "next account", never started, only completed
    const review = Number(made[0]!.id);
    await expect(startTask(taskDeps(), review, 'sam', now)).rejects.toMatchObject({
      code: 'INVALID_STATE',
    });
    await completeReview(
      ws(),
      SUPERVISOR,
      review,
      { outcome: 'approved', notes: 'income checked' },
      now,
    );
    await expect(
      completeReview(ws(), SUPERVISOR, review, { outcome: 'approved' }, now),
    ).rejects.toMatchObject({ code: 'INVALID_STATE' });
    const [done] = await rows<{ state: string; outcome: string }>(
      'SELECT state, outcome FROM tasks WHERE id = $1',
      [review],
    );
    expect(done).toEqual({ state: 'done', outcome: 'approved' });
  });

  it('serves the desk over HTTP with the caller as the collector', async () => {
    const app = await buildServer(p, testServer);
    try {
      const at = { 'x-recoup-user': 'cy', 'x-recoup-role': 'collector' };
      clock.set(`${day(6)}T15:00:00Z`);
      await prepareQueues(ws(), { day: day(6) }, clock.now());
      const next = await app.inject({ method: 'POST', url: '/api/desk/next', headers: at });
      expect(next.statusCode).toBe(200);
      const body = next.json();
      expect(typeof body.held).toBe('boolean');
      if (body.task) {
        const rel = await app.inject({
          method: 'POST',
          url: `/api/desk/tasks/${body.task.id}/release`,
          headers: at,
          payload: { defer: true, reason: 'customer at work' },
        });
        expect(rel.statusCode).toBe(204);
      }
      const bad = await app.inject({
        method: 'PUT',
        url: '/api/collectors',
        headers: { 'x-recoup-user': 'sam', 'x-recoup-role': 'supervisor' },
        payload: { collectors: [{ id: 'ok' }, { id: 'x y', capacity: -1, team: 'nowhere' }] },
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().details.map((d: { at: string }) => d.at)).toEqual([
        'collectors[1].id',
        'collectors[1].team',
        'collectors[1].capacity',
      ]);
      const forbidden = await app.inject({
        method: 'PUT',
        url: '/api/workspace/policy',
        headers: at,
        payload: { lockMinutes: 5 },
      });
      expect(forbidden.statusCode).toBe(403);
      const queues = await app.inject({ method: 'GET', url: `/api/queues?day=${day(6)}` });
      expect(queues.json().rows.length).toBeGreaterThan(0);
    } finally {
      await app.close();
    }
  });
});
