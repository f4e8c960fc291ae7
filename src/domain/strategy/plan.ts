/**
 * Today's treatment for one account under a strategy version: which segment it is in, since
 * when, and which steps fall due today. Pure: the facts, the previous assignment and the date
 * come in as arguments.
 *
 * - An account leaves its path when it is paid up, under a hold, or has an open promise to pay.
 * - Otherwise it is in the first segment whose condition holds. It (re-)enters that segment on
 *   the first day it matches, when its bucket changes, and when a promise was broken today.
 * - Overdue steps fall due `offset` days after entry; pre-due steps `offset` days from the next
 *   due date (-5: five days before).
 * - A step whose `skip_if` holds is recorded as skipped rather than planned.
 */
import { diffDays, type LocalDate } from '../time/date.ts';
import type { Channel, OnFail } from './document.ts';
import { toCel, type AccountFacts } from './facts.ts';
import type { CompiledStrategy } from './validate.ts';

export interface Assignment {
  segmentId: string;
  /** The bucket the account had when it entered; a change re-enters it. */
  bucket: string;
  enteredOn: LocalDate;
}

export interface Exits {
  paidUp: boolean;
  onHold: boolean;
  openPromise: boolean;
  /** An active repayment plan: the path waits as for a promise. */
  openPlan: boolean;
  /** A promise not kept, or a plan broken, today: the account re-enters its path. */
  promiseBrokenToday: boolean;
}

export interface PlanInput {
  accountId: string;
  today: LocalDate;
  facts: AccountFacts;
  nextDueDate: LocalDate | null;
  previous: Assignment | null;
  exits: Exits;
}

export type ExitReason = 'paid_up' | 'hold' | 'promise' | 'plan' | 'no_segment';

export interface PlannedAction {
  /** strategy version / account / segment / step / date: one action per step and day. */
  idempotencyKey: string;
  accountId: string;
  segmentId: string;
  stepId: string;
  channel: Channel;
  template: string;
  priority: number;
  onFail: OnFail;
  status: 'planned' | 'skipped';
  reason: string | null;
}

export interface PlanResult {
  assignment: Assignment | null;
  exitReason: ExitReason | null;
  /** True when the account entered (or re-entered) its segment today. */
  entered: boolean;
  actions: PlannedAction[];
}

function exitReason(e: Exits): ExitReason | null {
  if (e.paidUp) return 'paid_up';
  if (e.onHold) return 'hold';
  if (e.openPromise) return 'promise';
  if (e.openPlan) return 'plan';
  return null;
}

export function planAccount(
  strategy: CompiledStrategy,
  version: string,
  input: PlanInput,
): PlanResult {
  const exit = exitReason(input.exits);
  if (exit) return { assignment: null, exitReason: exit, entered: false, actions: [] };
  const context = toCel(input.facts);
  const segment = strategy.segments.find((s) => s.matches(context));
  if (!segment) return { assignment: null, exitReason: 'no_segment', entered: false, actions: [] };

  const bucket = input.facts.account.bucket;
  const prev = input.previous;
  const entered =
    prev === null ||
    prev.segmentId !== segment.id ||
    prev.bucket !== bucket ||
    input.exits.promiseBrokenToday;
  const assignment: Assignment = {
    segmentId: segment.id,
    bucket,
    enteredOn: entered || prev === null ? input.today : prev.enteredOn,
  };

  let day: number | null;
  if (segment.stage === 'overdue') day = diffDays(input.today, assignment.enteredOn);
  else day = input.nextDueDate === null ? null : diffDays(input.today, input.nextDueDate);

  const actions: PlannedAction[] = [];
  if (day !== null) {
    for (const step of segment.steps) {
      if (step.offset !== day) continue;
      const skipped = step.skipIf !== null && step.skipIf(context);
      actions.push({
        idempotencyKey: `${version}/${input.accountId}/${segment.id}/${step.id}/${input.today}`,
        accountId: input.accountId,
        segmentId: segment.id,
        stepId: step.id,
        channel: step.channel,
        template: step.template,
        priority: step.priority,
        onFail: step.onFail,
        status: skipped ? 'skipped' : 'planned',
        reason: skipped ? `skip_if: ${step.skip_if}` : null,
      });
    }
  }
  return { assignment, exitReason: null, entered, actions };
}
