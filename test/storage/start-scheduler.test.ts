/**
 * `recoup start`'s background on one platform: the in-process scheduler queues the day once its
 * time has passed, and the in-process worker cycles it; a day already cycled is not queued.
 */
import { describe, expect, it } from 'vitest';
import { startInProcessWorker } from '../../src/adapters/cli/dispatch-commands.ts';
import { loadConfig } from '../../src/adapters/config.ts';
import { cycleQueued } from '../../src/adapters/cycle-runtime.ts';
import { createLogger } from '../../src/adapters/log.ts';
import { scheduledDays } from '../../src/adapters/scheduler.ts';
import { ENGINE, fixedClock, openTestPlatform } from '../support/platform.ts';

describe(`recoup start's scheduler (${ENGINE})`, () => {
  it('queues the day at RECOUP_CYCLE_AT and its worker cycles it', async () => {
    const clock = fixedClock('2026-06-30T01:59:00Z');
    const p = await openTestPlatform(clock);
    const config = loadConfig({ RECOUP_CYCLE_AT: '02:00', RECOUP_CYCLE_DISPATCH: 'none' });
    const stop = startInProcessWorker(p, config, createLogger('silent'), 50);
    try {
      const until = async (what: () => Promise<boolean>) => {
        const t0 = Date.now();
        while (!(await what()) && Date.now() - t0 < 30_000)
          await new Promise((r) => setTimeout(r, 50));
      };
      // before 02:00 the latest day due is the 29th (a portfolio never cycled starts there)
      await until(async () => (await p.cycles.lastCycled()) === '2026-06-29');
      expect(await p.cycles.lastCycled()).toBe('2026-06-29');
      await new Promise((r) => setTimeout(r, 300));
      expect((await scheduledDays(p.db)).map((d) => d.asOf)).toEqual(['2026-06-29']);
      clock.set('2026-06-30T02:00:00Z');
      await until(async () => (await p.cycles.lastCycled()) === '2026-06-30');
      expect(await p.cycles.lastCycled()).toBe('2026-06-30');
      expect(await cycleQueued(p)).toBe(false);
      expect((await scheduledDays(p.db)).map((d) => d.asOf)).toEqual(['2026-06-29', '2026-06-30']);
    } finally {
      stop.abort();
      await new Promise((r) => setTimeout(r, 1200));
      await p.close();
    }
  });
});
