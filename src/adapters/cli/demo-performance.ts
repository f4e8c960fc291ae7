/**
 * The demo desk's performance setup: an assessment scheme and incentive rules in US dollars (the
 * currency most of the desk collects; one currency per scheme), targets for the
 * teams and collectors this month and last, a complaint or two, training courses and who
 * completed them. collector-1 (the demo collector) is trained; collector-2's compliance course
 * is about to expire (still taking calls); collector-3's expired twenty days ago, so it gets no
 * calls until renewed. Run on every start: only what is missing is added.
 */
import { setRules } from '../../app/incentives/incentives.ts';
import { recordComplaint, setScheme, setTargets } from '../../app/performance/performance.ts';
import { recordCompletion, saveCourse } from '../../app/training/training.ts';
import { EXAMPLE_SCHEME, type Targets } from '../../domain/performance/assessment.ts';
import { periodOf, periodRange, shiftPeriod } from '../../domain/performance/period.ts';
import { addDays, addMonths } from '../../domain/time/date.ts';
import type { IncentiveRules } from '../../domain/incentives/statement.ts';
import { performanceDeps, trainingDeps, type Platform } from '../platform.ts';
import { RULES_KEY, SCHEME_KEY } from '../storage/performance-store.ts';
import { readSetting } from '../storage/settings.ts';

const BY = 'recoup';

export const DEMO_RULES: IncentiveRules = {
  currency: 'USD',
  commission: [
    { bucket: 'current', tiers: [{ upTo: null, rateBp: 50 }] },
    {
      bucket: 'M1',
      tiers: [
        { upTo: 500_000, rateBp: 100 },
        { upTo: null, rateBp: 150 },
      ],
    },
    { bucket: 'M2', tiers: [{ upTo: null, rateBp: 200 }] },
    { bucket: 'M3', tiers: [{ upTo: null, rateBp: 250 }] },
    ...['M4', 'M5', 'M6'].map((bucket) => ({ bucket, tiers: [{ upTo: null, rateBp: 300 }] })),
    { bucket: 'M7+', tiers: [{ upTo: null, rateBp: 400 }] },
  ],
  bonus: { basis: 'grade', amounts: { A: 20_000, B: 10_000, C: 5_000 } },
  deductions: { perBreach: 5_000, capBp: 2_500 },
};

const COLLECTOR_TARGETS: Targets = {
  contactRate: 0.25,
  keptRate: 0.5,
  cureRate: 0.1,
  collected: 800_000,
  complaints: 1,
};

export const DEMO_COURSES = [
  {
    id: 'collections-compliance',
    title: 'Fair collection practices and the contact rules',
    compliance: true,
    validityMonths: 12,
  },
  { id: 'data-privacy', title: 'Personal data protection', compliance: true, validityMonths: 24 },
  {
    id: 'negotiation',
    title: 'Negotiating payment plans',
    compliance: false,
    validityMonths: null,
  },
];

export async function seedDemoPerformance(p: Platform): Promise<void> {
  const deps = performanceDeps(p);
  const collectors = await p.performance.collectors();
  if (!collectors.some((c) => c.id === 'collector-1')) return;
  const today = p.today();
  const now = p.clock.now();
  if ((await readSetting(p.db, SCHEME_KEY)) === undefined)
    await setScheme(deps, { ...EXAMPLE_SCHEME, currency: DEMO_RULES.currency });
  if ((await readSetting(p.db, RULES_KEY)) === undefined) await setRules(deps, DEMO_RULES);

  const current = periodOf(today);
  const previous = shiftPeriod(current, -1);
  const teams = await p.performance.teams();
  for (const period of [previous, current]) {
    const stored = await p.performance.targets(period);
    if (Object.keys(stored.collectors).length + Object.keys(stored.teams).length > 0) continue;
    const members = (team: string) => collectors.filter((c) => c.team === team).length;
    await setTargets(
      deps,
      period,
      {
        collectors: Object.fromEntries(
          collectors.map((c) => [
            c.id,
            // the English desk's first collector is asked for more
            c.id === 'collector-1'
              ? { ...COLLECTOR_TARGETS, collected: 1_000_000 }
              : COLLECTOR_TARGETS,
          ]),
        ),
        teams: Object.fromEntries(
          teams.map((t) => [
            t.id,
            { ...COLLECTOR_TARGETS, collected: 800_000 * members(t.id), complaints: 2 },
          ]),
        ),
      },
      BY,
      now,
    );
  }
  const last = periodRange(previous);
  if ((await p.performance.complaints(last.from, last.to)).length === 0) {
    await recordComplaint(
      deps,
      {
        collector: 'collector-2',
        receivedOn: addDays(last.from, 9),
        summary: 'called the customer at work after being asked not to',
        breach: true,
      },
      BY,
      today,
      now,
    );
    await recordComplaint(
      deps,
      {
        collector: 'collector-4',
        receivedOn: addDays(last.from, 14),
        summary: 'the customer found the tone of the call pressing',
      },
      BY,
      today,
      now,
    );
  }

  const training = trainingDeps(p);
  const known = new Set((await p.training.courses()).map((c) => c.id));
  for (const c of DEMO_COURSES) if (!known.has(c.id)) await saveCourse(training, c, BY, now);
  const done = new Set(
    (await p.training.completions(today)).map((c) => `${c.collectorId}/${c.courseId}`),
  );
  const yearAgo = addMonths(today, -12);
  const completions: [string, string, string][] = [
    ['collector-1', 'collections-compliance', addDays(today, -100)],
    ['collector-1', 'data-privacy', addDays(today, -200)],
    ['collector-1', 'negotiation', addDays(today, -300)],
    // expires in about three weeks: still taking calls
    ['collector-2', 'collections-compliance', addDays(yearAgo, 21)],
    ['collector-2', 'data-privacy', addDays(today, -200)],
    // expired twenty days ago: no calls until renewed
    ['collector-3', 'collections-compliance', addDays(yearAgo, -21)],
    ['collector-3', 'data-privacy', addDays(today, -200)],
    ['collector-4', 'collections-compliance', addDays(today, -150)],
    ['collector-4', 'data-privacy', addDays(today, -150)],
    ['collector-5', 'collections-compliance', addDays(today, -120)],
    ['collector-5', 'data-privacy', addDays(today, -120)],
    ['collector-5', 'negotiation', addDays(today, -120)],
  ];
  for (const [collector, course, completedOn] of completions) {
    if (done.has(`${collector}/${course}`) || !collectors.some((c) => c.id === collector)) continue;
    await recordCompletion(training, { collector, course, completedOn }, BY, today, now);
  }
}
