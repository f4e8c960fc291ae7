import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateCustomers } from '../portfolio/generator.ts';
import { parseStrategy, type CompiledStrategy } from '../strategy/validate.ts';
import { simulate } from './simulate.ts';

function compile(text: string): CompiledStrategy {
  const r = parseStrategy(text);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.strategy;
}

const DEFAULT = compile(readFileSync('strategies/default.yaml', 'utf8'));
const NOTHING = compile(
  'id: nothing\nname: Do nothing\nsegments:\n  - { id: all, stage: overdue, when: "true", steps: [] }\n',
);
const records = [...generateCustomers({ accounts: 1500, seed: 21, asOf: '2026-03-31' })];
const options = {
  start: '2026-03-31',
  days: 90,
  seed: 4,
  capacity: { phonePerDay: 15, fieldVisitsPerDay: 2 },
};

describe('simulation', () => {
  const report = simulate(
    records,
    [
      { name: 'nothing', strategy: NOTHING },
      { name: 'default', strategy: DEFAULT },
    ],
    options,
  );
  const [nothing, standard] = report.results;

  it('is deterministic for a seed', () => {
    const again = simulate(
      records,
      [
        { name: 'nothing', strategy: NOTHING },
        { name: 'default', strategy: DEFAULT },
      ],
      options,
    );
    expect(again).toEqual(report);
  });

  it('runs both strategies on the same customers', () => {
    expect(nothing!.accounts).toBe(standard!.accounts);
    expect(nothing!.delinquentAtStart).toBe(standard!.delinquentAtStart);
    expect(nothing!.delinquentAtStart).toBeGreaterThan(100);
  });

  it('contacts nobody under a strategy without steps, and collects more with the default policy', () => {
    expect(nothing!.actions).toEqual({});
    expect(nothing!.cost).toBe(0);
    expect(Object.values(standard!.actions).reduce((a, b) => a + b, 0)).toBeGreaterThan(1000);
    expect(standard!.promises).toBeGreaterThan(0);
    expect(standard!.recoveryRate!).toBeGreaterThan(nothing!.recoveryRate!);
    expect(standard!.cured).toBeGreaterThanOrEqual(nothing!.cured);
  });

  it('compares each strategy with the first, with intervals', () => {
    expect(nothing!.vsFirst).toBeNull();
    const vs = standard!.vsFirst!;
    expect(vs.cureDifference).toBeCloseTo(standard!.cureRate! - nothing!.cureRate!, 12);
    expect(vs.cureCi[0]).toBeLessThanOrEqual(vs.cureDifference);
    expect(vs.recoveryCi![1]).toBeGreaterThanOrEqual(vs.recoveryDifference!);
  });

  it('carries out no calls or visits beyond capacity', () => {
    const r = simulate(records, [{ name: 'default', strategy: DEFAULT }], {
      ...options,
      capacity: { phonePerDay: 0, fieldVisitsPerDay: 0 },
    });
    expect(r.results[0]!.actions.phone).toBeUndefined();
    expect(r.results[0]!.overCapacity.phone).toBeGreaterThan(0);
    expect(r.results[0]!.promises).toBe(0);
  });

  it("applies the compliance rules of each customer's jurisdiction to the contacts it plans", () => {
    const daily = compile(`
id: daily
name: Call every day
segments:
  - id: late
    stage: overdue
    when: account.bucket != "current"
    steps:
${[0, 1, 2, 3, 4, 5, 6].map((d) => `      - { id: call${d}, offset: ${d}, channel: phone, template: call }`).join('\n')}
`);
    const r = simulate(records, [{ name: 'daily', strategy: daily }], {
      ...options,
      capacity: { phonePerDay: 10_000, fieldVisitsPerDay: 0 },
    });
    const blocked = r.results[0]!.complianceBlocked;
    // After a conversation, Regulation F allows no call about the debt for 7 days; China's and
    // the FCA's rules allow a daily call.
    expect(blocked['US-REG-F.7-days-after-conversation']).toBeGreaterThan(0);
    expect(Object.keys(blocked).every((rule) => rule.startsWith('US-REG-F.'))).toBe(true);
    expect(standard!.complianceBlocked).toEqual(expect.any(Object));
  });
});

describe('simulation by segment and step', () => {
  const small = records.slice(0, 400);
  const r = simulate(small, [{ name: 'default', strategy: DEFAULT }], {
    ...options,
    days: 30,
  }).results[0]!;

  it('counts the actions carried out by step, adding up to the actions by channel', () => {
    const steps = new Map(
      DEFAULT.doc.segments.flatMap((s) => s.steps.map((st) => [`${s.id}/${st.id}`, st.channel])),
    );
    const byChannel: Record<string, number> = {};
    for (const [key, n] of Object.entries(r.stepActions)) {
      expect(steps.has(key)).toBe(true);
      byChannel[steps.get(key)!] = (byChannel[steps.get(key)!] ?? 0) + n;
    }
    expect(byChannel).toEqual(r.actions);
  });

  it('counts entries into the segments of the strategy', () => {
    const ids = new Set(DEFAULT.doc.segments.map((s) => s.id));
    expect(Object.keys(r.entries).length).toBeGreaterThan(1);
    for (const id of Object.keys(r.entries)) expect(ids.has(id)).toBe(true);
  });
});
