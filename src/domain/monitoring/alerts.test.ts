import { describe, expect, it } from 'vitest';
import { evaluateRules, metricValue, parseAlertRule, type MonitoringSnapshot } from './alerts.ts';
import type { PairCount } from './rolls.ts';

const KNOWN = {
  buckets: ['current', 'M1', 'M2', 'M3'],
  products: ['loan', 'card'],
  channels: ['sms', 'phone'],
};
const isCurrent = (_p: string, b: string) => b === 'current';
const pair = (product: string, from: string, to: string, accounts: number): PairCount => ({
  start: '2025-01-31',
  end: '2025-02-10',
  product,
  currency: 'USD',
  from,
  to,
  accounts,
  balanceMinor: 100 * accounts,
});

// Loans: 8 in M1 at 31 Jan, 2 of them in M2 on 10 Feb, 1 current; cards: 2 in M1, both in M2.
const SNAP: MonitoringSnapshot = {
  asOf: '2025-02-10',
  pairs: [
    pair('loan', 'M1', 'M2', 2),
    pair('loan', 'M1', 'current', 1),
    pair('loan', 'M1', 'M1', 5),
    pair('card', 'M1', 'M2', 2),
    pair('loan', 'current', 'current', 30),
  ],
  states: [
    { product: 'loan', bucket: 'current', accounts: 31 },
    { product: 'loan', bucket: 'M1', accounts: 5 },
    { product: 'loan', bucket: 'M2', accounts: 4 },
  ],
  blocks: [
    { channel: 'sms', blocks: 3 },
    { channel: 'phone', blocks: 1 },
  ],
  deliveries: [{ channel: 'sms', sent: 10, delivered: 9 }],
};

const rule = (doc: Record<string, unknown>) => {
  const r = parseAlertRule({ name: 'r', comparator: '>', threshold: 0.2, ...doc }, KNOWN);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.rule;
};

describe('alert rules', () => {
  it('computes each metric in its scope', () => {
    const v = (doc: Record<string, unknown>) => metricValue(rule(doc), SNAP, isCurrent);
    // 4 of 10 in M1 rolled to M2; loans alone 2 of 8
    expect(v({ metric: 'roll_rate', scope: { from: 'M1', to: 'M2' } })).toEqual({
      value: 0.4,
      base: 10,
    });
    expect(v({ metric: 'roll_rate', scope: { from: 'M1', to: 'M2', product: 'loan' } })).toEqual({
      value: 0.25,
      base: 8,
    });
    expect(v({ metric: 'cure_rate', scope: {} })).toEqual({ value: 0.1, base: 10 });
    expect(v({ metric: 'delinquency_rate', scope: { product: 'loan' } })).toEqual({
      value: 9 / 40,
      base: 40,
    });
    expect(v({ metric: 'compliance_blocks', threshold: 2, scope: {} })).toEqual({
      value: 4,
      base: 4,
    });
    expect(v({ metric: 'delivery_rate', scope: { channel: 'sms' } })).toEqual({
      value: 0.9,
      base: 10,
    });
    expect(v({ metric: 'roll_rate', scope: { from: 'M3', to: 'M2' } })).toEqual({
      value: null,
      base: 0,
    });
  });

  it('fires a rule past its threshold on a large enough base, once a day', () => {
    const rules = [
      { id: 1, ...rule({ name: 'M1→M2', metric: 'roll_rate', scope: { from: 'M1', to: 'M2' } }) },
      { id: 2, ...rule({ metric: 'roll_rate', scope: { from: 'M1', to: 'M2' }, threshold: 0.4 }) },
      {
        id: 3,
        ...rule({
          metric: 'roll_rate',
          scope: { from: 'M1', to: 'M2' },
          comparator: '>=',
          threshold: 0.4,
        }),
      },
      { id: 4, ...rule({ metric: 'roll_rate', scope: { from: 'M1', to: 'M2' }, minBase: 11 }) },
      { id: 5, ...rule({ metric: 'cure_rate', comparator: '<', threshold: 0.15 }) },
    ];
    const fired = evaluateRules(rules, SNAP, isCurrent);
    expect(fired.map((f) => f.ruleId)).toEqual([1, 3, 5]);
    expect(fired[0]!.message).toBe(
      'M1→M2: roll rate 40.0 % is above 20.0 % (M1, M2, base 10) on 2025-02-10',
    );
    expect(evaluateRules(rules, SNAP, isCurrent, new Set([1, 5])).map((f) => f.ruleId)).toEqual([
      3,
    ]);
  });

  it('names each wrong field', () => {
    const r = parseAlertRule(
      {
        metric: 'roll_rate',
        comparator: '=',
        threshold: 20,
        minBase: 0,
        scope: { from: 'M9', channel: 'sms' },
      },
      KNOWN,
    );
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.issues.map((i) => i.at)).toEqual([
        'name',
        'comparator',
        'threshold',
        'minBase',
        'scope.from',
        'scope.channel',
        'scope.to',
      ]);
    const bad = parseAlertRule(
      { name: 'x', metric: 'speed', comparator: '>', threshold: 1 },
      KNOWN,
    );
    expect(bad.ok).toBe(false);
  });
});
