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
import { planFieldVisits, recordOutcome, startTask, type TaskDeps } from './tasks.ts';
import { nextTask, releaseTask } from '../workspace/workspace.ts';
import type { Collector, Team } from '../workspace/ports.ts';

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

/** The demo's desk: two teams of collectors, English and Chinese, with a supervisor each. */
export const DEMO_TEAMS: readonly Team[] = [
  { id: 'desk-en', name: 'English desk', supervisor: 'supervisor-1' },
  { id: 'desk-zh', name: '中文组', supervisor: 'supervisor-2' },
];

export const DEMO_COLLECTORS: readonly Collector[] = [1, 2, 3, 4, 5].map((n) => ({
  id: `collector-${n}`,
  name: `Collector ${n}`,
  team: n <= 3 ? 'desk-en' : 'desk-zh',
  queues: ['*'],
  languages: n <= 3 ? ['en'] : ['zh', 'en'],
  buckets: [],
  skills: [],
  territory: null,
  capacity: 60,
  active: true,
}));

export async function simulateDesk(
  deps: TaskDeps,
  day: LocalDate,
  o: DeskOptions,
  /** The business time zone the collectors work in. */
  zone = 'UTC',
): Promise<{ calls: number; refused: number; visits: number }> {
  const rng = new Random(`${o.seed}/${day}`);
  const ws = deps.workspace;
  const working = ws ? (await ws.workspace.collectors()).filter((c) => c.active) : [];
  // those whose compliance training has expired take no calls
  const untrained =
    ws?.callBlocks && working.length > 0
      ? await ws.callBlocks(
          working.map((c) => c.id),
          day,
        )
      : new Map<string, string>();
  const team = working.filter((c) => !untrained.has(c.id));
  // Each call at a random minute between 08:30 and 20:45 of the business day, by the team in
  // turn; each collector asks for its next account then, as a person at the desk would.
  const slots = Array.from({ length: team.length > 0 ? o.callsPerDay : 0 }, (_, k) => ({
    collector: team[k % team.length]!.id,
    at: instantAtLocal(day, 8 * 60 + 30 + rng.int(0, 12 * 60 + 15), zone),
  })).sort((a, b) => a.at.getTime() - b.at.getTime() || a.collector.localeCompare(b.collector));
  let made = 0;
  let refused = 0;
  for (const { collector, at } of slots) {
    const next = await nextTask(ws!, collector, day, at);
    const t = next.task;
    if (!t) continue;
    const s = await startTask(deps, t.id, collector, at);
    if (s.decision.decision === 'DENY') {
      refused++;
      await releaseTask(
        ws!,
        t.id,
        collector,
        { defer: true, reason: 'the rules refused the call' },
        at,
      );
      continue;
    }
    const outcome = draw(rng, CALL_OUTCOMES);
    // a promise: the arrears (or what is owed) within the next 1 to 10 days
    const acc =
      outcome === 'promise_to_pay' && deps.promises
        ? await deps.promises.account(t.account.id)
        : null;
    const owed = acc ? acc.arrearsMinor || acc.outstandingMinor || 0 : 0;
    const promise =
      acc && owed > 0 && !acc.hasOpenPromise
        ? { amount: formatMinor(owed, acc.currency), promisedFor: addDays(day, rng.int(1, 10)) }
        : undefined;
    const doneAt = new Date(at.getTime() + rng.int(1, 8) * 60_000);
    // one conversation in five ends with the customer asking to be called back in 2 to 26 hours
    const callbackAt =
      outcome === 'conversation' && rng.chance(0.2)
        ? new Date(doneAt.getTime() + rng.int(2, 26) * 3_600_000).toISOString()
        : undefined;
    await recordOutcome(
      deps,
      t.id,
      {
        outcome,
        by: collector,
        ...(promise ? { promise } : {}),
        ...(callbackAt ? { callbackAt } : {}),
      },
      doneAt,
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
