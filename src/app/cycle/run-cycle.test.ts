import { describe, expect, it } from 'vitest';
import { DEFAULT_LEDGER_POLICY } from '../../domain/ledger/policy.ts';
import { catchUpRange, runCycles } from './run-cycle.ts';
import type { CycleStore } from './ports.ts';

describe('catchUpRange', () => {
  it.each([
    // never cycled: the last maxDays days up to today
    [null, '2026-03-31', 90, { from: '2026-01-01', to: '2026-03-31' }],
    // cycled yesterday: today only
    ['2026-03-30', '2026-03-31', 90, { from: '2026-03-31', to: '2026-03-31' }],
    // cycled today: nothing to do
    ['2026-03-31', '2026-03-31', 90, null],
    // long gap: bounded by maxDays
    ['2025-01-01', '2026-03-31', 10, { from: '2026-03-22', to: '2026-03-31' }],
  ] as const)('last %s, today %s, at most %i days', (last, today, max, expected) => {
    expect(catchUpRange(last, today, max)).toEqual(expected);
  });
});

/** An in-memory store that records what the use case asked of it. */
function recordingStore(last: string | null) {
  const calls: string[] = [];
  const store: CycleStore = {
    lastCycled: async () => last,
    runDay: async (asOf) => {
      calls.push(`run ${asOf}`);
      return {
        asOf,
        accounts: 1,
        transitions: 0,
        durationMs: 0,
        strategyVersionId: null,
        actions: 0,
        planMs: 0,
      };
    },
    rewind: async (from) => void calls.push(`rewind ${from}`),
    runs: async () => [],
  };
  return { store, calls };
}

const deps = (cycles: CycleStore) => ({
  cycles,
  policies: { ledgerPolicy: async () => DEFAULT_LEDGER_POLICY, saveLedgerPolicy: async () => {} },
  clock: { now: () => new Date('2026-04-01T00:00:00Z') },
});

describe('runCycles', () => {
  it('runs each day of the range in order', async () => {
    const { store, calls } = recordingStore('2026-03-28');
    await runCycles(deps(store), { from: '2026-03-29', to: '2026-03-31' });
    expect(calls).toEqual(['run 2026-03-29', 'run 2026-03-30', 'run 2026-03-31']);
  });

  it('rewinds and replays up to the last cycled day when asked for an earlier day', async () => {
    const { store, calls } = recordingStore('2026-03-31');
    await runCycles(deps(store), { from: '2026-03-30', to: '2026-03-30' });
    expect(calls).toEqual(['rewind 2026-03-30', 'run 2026-03-30', 'run 2026-03-31']);
  });

  it('re-runs the last cycled day without rewinding', async () => {
    const { store, calls } = recordingStore('2026-03-31');
    await runCycles(deps(store), { from: '2026-03-31', to: '2026-03-31' });
    expect(calls).toEqual(['run 2026-03-31']);
  });

  it('refuses an empty range', async () => {
    const { store } = recordingStore(null);
    await expect(runCycles(deps(store), { from: '2026-04-02', to: '2026-04-01' })).rejects.toThrow(
      'the cycle range is empty',
    );
  });
});
