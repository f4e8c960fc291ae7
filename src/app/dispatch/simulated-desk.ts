/**
 * The collectors and field agents of a simulated day (the demo's history and the audit's
 * 180-day run): each works the day's tasks at a random time of its working day, through the
 * same use cases as a person at the desk, so every call is checked by the compliance engine
 * when it is started and its outcome is counted by the rules from then on. Outcomes are drawn
 * from a seeded generator: the same seed gives the same day.
 */
import { instantAtLocal } from '../../domain/dispatch/lifecycle.ts';
import { Random } from '../../domain/portfolio/random.ts';
import { addDays, type LocalDate } from '../../domain/time/date.ts';
import { formatMinor } from '../../domain/money/currency.ts';
import type { TaskRow } from './ports.ts';
import { planFieldVisits, recordOutcome, startTask, type TaskDeps } from './tasks.ts';

/** Shares of call outcomes, from the demo's behaviour model (docs/channels.md). */
const CALL_OUTCOMES: readonly [string, number][] = [
  ['no_answer', 0.38],
  ['busy', 0.1],
  ['voicemail', 0.15],
  ['not_in_service', 0.03],
  ['wrong_number', 0.02],
  ['conversation', 0.2],
  ['promise_to_pay', 0.08],
  ['refused', 0.02],
  ['hardship', 0.01],
  ['dispute', 0.01],
];

function draw(rng: Random, table: readonly [string, number][]): string {
  let x = rng.next();
  for (const [v, w] of table) {
    if ((x -= w) < 0) return v;
  }
  return table[table.length - 1]![0];
}

export interface DeskOptions {
  /** Calls the team makes in a day, highest priority first. */
  callsPerDay: number;
  seed: string | number;
}

export async function simulateDesk(
  deps: TaskDeps,
  day: LocalDate,
  o: DeskOptions,
): Promise<{ calls: number; refused: number; visits: number }> {
  const rng = new Random(`${o.seed}/${day}`);
  const open: TaskRow[] = [];
  for (let afterId = 0; ;) {
    const page = await deps.tasks.tasks({
      kind: 'call',
      state: 'open',
      dueOn: day,
      limit: 5_000,
      afterId,
    });
    if (page.length === 0) break;
    afterId = page[page.length - 1]!.id;
    open.push(...page);
  }
  open.sort((a, b) => b.priority - a.priority || a.id - b.id);
  // Each call at a random minute between 08:30 and 20:45 local: some are refused by the rules.
  const calls = open
    .slice(0, o.callsPerDay)
    .map((t) => ({
      t,
      at: instantAtLocal(day, 8 * 60 + 30 + rng.int(0, 12 * 60 + 15), t.timezone),
    }))
    .sort((a, b) => a.at.getTime() - b.at.getTime() || a.t.id - b.t.id);
  let made = 0;
  let refused = 0;
  for (const { t, at } of calls) {
    const collector = `collector-${(t.id % 5) + 1}`;
    const s = await startTask(deps, t.id, collector, at);
    if (s.decision.decision === 'DENY') {
      refused++;
      continue;
    }
    const outcome = draw(rng, CALL_OUTCOMES);
    // a promise: the arrears (or what is owed) within the next 1 to 10 days
    const acc =
      outcome === 'promise_to_pay' && deps.promises
        ? await deps.promises.account(t.accountExt)
        : null;
    const owed = acc ? acc.arrearsMinor || acc.outstandingMinor || 0 : 0;
    const promise =
      acc && owed > 0 && !acc.hasOpenPromise
        ? { amount: formatMinor(owed, acc.currency), promisedFor: addDays(day, rng.int(1, 10)) }
        : undefined;
    await recordOutcome(
      deps,
      t.id,
      { outcome, by: collector, ...(promise ? { promise } : {}) },
      new Date(at.getTime() + rng.int(1, 8) * 60_000),
    );
    made++;
  }
  // The field team: the day's visits assigned and routed, each made at its planned arrival.
  const plan = await planFieldVisits(deps, day, instantAtLocal(day, 7 * 60, 'UTC'));
  let visits = 0;
  for (const agent of plan.agents) {
    for (const stop of agent.route.stops) {
      const task = await deps.tasks.task(Number(stop.id));
      if (!task) continue;
      const at = instantAtLocal(day, Math.round(stop.arrive), task.timezone);
      const s = await startTask(deps, task.id, agent.agentId, at);
      if (s.decision.decision === 'DENY') continue;
      await recordOutcome(
        deps,
        task.id,
        {
          outcome: rng.chance(0.6) ? 'visited' : 'not_home',
          by: agent.agentId,
          latitude: stop.lat,
          longitude: stop.lon,
        },
        new Date(at.getTime() + 20 * 60_000),
      );
      visits++;
    }
  }
  return { calls: made, refused, visits };
}
