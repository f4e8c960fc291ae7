/**
 * A day of contacts for the customer-file tests: a strategy that texts and calls accounts in M1,
 * the day's dispatches prepared and sent through the sandbox's SMS, and a customer's call done
 * by a collector with a promise to pay and notes.
 */
import { SandboxProvider } from '../../src/adapters/channels/sandbox.ts';
import type { Platform } from '../../src/adapters/platform.ts';
import {
  prepareDay,
  processAllShards,
  type DispatchDeps,
} from '../../src/app/dispatch/dispatcher.ts';
import { recordOutcome, startTask } from '../../src/app/dispatch/tasks.ts';
import { publishSource } from '../../src/app/strategy/strategies.ts';

export const TEXT_AND_CALL = `
id: default
name: Test policy
segments:
  - id: m1
    stage: overdue
    when: account.bucket == "M1"
    steps:
      - { id: notice, offset: 0, channel: sms, template: overdue_notice_1 }
      - { id: call, offset: 0, channel: phone, template: pre_due_courtesy_call, priority: 60 }
`;

export const publishTextAndCall = (p: Platform) =>
  publishSource(p.strategies, TEXT_AND_CALL, {
    by: 'test',
    reason: 'test',
    effectiveFrom: '2026-02-01',
  });

/** The dispatch worker's dependencies, with texts sent through the sandbox. */
export const sandboxDispatch = (p: Platform): DispatchDeps => ({
  store: p.dispatch,
  queue: p.jobs,
  providers: { sms: new SandboxProvider('sms') },
  settings: { companyName: 'Lender', publicUrl: 'https://pay.example' },
  actor: 'test',
});

/** Prepares `day`'s dispatches at 04:00 UTC and sends them at 15:00 UTC. */
export async function sendDay(deps: DispatchDeps, day: string): Promise<void> {
  await prepareDay(deps, day, new Date(`${day}T04:00:00Z`));
  await processAllShards(deps, {
    now: () => new Date(`${day}T15:00:00Z`),
    token: (s) => `t:${s}`,
  });
}

/** The customer's call task, started by collector-1 at 16:00 UTC of `day`, done at 16:05. */
export async function callWithPromise(
  p: Platform,
  customer: string,
  notes: string,
  day: string,
): Promise<void> {
  const task = await p.db.query<{ id: number }>(
    `SELECT t.id FROM tasks t JOIN customers c ON c.id = t.customer_id WHERE c.external_id = $1`,
    [customer],
  );
  const id = Number(task.rows[0]!.id);
  const taskDeps = { tasks: p.tasks, dispatch: p.dispatch };
  await startTask(taskDeps, id, 'collector-1', new Date(`${day}T16:00:00Z`));
  await recordOutcome(
    taskDeps,
    id,
    { outcome: 'promise_to_pay', notes, by: 'collector-1' },
    new Date(`${day}T16:05:00Z`),
  );
}
