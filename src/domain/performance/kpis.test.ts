import { describe, expect, it } from 'vitest';
import { emptyCounts, kpis, ratio, sumCounts, teamKpis, type CollectorCounts } from './kpis.ts';

function counts(id: string, over: Partial<CollectorCounts> = {}): CollectorCounts {
  return { ...emptyCounts(id), ...over };
}

// Ann: 200 attempts, 50 right-party contacts, 20 promises, 12 of 16 due kept,
// 40 accounts worked of which 10 cured, CNY 1,234.56 collected.
const ann = counts('ann', {
  attempts: 200,
  rightPartyContacts: 50,
  promisesTaken: 20,
  promisesKept: 12,
  promisesDue: 16,
  collected: { CNY: 123_456 },
  accountsWorked: 40,
  accountsCured: 10,
  complaints: 1,
  complianceBlocks: 2,
});

// Bob: 100 attempts, 10 contacts, 1 promise, none due, 10 worked, 1 cured.
const bob = counts('bob', {
  attempts: 100,
  rightPartyContacts: 10,
  promisesTaken: 1,
  promisesDue: 0,
  collected: { CNY: 10_000, USD: 500 },
  accountsWorked: 10,
  accountsCured: 1,
});

describe('ratio', () => {
  it('is null, not 0, for a zero denominator', () => {
    expect(ratio(0, 0)).toBeNull();
    expect(ratio(5, 0)).toBeNull();
    expect(ratio(0, 4)).toBe(0);
  });
});

describe('kpis', () => {
  it('computes each rate from its own counts', () => {
    const k = kpis(ann);
    expect(k.contactRate).toBe(0.25); // 50 / 200
    expect(k.promiseRate).toBe(0.4); // 20 / 50
    expect(k.keptRate).toBe(0.75); // 12 / 16
    expect(k.cureRate).toBe(0.25); // 10 / 40
    expect(k.collected).toEqual({ CNY: 123_456 });
    expect(k.complaints).toBe(1);
    expect(k.complianceBlocks).toBe(2);
  });

  it('gives null rates where nothing was due or attempted', () => {
    const k = kpis(counts('idle'));
    expect(k).toEqual({
      id: 'idle',
      contactRate: null,
      promiseRate: null,
      keptRate: null,
      cureRate: null,
      collected: {},
      complaints: 0,
      complianceBlocks: 0,
    });
    expect(kpis(bob).keptRate).toBeNull(); // 0 kept / 0 due
  });
});

describe('team KPIs', () => {
  it('sums counts and amounts per currency', () => {
    const t = sumCounts('team', [ann, bob]);
    expect(t.attempts).toBe(300); // 200 + 100
    expect(t.rightPartyContacts).toBe(60); // 50 + 10
    expect(t.collected).toEqual({ CNY: 133_456, USD: 500 }); // 123,456 + 10,000; 500
  });

  it('takes rates of the sums, not the average of the members rates', () => {
    const k = teamKpis('team', [ann, bob]);
    // contact: (50 + 10) / (200 + 100) = 60 / 300 = 0.2 (the average of 0.25 and 0.1 would be 0.175)
    expect(k.contactRate).toBe(0.2);
    // promise: (20 + 1) / 60 = 0.35
    expect(k.promiseRate).toBeCloseTo(0.35, 12);
    // kept: (12 + 0) / (16 + 0) = 0.75 (Bob's null rate does not pull it down)
    expect(k.keptRate).toBe(0.75);
    // cure: (10 + 1) / (40 + 10) = 11 / 50 = 0.22
    expect(k.cureRate).toBe(0.22);
  });

  it('of no members is all null rates', () => {
    expect(teamKpis('empty', []).contactRate).toBeNull();
  });
});
