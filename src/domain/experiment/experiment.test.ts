import { describe, expect, it } from 'vitest';
import { armFor, hash32, validateExperiment, type ExperimentDoc } from './experiment.ts';

const doc: ExperimentDoc = {
  id: 'm1-calls-first',
  name: 'Call M1 on day 1',
  population: 'account.bucket == "M1"',
  arms: [
    { name: 'champion', strategyId: 'default', version: 1, share: 80 },
    { name: 'early_call', strategyId: 'default', version: 2, share: 20 },
  ],
};

describe('experiments', () => {
  it('accepts a valid experiment', () => {
    expect(validateExperiment(doc)).toEqual([]);
  });

  it.each([
    [{ ...doc, population: 'account.bucket == 1' }, 'population'],
    [{ ...doc, population: 'account.delinquent_days' }, 'population'],
    [{ ...doc, arms: [doc.arms[0]!] }, 'arms'],
    [{ ...doc, arms: [{ ...doc.arms[0]!, share: 70 }, doc.arms[1]!] }, 'arms'],
    [{ ...doc, arms: [doc.arms[1]!, { ...doc.arms[0]!, name: 'x' }] }, 'arms[0].name'],
    [{ ...doc, arms: [doc.arms[0]!, { ...doc.arms[1]!, share: 20.005 }] }, 'arms[1].share'],
  ])('rejects a bad experiment (%#) at %s', (bad, path) => {
    expect(validateExperiment(bad as ExperimentDoc).map((e) => e.path)).toContain(path);
  });

  it('hashes deterministically', () => {
    expect(hash32('a')).toBe(hash32('a'));
    expect(hash32('a')).not.toBe(hash32('b'));
  });

  it('assigns the same arm to the same account every time', () => {
    const a = armFor(doc.id, 'A00000042', doc.arms);
    for (let i = 0; i < 5; i++) expect(armFor(doc.id, 'A00000042', doc.arms)).toBe(a);
  });

  it.each([[[80, 20]], [[50, 50]], [[34, 33, 33]], [[90, 5, 5]]])(
    'splits 100,000 accounts within 1 percentage point of %j',
    (shares) => {
      const arms = shares.map((share, i) => ({
        name: i === 0 ? 'champion' : `c${i}`,
        strategyId: 's',
        version: i + 1,
        share,
      }));
      const counts = new Map<string, number>();
      const n = 100_000;
      for (let i = 1; i <= n; i++) {
        const arm = armFor('pilot-7', `A${String(i).padStart(8, '0')}`, arms);
        counts.set(arm.name, (counts.get(arm.name) ?? 0) + 1);
      }
      arms.forEach((arm) => {
        expect(Math.abs(((counts.get(arm.name) ?? 0) / n) * 100 - arm.share)).toBeLessThan(1);
      });
    },
  );

  it('gives different experiments independent splits', () => {
    const arms = doc.arms;
    let same = 0;
    for (let i = 0; i < 10_000; i++) {
      const id = `A${i}`;
      if (armFor('one', id, arms).name === armFor('two', id, arms).name) same++;
    }
    // Independent 80/20 splits agree on 0.8² + 0.2² = 68 % of accounts.
    expect(Math.abs(same / 10_000 - 0.68)).toBeLessThan(0.02);
  });
});
