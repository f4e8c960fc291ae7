/** The demo's alert rules, so that the console's monitoring has something to show. */
import { addAlertRule } from '../../app/monitoring/monitoring.ts';
import type { Platform } from '../platform.ts';

const DEMO_RULES = [
  {
    key: 'demo.m1-m2',
    rule: {
      name: 'M1 to M2 roll rate above 20 %',
      metric: 'roll_rate',
      scope: { from: 'M1', to: 'M2' },
      comparator: '>',
      threshold: 0.2,
      minBase: 50,
    },
  },
  {
    key: 'demo.cure-m1',
    rule: {
      name: 'M1 cure rate below 10 %',
      metric: 'cure_rate',
      scope: { bucket: 'M1' },
      comparator: '<',
      threshold: 0.1,
      minBase: 50,
    },
  },
] as const;

/** Adds the demo's rules once (a rule already seeded, or removed since, is not added again). */
export async function seedDemoAlertRules(p: Platform): Promise<void> {
  const deps = {
    monitoring: p.monitoring,
    policies: p.policies,
    clock: p.clock,
    timezone: p.timezone,
  };
  for (const { key, rule } of DEMO_RULES) await addAlertRule(deps, rule, 'recoup', key);
}
