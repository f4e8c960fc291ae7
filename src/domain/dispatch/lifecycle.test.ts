import { describe, expect, it } from 'vitest';
import {
  canTransition,
  DEFAULT_RETRY,
  dispatchWindow,
  instantAtLocal,
  nextRetry,
  shardOf,
  SHARDS,
} from './lifecycle.ts';

describe('dispatch states', () => {
  it.each([
    ['planned', 'checked', true],
    ['planned', 'blocked', true],
    ['checked', 'queued', true],
    ['queued', 'sending', true],
    ['sending', 'sent', true],
    ['sending', 'queued', true],
    ['sent', 'delivered', true],
    ['sent', 'failed', true],
    ['blocked', 'queued', true],
    ['queued', 'expired', true],
    ['planned', 'sent', false],
    ['delivered', 'failed', false],
    ['failed', 'queued', false],
    ['expired', 'queued', false],
    ['sent', 'sending', false],
  ] as const)('%s → %s: %s', (from, to, ok) => {
    expect(canTransition(from, to)).toBe(ok);
  });
});

describe('local instants', () => {
  it.each([
    // date, minutes, zone, instant
    ['2026-03-02', 9 * 60, 'America/New_York', '2026-03-02T14:00:00.000Z'],
    ['2026-07-02', 9 * 60, 'America/New_York', '2026-07-02T13:00:00.000Z'],
    ['2026-03-02', 9 * 60 + 30, 'Asia/Shanghai', '2026-03-02T01:30:00.000Z'],
    ['2026-06-01', 8 * 60, 'Europe/London', '2026-06-01T07:00:00.000Z'],
    ['2026-12-01', 8 * 60, 'Europe/London', '2026-12-01T08:00:00.000Z'],
    // New York springs forward at 02:00 on 8 March 2026: 02:30 does not exist.
    ['2026-03-08', 2 * 60 + 30, 'America/New_York', '2026-03-08T07:30:00.000Z'],
    // The day after the change.
    ['2026-03-09', 9 * 60, 'America/New_York', '2026-03-09T13:00:00.000Z'],
    // London falls back on 25 October 2026: midnight is still BST.
    ['2026-10-25', 0, 'Europe/London', '2026-10-24T23:00:00.000Z'],
    ['2026-10-26', 0, 'Europe/London', '2026-10-26T00:00:00.000Z'],
  ])('%s %d min in %s is %s', (date, minutes, zone, iso) => {
    expect(instantAtLocal(date, minutes, zone).toISOString()).toBe(iso);
  });

  it('a day runs from its slot to the next local midnight (letters: three days)', () => {
    const sms = dispatchWindow('sms', '2026-03-07', 'America/New_York');
    expect(sms.slot.toISOString()).toBe('2026-03-07T14:30:00.000Z');
    // 8 March is 23 hours long in New York: midnight after it is 04:00 UTC.
    expect(sms.expires.toISOString()).toBe('2026-03-08T05:00:00.000Z');
    const letter = dispatchWindow('letter', '2026-03-07', 'America/New_York');
    expect(letter.expires.toISOString()).toBe('2026-03-10T04:00:00.000Z');
  });
});

describe('retries', () => {
  const t0 = new Date('2026-03-02T10:00:00Z');
  it('back off exponentially up to the cap, then stop', () => {
    const delays = [1, 2, 3, 4].map((n) => nextRetry(n, t0)!.getTime() - t0.getTime());
    expect(delays).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(nextRetry(DEFAULT_RETRY.maxAttempts, t0)).toBeNull();
    const capped = nextRetry(20, t0, { maxAttempts: 30, baseDelayMs: 60_000, maxDelayMs: 600_000 });
    expect(capped!.getTime() - t0.getTime()).toBe(600_000);
  });
  it('jitter spreads up to a quarter more', () => {
    expect(nextRetry(1, t0, DEFAULT_RETRY, 0.5)!.getTime() - t0.getTime()).toBe(33_750);
  });
});

describe('shards', () => {
  it('split customers evenly and stably', () => {
    const counts = new Array(SHARDS).fill(0);
    for (let id = 1; id <= SHARDS * 100; id++) counts[shardOf(id)]++;
    expect(new Set(counts)).toEqual(new Set([100]));
    expect(shardOf(33)).toBe(1);
  });
});
