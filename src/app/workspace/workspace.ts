/**
 * The collector's day: the queues set in the morning (each call task's expected value, the
 * hours it may be called in, its collector), "next account" (the best task a collector may
 * take now, locked for it), releasing and deferring, and what supervisors do (moving tasks
 * and accounts, adding tasks). The compliance engine decides every call again when it is
 * started (tasks.ts); the queue only offers what the rules allowed when it was set.
 */
import { maySupervise, type Actor } from '../../domain/access/roles.ts';
import { decideContact, type ContactContext } from '../../domain/dispatch/contact-case.ts';
import { ruleSetForJurisdiction } from '../../domain/compliance/rule-sets.ts';
import { assignTasks } from '../../domain/workspace/assign.ts';
import { parseWorkspacePolicy, type WorkspacePolicy } from '../../domain/workspace/policy.ts';
import { taskValue } from '../../domain/workspace/priority.ts';
import {
  checkScript,
  pickScript,
  renderScript,
  type CallScript,
} from '../../domain/workspace/script.ts';
import { callWindow } from '../../domain/workspace/window.ts';
import { isLocalDate, type LocalDate } from '../../domain/time/date.ts';
import type { PlanNotifier } from '../plans/ports.ts';
import { AppError, forbidden, invalid, notFound } from '../shared/errors.ts';
import type { Collector, DeskTask, QueueFact, QueueUpdate, Team, WorkspaceStore } from './ports.ts';

export interface WorkspaceDeps {
  workspace: WorkspaceStore;
  /** The customers' compliance contexts (preferences, holds, calendar, recent attempts). */
  contexts(customerIds: number[], since: Date): Promise<Map<number, ContactContext>>;
  /** The lender's name in call scripts. */
  companyName: string;
  /**
   * The collectors among `ids` who may not take calls on `day` (today when null), each with
   * why: a compliance course expired or missing. They get no calls until it is renewed.
   */
  callBlocks?: (ids: readonly string[], day: LocalDate | null) => Promise<Map<string, string>>;
}

const HISTORY_MS = 9 * 86_400_000;

export interface QueueStats {
  tasks: number;
  assigned: number;
  pooled: number;
  blocked: number;
  deferred: number;
}

/**
 * Sets open call tasks in their queues: the day's (in the morning) or some (a callback just
 * agreed, the tasks of a customer just called). Each gets its value and callable hours, is
 * checked against the rules, and, if it has no collector, is given to one.
 */
export async function prepareQueues(
  deps: WorkspaceDeps,
  f: { day: LocalDate } | { taskIds: number[] },
  now: Date,
): Promise<QueueStats> {
  const facts = await deps.workspace.queueFacts(f, new Date(now.getTime() - 7 * 86_400_000));
  const stats: QueueStats = {
    tasks: facts.length,
    assigned: 0,
    pooled: 0,
    blocked: 0,
    deferred: 0,
  };
  if (facts.length === 0) return stats;
  const [policy, collectors] = await Promise.all([
    deps.workspace.policy(),
    deps.workspace.collectors(),
  ]);
  const contexts = await deps.contexts(
    facts.map((x) => x.customerId),
    new Date(now.getTime() - HISTORY_MS),
  );
  const rows = new Map<number, QueueUpdate>();
  for (const x of facts)
    rows.set(x.taskId, queueUpdate(x, contexts.get(x.customerId), policy, now));
  const day = 'day' in f ? f.day : null;
  const working = collectors.filter((c) => c.active);
  // a collector whose compliance training has expired is given no calls
  const untrained = deps.callBlocks
    ? await deps.callBlocks(
        working.map((c) => c.id),
        day,
      )
    : new Map<string, string>();
  const active = working.filter((c) => !untrained.has(c.id));
  const toAssign = facts.filter((x) => x.assignee === null && rows.get(x.taskId)!.blocked === null);
  const result = assignTasks(
    toAssign.map((x) => ({
      id: x.taskId,
      queue: x.queue,
      language: x.language,
      bucket: x.bucket,
      skill: x.skill,
      territory: x.jurisdiction,
      team: x.team,
      value: rows.get(x.taskId)!.value,
      owner: x.owner,
    })),
    active,
    policy.assignment,
    day ? await deps.workspace.loads(day) : new Map(),
  );
  for (const a of result.assigned) rows.get(a.taskId)!.assignee = a.collector;
  stats.assigned = result.assigned.length;
  stats.pooled = result.pooled.length;
  for (const r of rows.values()) {
    if (r.blocked !== null) stats.blocked++;
    else if (r.notBefore !== null) stats.deferred++;
  }
  await deps.workspace.applyQueue([...rows.values()], now);
  return stats;
}

function queueUpdate(
  x: QueueFact,
  ctx: ContactContext | undefined,
  policy: WorkspacePolicy,
  now: Date,
): QueueUpdate {
  const v = taskValue(
    {
      amountAtRisk: x.amountAtRisk,
      noPaymentProbability: x.noPaymentProbability,
      unansweredAttempts: x.unansweredAttempts,
    },
    policy,
  );
  const rs = ruleSetForJurisdiction(x.jurisdiction);
  const inconvenient =
    ctx?.preferences
      .filter(
        (p) =>
          p.kind === 'inconvenient_time' &&
          p.value &&
          (p.until === null || p.until > now.toISOString()),
      )
      .map((p) => p.value!) ?? [];
  const window = rs ? callWindow(x.dueOn, x.timezone, rs.window, inconvenient) : null;
  const row: QueueUpdate = {
    taskId: x.taskId,
    value: v.value,
    amountAtRisk: x.amountAtRisk,
    payProbability: v.payProbability,
    effortMinutes: v.effortMinutes,
    callableFrom: window?.from ?? null,
    callableTo: window?.to ?? null,
    notBefore: null,
    segmentId: x.segmentId,
    bucket: x.bucket,
    language: x.language,
    territory: x.jurisdiction,
    assignee: null,
    blocked: null,
  };
  if (!ctx) {
    row.blocked = 'the customer has no contact record';
    return row;
  }
  if (!window) {
    row.blocked = `no hours of ${x.dueOn} are open for calls to this customer`;
    return row;
  }
  if (now >= window.to) return row; // the day's hours are over: nothing to check today
  const at = now > window.from ? now : window.from;
  const d = decideContact(ctx, { ts: at, channel: 'phone', debts: [x.accountExt] });
  if (d.decision === 'ALLOW') return row;
  if (d.nextAllowed) row.notBefore = new Date(d.nextAllowed);
  else row.blocked = d.reasons.map((r) => r.message).join('; ');
  return row;
}

export interface NextTask {
  task: DeskTask | null;
  /** True when it is the task the collector already held. */
  held: boolean;
  script: { title: string; body: string } | null;
}

async function activeCollector(deps: WorkspaceDeps, id: string): Promise<Collector> {
  const c = (await deps.workspace.collectors()).find((x) => x.id === id);
  if (!c) throw notFound(`collector ${id}`);
  if (!c.active) throw new AppError('INVALID_STATE', `collector ${id} is not active`);
  return c;
}

/** The best task the collector may take now, locked for it until the policy's lock expires. */
export async function nextTask(
  deps: WorkspaceDeps,
  collectorId: string,
  day: LocalDate,
  now: Date,
): Promise<NextTask> {
  const [c, policy] = await Promise.all([
    activeCollector(deps, collectorId),
    deps.workspace.policy(),
  ]);
  const why = (await deps.callBlocks?.([collectorId], day))?.get(collectorId);
  if (why !== undefined)
    throw new AppError(
      'TRAINING_REQUIRED',
      `${collectorId} may take no calls until the compliance training is renewed: ${why}`,
    );
  const until = new Date(now.getTime() + policy.lockMinutes * 60_000);
  const r = await deps.workspace.claim(c, now, day, until, policy.callbackLeadMinutes);
  if (!r) return { task: null, held: false, script: null };
  return { task: r.task, held: r.held, script: await scriptFor(deps, r.task) };
}

async function scriptFor(deps: WorkspaceDeps, t: DeskTask): Promise<NextTask['script']> {
  const s = pickScript(await deps.workspace.scripts(), t.segmentId, t.customer.language);
  if (!s) return null;
  return renderScript(s, {
    customerName: t.customer.name,
    companyName: deps.companyName,
    accountId: t.account.id,
    currency: t.account.currency,
    language: t.customer.language,
    amountDue: t.account.arrears ?? t.amountAtRisk ?? 0,
    outstanding: t.account.outstanding ?? 0,
    daysPastDue: t.account.pastDueDays ?? 0,
  });
}

/** Gives a held task back: at once, or (deferred) not before the policy's defer time. */
export async function releaseTask(
  deps: WorkspaceDeps,
  taskId: number,
  collectorId: string,
  o: { defer?: boolean; reason?: string | null },
  now: Date,
): Promise<void> {
  const policy = await deps.workspace.policy();
  const notBefore = o.defer ? new Date(now.getTime() + policy.deferMinutes * 60_000) : null;
  if (!(await deps.workspace.release(taskId, collectorId, now, notBefore, o.reason ?? null)))
    throw new AppError('INVALID_STATE', `task ${taskId} is not held by ${collectorId}`);
}

function supervisor(actor: Actor): void {
  if (!maySupervise(actor.role))
    throw forbidden(`a ${actor.role} cannot do this: it needs a supervisor`);
}

/** A supervisor moves open tasks to a collector, or to a team's pool. */
export async function moveTasks(
  deps: WorkspaceDeps,
  actor: Actor,
  taskIds: number[],
  to: { collector?: string | null; team?: string | null },
  now: Date,
): Promise<number> {
  supervisor(actor);
  const collector = to.collector ?? null;
  const team = to.team ?? null;
  if ((collector === null) === (team === null))
    throw invalid('say where the tasks go', [
      { at: 'collector', reason: 'give a collector or a team, not both' },
    ]);
  if (collector !== null) await activeCollector(deps, collector);
  if (team !== null && !(await deps.workspace.teams()).some((t) => t.id === team))
    throw notFound(`team ${team}`);
  if (taskIds.length === 0) throw invalid('no tasks', [{ at: 'tasks', reason: 'is empty' }]);
  return deps.workspace.move(taskIds, { collector, team }, actor.user, now);
}

/** A supervisor gives an account to a collector: its open tasks go to it, now and later. */
export async function assignAccount(
  deps: WorkspaceDeps,
  actor: Actor,
  accountExt: string,
  collectorId: string,
  now: Date,
): Promise<{ moved: number }> {
  supervisor(actor);
  await activeCollector(deps, collectorId);
  const moved = await deps.workspace.setOwner(accountExt, collectorId, actor.user, now);
  if (moved === null) throw notFound(`account ${accountExt}`);
  return { moved };
}

export interface NewTaskInput {
  account: string;
  dueOn?: string;
  dueAt?: string;
  assignee?: string;
  team?: string;
  reason?: string;
}

/**
 * A task added by a supervisor, a callback the customer asked for, the follow-up of a broken
 * plan (calls, set in their queue at once), or a review for staff (a plan waiting for approval,
 * a hardship or dispute stated by the customer: work, not a contact). `source` says which.
 */
export async function addTask(
  deps: WorkspaceDeps,
  actor: Actor,
  input: NewTaskInput,
  source: 'supervisor' | 'callback' | 'review' | 'broken_plan',
  today: LocalDate,
  now: Date,
  planId: number | null = null,
): Promise<number> {
  if (source === 'supervisor') supervisor(actor);
  const details: { at: string; reason: string }[] = [];
  const dueAt = input.dueAt === undefined ? null : new Date(input.dueAt);
  if (dueAt !== null && Number.isNaN(dueAt.getTime()))
    details.push({ at: 'dueAt', reason: 'is not an instant (ISO 8601)' });
  else if (dueAt !== null && dueAt.getTime() < now.getTime() - 60_000)
    details.push({ at: 'dueAt', reason: 'is in the past' });
  if (input.dueOn !== undefined && !isLocalDate(input.dueOn))
    details.push({ at: 'dueOn', reason: 'is not a date (YYYY-MM-DD)' });
  else if (input.dueOn !== undefined && input.dueOn < today)
    details.push({ at: 'dueOn', reason: 'is in the past' });
  if (input.assignee !== undefined && input.team !== undefined)
    details.push({ at: 'team', reason: 'give an assignee or a team, not both' });
  if (details.length > 0) throw invalid('the task is not valid', details);
  if (input.assignee !== undefined) await activeCollector(deps, input.assignee);
  if (input.team !== undefined && !(await deps.workspace.teams()).some((t) => t.id === input.team))
    throw notFound(`team ${input.team}`);
  const kind = source === 'review' ? 'review' : 'call';
  const id = await deps.workspace.createTask(
    {
      accountExt: input.account,
      kind,
      source,
      planId,
      queue: QUEUE_OF[source],
      // a callback's day is the customer's: the store takes it from the due time
      dueOn: (input.dueOn as LocalDate | undefined) ?? today,
      dueAt,
      assignee: input.assignee ?? null,
      team: input.team ?? null,
      reason: input.reason ?? null,
      createdBy: actor.user,
      priority: PRIORITY_OF[source],
    },
    now,
  );
  if (id === null) throw notFound(`account ${input.account}`);
  if (kind === 'call') await prepareQueues(deps, { taskIds: [id] }, now);
  return id;
}

const QUEUE_OF = {
  supervisor: 'supervisor',
  callback: 'callbacks',
  review: 'reviews',
  broken_plan: 'broken_plans',
} as const;
const PRIORITY_OF = { supervisor: 80, callback: 90, review: 70, broken_plan: 85 } as const;

/** Closes a review: what was decided, by whom (no contact is made, so no rules to check). */
export async function completeReview(
  deps: WorkspaceDeps,
  actor: Actor,
  taskId: number,
  input: { outcome: string; notes?: string | undefined },
  now: Date,
): Promise<void> {
  if (!input.outcome.trim())
    throw invalid('the review is not valid', [{ at: 'outcome', reason: 'is required' }]);
  if (
    !(await deps.workspace.completeReview(
      taskId,
      actor.user,
      input.outcome,
      input.notes ?? null,
      now,
    ))
  )
    throw new AppError('INVALID_STATE', `task ${taskId} is not an open review`);
}

/**
 * The plans' needs in the collectors' work: a plan waiting for a supervisor becomes a review; a
 * broken plan becomes a call for the collector who agreed it (or the pool), in the day's queue.
 */
export function planNotifier(
  deps: WorkspaceDeps,
  today: () => LocalDate,
  now: () => Date,
): PlanNotifier {
  const system: Actor = { user: 'plans', role: 'supervisor' };
  return {
    reviewNeeded: async (plan) => {
      await addTask(
        deps,
        system,
        {
          account: plan.account,
          reason: `the ${plan.kind} plan ${plan.id} proposed by ${plan.proposedBy} waits for a supervisor`,
        },
        'review',
        today(),
        now(),
        plan.id,
      );
    },
    planBroken: async (plans) => {
      const collectors = new Set((await deps.workspace.collectors()).map((c) => c.id));
      for (const plan of plans)
        await addTask(
          deps,
          system,
          {
            account: plan.account,
            ...(collectors.has(plan.proposedBy) ? { assignee: plan.proposedBy } : {}),
            reason: `the ${plan.kind} plan ${plan.id} was broken${plan.missedDueDate ? `: the payment due ${plan.missedDueDate} was missed` : ''}`,
          },
          'broken_plan',
          today(),
          now(),
          plan.id,
        );
    },
  };
}

/** Collectors replaced by a document: every field checked, errors naming the row. */
export async function setCollectors(
  deps: WorkspaceDeps,
  actor: Actor,
  input: { collectors: unknown[]; teams?: unknown[] },
): Promise<{ collectors: number; teams: number }> {
  supervisor(actor);
  const details: { at: string; reason: string }[] = [];
  const teams: Team[] = [];
  (input.teams ?? []).forEach((raw, i) => {
    const t = raw as Partial<Team>;
    if (typeof t.id !== 'string' || !t.id.trim())
      details.push({ at: `teams[${i}].id`, reason: 'is required' });
    else
      teams.push({
        id: t.id,
        name: typeof t.name === 'string' ? t.name : t.id,
        supervisor: t.supervisor ?? null,
      });
  });
  const known = new Set([
    ...(await deps.workspace.teams()).map((t) => t.id),
    ...teams.map((t) => t.id),
  ]);
  const collectors: Collector[] = [];
  const list = (v: unknown, at: string, dflt: string[]): string[] => {
    if (v === undefined) return dflt;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
      details.push({ at, reason: 'must be a list of strings' });
      return dflt;
    }
    return v as string[];
  };
  input.collectors.forEach((raw, i) => {
    const c = raw as Record<string, unknown>;
    const at = `collectors[${i}]`;
    if (typeof c.id !== 'string' || !/^[A-Za-z0-9_.@-]{1,64}$/.test(c.id))
      details.push({ at: `${at}.id`, reason: 'is required: letters, digits, _ . @ -' });
    const team = c.team ?? null;
    if (team !== null && (typeof team !== 'string' || !known.has(team)))
      details.push({ at: `${at}.team`, reason: `no team "${String(team)}"` });
    const capacity = c.capacity ?? 80;
    if (
      typeof capacity !== 'number' ||
      !Number.isInteger(capacity) ||
      capacity < 0 ||
      capacity > 10_000
    )
      details.push({ at: `${at}.capacity`, reason: 'must be a whole number from 0 to 10000' });
    const territory = c.territory ?? null;
    if (territory !== null && typeof territory !== 'string')
      details.push({
        at: `${at}.territory`,
        reason: 'must be a jurisdiction code (e.g. US-NY) or null',
      });
    collectors.push({
      id: String(c.id),
      name: typeof c.name === 'string' ? c.name : String(c.id),
      team: team as string | null,
      queues: list(c.queues, `${at}.queues`, ['*']),
      languages: list(c.languages, `${at}.languages`, []),
      buckets: list(c.buckets, `${at}.buckets`, []),
      skills: list(c.skills, `${at}.skills`, []),
      territory: territory as string | null,
      capacity: capacity as number,
      active: c.active === undefined ? true : c.active === true,
    });
  });
  const ids = collectors.map((c) => c.id);
  ids.forEach((id, i) => {
    if (ids.indexOf(id) !== i)
      details.push({ at: `collectors[${i}].id`, reason: `"${id}" appears twice` });
  });
  if (details.length > 0) throw invalid('the collectors are not valid', details);
  if (teams.length > 0) await deps.workspace.saveTeams(teams);
  await deps.workspace.saveCollectors(collectors);
  return { collectors: collectors.length, teams: teams.length };
}

export async function setWorkspacePolicy(
  deps: WorkspaceDeps,
  actor: Actor,
  doc: unknown,
): Promise<WorkspacePolicy> {
  supervisor(actor);
  const r = parseWorkspacePolicy(doc);
  if (!r.ok) throw invalid('the workspace policy is not valid', r.issues);
  await deps.workspace.setPolicy(r.policy);
  return r.policy;
}

export async function saveCallScript(
  deps: WorkspaceDeps,
  actor: Actor,
  s: CallScript,
  now: Date,
): Promise<void> {
  supervisor(actor);
  const errors = checkScript(s);
  if (errors.length > 0) throw invalid('the call script is not valid', errors);
  await deps.workspace.saveScript(s, now);
}
