import type { CollectorProfile } from '../../domain/workspace/assign.ts';
import type { WorkspacePolicy } from '../../domain/workspace/policy.ts';
import type { CallScript } from '../../domain/workspace/script.ts';
import type { LocalDate } from '../../domain/time/date.ts';

export interface Collector extends CollectorProfile {
  name: string;
  active: boolean;
}

export interface Team {
  id: string;
  name: string;
  supervisor: string | null;
}

/** What setting a call task in its queue needs to know (one row per open call task). */
export interface QueueFact {
  taskId: number;
  customerId: number;
  accountExt: string;
  source: TaskSource;
  queue: string;
  dueOn: LocalDate;
  assignee: string | null;
  team: string | null;
  skill: string | null;
  segmentId: string | null;
  bucket: string | null;
  language: string;
  timezone: string;
  jurisdiction: string;
  /** Overdue amount, or the next instalment on an account not past due (minor units). */
  amountAtRisk: number;
  /** The collection score's probability of no cure or payment, null when unscored. */
  noPaymentProbability: number | null;
  unansweredAttempts: number;
  owner: string | null;
}

export interface QueueUpdate {
  taskId: number;
  value: number;
  amountAtRisk: number;
  payProbability: number;
  effortMinutes: number;
  callableFrom: Date | null;
  callableTo: Date | null;
  notBefore: Date | null;
  segmentId: string | null;
  bucket: string | null;
  language: string;
  territory: string;
  /** Set to give the task to a collector (only if it has none yet). */
  assignee: string | null;
  /** Set when the rules stop the contact today: the task is blocked with why. */
  blocked: string | null;
}

export const TASK_SOURCES = [
  'strategy',
  'broken_promise',
  'broken_plan',
  'callback',
  'supervisor',
  'review',
] as const;
export type TaskSource = (typeof TASK_SOURCES)[number];

/** A call task as the desk shows it: the task, the account's standing, the customer. */
export interface DeskTask {
  id: number;
  source: TaskSource;
  queue: string;
  state: string;
  dueOn: LocalDate;
  dueAt: Date | null;
  value: number;
  amountAtRisk: number | null;
  payProbability: number | null;
  reason: string | null;
  lockedUntil: Date | null;
  assignee: string | null;
  segmentId: string | null;
  account: {
    id: string;
    product: string;
    currency: string;
    outstanding: number | null;
    arrears: number | null;
    pastDueDays: number | null;
    bucket: string | null;
  };
  customer: {
    id: string;
    name: string;
    phone: string | null;
    language: string;
    timezone: string;
    jurisdiction: string;
  };
}

export interface NewTask {
  accountExt: string;
  kind: 'call' | 'review';
  source: TaskSource;
  planId: number | null;
  queue: string;
  dueOn: LocalDate;
  dueAt: Date | null;
  assignee: string | null;
  team: string | null;
  reason: string | null;
  createdBy: string;
  priority: number;
}

export interface TaskEvent {
  taskId: number;
  at: Date;
  actor: string;
  action: string;
  detail: Record<string, unknown> | null;
}

export interface QueueSummaryRow {
  queue: string;
  assignee: string | null;
  state: string;
  tasks: number;
  value: number;
}

export interface WorkspaceStore {
  policy(): Promise<WorkspacePolicy>;
  setPolicy(p: WorkspacePolicy): Promise<void>;
  collectors(): Promise<Collector[]>;
  saveCollectors(cs: readonly Collector[]): Promise<void>;
  teams(): Promise<Team[]>;
  saveTeams(ts: readonly Team[]): Promise<void>;
  /** Facts of the open call tasks due on `day` (or of the given tasks), with the attempts since. */
  queueFacts(f: { day: LocalDate } | { taskIds: number[] }, since: Date): Promise<QueueFact[]>;
  /** Tasks each collector holds for `day` (assigned, started or done). */
  loads(day: LocalDate): Promise<Map<string, number>>;
  applyQueue(rows: readonly QueueUpdate[], at: Date): Promise<void>;
  /**
   * The task the collector holds (given by "next account", not yet expired or worked), or else
   * the best task it may take now, locked until `until`: its own first, then the shared pool.
   * Null when there is none.
   */
  claim(
    c: Collector,
    now: Date,
    day: LocalDate,
    until: Date,
    callbackLead: number,
  ): Promise<{ task: DeskTask; held: boolean } | null>;
  /** Releases a task its collector holds; with `notBefore`, it is not offered again before. */
  release(
    taskId: number,
    collector: string,
    now: Date,
    notBefore: Date | null,
    reason: string | null,
  ): Promise<boolean>;
  /** Moves open tasks to a collector or a team's pool (by a supervisor). */
  move(
    taskIds: number[],
    to: { collector: string | null; team: string | null },
    by: string,
    now: Date,
  ): Promise<number>;
  /** Gives an account to a collector: its open tasks move with it. */
  setOwner(accountExt: string, collector: string, by: string, now: Date): Promise<number | null>;
  /** A new task (for a plan, at most one of each source: the existing one's id). */
  createTask(t: NewTask, now: Date): Promise<number | null>;
  /** Closes an open review task; false when it is not one. */
  completeReview(
    taskId: number,
    by: string,
    outcome: string,
    notes: string | null,
    now: Date,
  ): Promise<boolean>;
  events(taskId: number): Promise<TaskEvent[]>;
  scripts(): Promise<CallScript[]>;
  saveScript(s: CallScript, at: Date): Promise<void>;
  summary(day: LocalDate): Promise<QueueSummaryRow[]>;
  desk(taskId: number): Promise<DeskTask | null>;
}
