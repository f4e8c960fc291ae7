/**
 * Calls and field visits: a phone or visit dispatch becomes a task for a person. Starting it is
 * a contact proposed now, checked by the compliance engine like any message; the outcome the
 * collector or field agent records is a contact attempt the rules count from then on.
 */
import { CONNECTED, OUTCOMES, type Outcome } from '../../domain/compliance/types.ts';
import { decideContact, type ContactDecision } from '../../domain/dispatch/contact-case.ts';
import { planFieldDay, type FieldDayPlan } from '../../domain/field/assign.ts';
import { haversineMetres } from '../../domain/field/routing.ts';
import type { LocalDate } from '../../domain/time/date.ts';
import { AppError, invalid, notFound } from '../shared/errors.ts';
import { decisionRecord } from './dispatcher.ts';
import type { DispatchStore, TaskRow, TaskStore } from './ports.ts';
import type { PromiseStore } from '../promises/ports.ts';
import { makePromise } from '../promises/promises.ts';
import { addTask, prepareQueues, type WorkspaceDeps } from '../workspace/workspace.ts';
import { isLocalDate } from '../../domain/time/date.ts';

/** What a collector may record for a call; visits add `visited` and `not_home`. */
export const CALL_OUTCOMES = [
  'no_answer',
  'busy',
  'not_in_service',
  'voicemail',
  'conversation',
  'wrong_number',
  'promise_to_pay',
  'refused',
  'dispute',
  'hardship',
] as const satisfies readonly Outcome[];

export interface TaskDeps {
  tasks: TaskStore;
  dispatch: DispatchStore;
  /** Where a promise agreed on a call or visit is recorded. */
  promises?: PromiseStore | undefined;
  /** The collectors' queues: callbacks go there, and a call made changes the customer's other tasks. */
  workspace?: WorkspaceDeps | undefined;
}

const HISTORY_MS = 9 * 86_400_000;

/** Starts a call or visit now, if the rules allow it; the decision is stored either way. */
export async function startTask(
  deps: TaskDeps,
  taskId: number,
  by: string,
  now: Date,
): Promise<{ task: TaskRow; decision: ContactDecision }> {
  const task = await deps.tasks.task(taskId);
  if (!task) throw notFound(`task ${taskId}`);
  if (task.kind === 'review')
    throw new AppError('INVALID_STATE', `task ${taskId} is a review: it is completed, not started`);
  if (task.state !== 'open' && task.state !== 'assigned')
    throw new AppError('INVALID_STATE', `task ${taskId} is ${task.state}`);
  if (task.lockedBy !== null && task.lockedBy !== by && task.lockedUntil && task.lockedUntil > now)
    throw new AppError('INVALID_STATE', `task ${taskId} was given to ${task.lockedBy}`);
  const ctx = (
    await deps.dispatch.contexts([task.customerId], new Date(now.getTime() - HISTORY_MS))
  ).get(task.customerId);
  if (!ctx) throw notFound(`customer of task ${taskId}`);
  const channel = task.kind === 'call' ? 'phone' : 'field_visit';
  const decision = decideContact(ctx, { ts: now, channel, debts: [task.accountExt] });
  const [d] =
    task.dispatchId === null
      ? []
      : await deps.dispatch.inState('queued', { afterId: task.dispatchId - 1, limit: 1 });
  const allowed = decision.decision === 'ALLOW';
  await deps.dispatch.apply({
    transitions:
      allowed && d && task.dispatchId !== null && d.id === task.dispatchId
        ? [
            {
              id: d.id,
              from: 'queued',
              to: 'sending',
              at: now,
              reason: `${task.kind} started by ${by}`,
            },
          ]
        : [],
    fields: new Map(),
    decisions: [
      decisionRecord(
        { dispatchId: task.dispatchId, taskId, customerId: task.customerId, channel },
        task.kind === 'call' ? 'call' : 'visit',
        now,
        decision,
        by,
      ),
    ],
    attempts: [],
    tasks: [],
  });
  if (allowed) {
    await deps.tasks.setTask(
      taskId,
      ['open', 'assigned'],
      'in_progress',
      { assignee: task.assignee ?? by },
      now,
    );
  }
  return { task: (await deps.tasks.task(taskId))!, decision };
}

export interface OutcomeInput {
  outcome: string;
  notes?: string;
  by: string;
  /** With `promise_to_pay`: what the customer promised (recorded before the outcome). */
  promise?: { amount: string; promisedFor: string } | undefined;
  /** Where a field agent recorded it. */
  latitude?: number;
  longitude?: number;
  /** When the customer asked to be called back (an instant): a callback task for the collector. */
  callbackAt?: string | undefined;
  /** The day the collector means to act next on the account. */
  nextActionOn?: string | undefined;
}

/** Records the outcome of a started call or visit: the contact attempt, the task and dispatch. */
export async function recordOutcome(
  deps: TaskDeps,
  taskId: number,
  input: OutcomeInput,
  now: Date,
): Promise<TaskRow> {
  const task = await deps.tasks.task(taskId);
  if (!task) throw notFound(`task ${taskId}`);
  const allowed: readonly string[] =
    task.kind === 'call' ? CALL_OUTCOMES : [...CALL_OUTCOMES, 'visited', 'not_home'];
  if (!allowed.includes(input.outcome))
    throw invalid('unknown outcome', [
      { at: 'outcome', reason: `"${input.outcome}" is not one of ${allowed.join(', ')}` },
    ]);
  if (task.state !== 'in_progress')
    throw new AppError(
      'INVALID_STATE',
      `task ${taskId} is ${task.state}: start it first (the compliance check happens then)`,
    );
  // Visits count as attempts by their nearest call outcome for the rules.
  const outcome: Outcome = (OUTCOMES as readonly string[]).includes(input.outcome)
    ? (input.outcome as Outcome)
    : input.outcome === 'visited'
      ? 'conversation'
      : 'no_answer';
  const reached = CONNECTED.has(outcome);
  const details: { at: string; reason: string }[] = [];
  const callbackAt = input.callbackAt === undefined ? null : new Date(input.callbackAt);
  if (callbackAt !== null && Number.isNaN(callbackAt.getTime()))
    details.push({ at: 'callbackAt', reason: 'is not an instant (ISO 8601)' });
  else if (callbackAt !== null && callbackAt <= now)
    details.push({ at: 'callbackAt', reason: 'is not in the future' });
  else if (callbackAt !== null && !deps.workspace)
    details.push({ at: 'callbackAt', reason: 'callbacks are not available here' });
  if (input.nextActionOn !== undefined && !isLocalDate(input.nextActionOn))
    details.push({ at: 'nextActionOn', reason: 'is not a date (YYYY-MM-DD)' });
  if (details.length > 0) throw invalid('the outcome is not valid', details);
  if (input.promise !== undefined) {
    if (input.outcome !== 'promise_to_pay')
      throw invalid('a promise comes with the outcome promise_to_pay', [
        { at: 'promise', reason: `the outcome is ${input.outcome}` },
      ]);
    if (!deps.promises) throw new AppError('INVALID_STATE', 'promises are not available here');
    await makePromise({ promises: deps.promises, clock: { now: () => now } }, task.accountExt, {
      ...input.promise,
      channel: task.kind === 'call' ? 'phone' : 'field_visit',
      by: input.by,
      ...(input.notes !== undefined ? { notes: input.notes } : {}),
      requestKey: `task:${taskId}`,
    });
  }
  await deps.dispatch.apply({
    transitions:
      task.dispatchId === null
        ? []
        : [
            {
              id: task.dispatchId,
              from: 'sending',
              to: 'sent',
              at: now,
              reason: `${task.kind} made by ${input.by}`,
            },
            {
              id: task.dispatchId,
              from: 'sent',
              to: reached ? 'delivered' : 'failed',
              at: now,
              reason: `outcome: ${input.outcome}`,
            },
          ],
    fields: task.dispatchId === null ? new Map() : new Map([[task.dispatchId, { sentAt: now }]]),
    decisions: [],
    attempts: [
      {
        customerId: task.customerId,
        accountId: task.accountId,
        dispatchId: task.dispatchId,
        taskId,
        // The contact happened when it was started (and allowed), whenever it is recorded.
        ts: task.startedAt ?? now,
        channel: task.kind === 'call' ? 'phone' : 'field_visit',
        direction: 'outbound',
        outcome,
        person: 'debtor',
        address: task.kind === 'call' ? task.phone : null,
        byUser: input.by,
        notes: input.notes ?? null,
        latitude: input.latitude ?? null,
        longitude: input.longitude ?? null,
      },
    ],
    tasks: [],
  });
  // A call that reached no one: the step's on_fail (a text instead, or again tomorrow).
  if (!reached && task.dispatchId !== null)
    await deps.dispatch.createFollowUps([task.dispatchId], now);
  await deps.tasks.setTask(
    taskId,
    ['in_progress'],
    'done',
    {
      outcome: input.outcome,
      outcomeAt: now,
      notes: input.notes ?? null,
      ...(input.latitude !== undefined
        ? { latitude: input.latitude, longitude: input.longitude ?? null }
        : {}),
      ...(input.nextActionOn !== undefined ? { nextActionOn: input.nextActionOn } : {}),
    },
    now,
  );
  if (deps.workspace && task.kind === 'call') {
    if (callbackAt !== null)
      await addTask(
        deps.workspace,
        { user: input.by, role: 'collector' },
        {
          account: task.accountExt,
          dueAt: callbackAt.toISOString(),
          ...((await deps.workspace.workspace.collectors()).some((c) => c.id === input.by)
            ? { assignee: input.by }
            : {}),
          reason: `callback asked for on task ${taskId}`,
        },
        'callback',
        task.dueOn,
        now,
      );
    // The call counts against the rules: the customer's other tasks may have to wait.
    const others = await deps.tasks.tasks({
      kind: 'call',
      customerId: task.customerId,
      limit: 100,
    });
    const open = others.filter(
      (t) => t.id !== taskId && (t.state === 'open' || t.state === 'assigned'),
    );
    if (open.length > 0)
      await prepareQueues(deps.workspace, { taskIds: open.map((t) => t.id) }, now);
  }
  return (await deps.tasks.task(taskId))!;
}

/** Assigns the day's open visits to field agents by territory and capacity, in route order. */
export async function planFieldVisits(
  deps: TaskDeps,
  day: LocalDate,
  now: Date,
): Promise<FieldDayPlan> {
  const agents = await deps.tasks.agents();
  const visits: TaskRow[] = [];
  for (let afterId = 0; ;) {
    const page = await deps.tasks.tasks({ kind: 'visit', dueOn: day, limit: 5_000, afterId });
    if (page.length === 0) break;
    afterId = page[page.length - 1]!.id;
    visits.push(
      ...page.filter(
        (t) => t.state === 'open' || t.state === 'assigned' || t.state === 'unassigned',
      ),
    );
  }
  // A customer belongs to the territory of the nearest agent base within that agent's radius.
  const territoryOf = (lat: number, lon: number): string => {
    let best: { t: string; m: number } | null = null;
    for (const a of agents) {
      const m = haversineMetres({ lat, lon }, { lat: a.baseLat, lon: a.baseLon });
      if (m <= a.radiusKm * 1000 && (!best || m < best.m)) best = { t: a.territory, m };
    }
    return best?.t ?? 'none';
  };
  const plan = planFieldDay(
    agents.map((a) => ({
      id: a.id,
      territory: a.territory,
      capacity: a.capacity,
      base: { lat: a.baseLat, lon: a.baseLon },
      shiftStart: a.shiftStart,
      shiftEnd: a.shiftEnd,
      languages: a.languages,
    })),
    visits
      .filter((v) => v.latitude !== null && v.longitude !== null)
      .map((v) => ({
        id: String(v.id),
        lat: v.latitude!,
        lon: v.longitude!,
        territory: territoryOf(v.latitude!, v.longitude!),
        priority: v.priority,
        language: v.language,
        serviceMinutes: 30,
      })),
  );
  const rows: Parameters<TaskStore['assignMany']>[0] = [];
  for (const r of plan.agents) {
    for (const s of r.route.stops) {
      rows.push({
        id: Number(s.id),
        state: 'assigned',
        assignee: r.agentId,
        routeSeq: s.seq,
        plannedArrival: Math.round(s.arrive),
        reason: null,
      });
    }
  }
  for (const u of plan.unassigned) {
    rows.push({
      id: Number(u.id),
      state: 'unassigned',
      assignee: null,
      routeSeq: null,
      plannedArrival: null,
      reason: u.reason,
    });
  }
  for (const v of visits.filter((x) => x.latitude === null || x.longitude === null)) {
    rows.push({
      id: v.id,
      state: 'unassigned',
      assignee: null,
      routeSeq: null,
      plannedArrival: null,
      reason: 'the customer has no coordinates',
    });
  }
  await deps.tasks.assignMany(rows, now);
  return plan;
}

/** Expires what was not done within its day, with the steps' follow-ups for it. */
export async function expireTasks(
  deps: TaskDeps,
  now: Date,
): Promise<{ dispatches: number; tasks: number; followUps: number }> {
  const r = await deps.tasks.expireOverdue(now);
  const followUps = await deps.dispatch.createFollowUps(r.dispatches, now);
  return { dispatches: r.dispatches.length, tasks: r.tasks, followUps };
}
