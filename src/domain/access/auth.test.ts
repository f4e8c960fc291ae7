import { describe, expect, it } from 'vitest';
import { DEFAULT_AUTH_POLICY, passwordProblems, sessionExpiry, throttle } from './auth.ts';

const t = (min: number) => new Date(Date.UTC(2026, 11, 1, 9, 0) + min * 60_000);
const fail = (min: number) => ({ at: t(min), ok: false });

describe('sign-in rules', () => {
  it('refuses short passwords, the username, one repeated character', () => {
    expect(passwordProblems('correct horse', 'ada')).toEqual([]);
    expect(passwordProblems('short', 'ada').map((p) => p.reason)).toEqual([
      'must have at least 10 characters',
    ]);
    expect(passwordProblems('AdaLovelace', 'adalovelace')[0]?.reason).toBe(
      'must not be the username',
    );
    expect(passwordProblems('aaaaaaaaaaaa', 'ada')[0]?.reason).toBe(
      'must not repeat one character',
    );
  });

  it('throttles the sixth attempt after five failures in 15 minutes, until the first leaves', () => {
    // failures at 0, 2, 4, 6, 8 minutes: the fifth reaches the limit of 5
    const fails = [0, 2, 4, 6, 8].map(fail);
    expect(throttle(fails.slice(0, 4), [], t(9))).toEqual({ allowed: true });
    // retry when the failure at minute 0 leaves the 15-minute window: minute 15
    expect(throttle(fails, [], t(9))).toEqual({ allowed: false, retryAt: t(15) });
    expect(throttle(fails, [], t(15.01))).toEqual({ allowed: true });
  });

  it('a success resets the count', () => {
    const attempts = [fail(0), fail(1), fail(2), fail(3), { at: t(4), ok: true }, fail(5)];
    expect(throttle(attempts, [], t(6))).toEqual({ allowed: true });
  });

  it('throttles an address that tries many usernames', () => {
    const fromAddress = Array.from({ length: 20 }, (_, i) => fail(i * 0.5));
    // 20 failures from minute 0 to 9.5; the first leaves the window at minute 15
    expect(throttle([], fromAddress, t(10))).toEqual({ allowed: false, retryAt: t(15) });
  });

  it('a session ends after 8 idle hours or 12 hours after sign-in', () => {
    expect(sessionExpiry(t(0), t(60))).toEqual(t(60 + 480));
    expect(sessionExpiry(t(0), t(300))).toEqual(t(720));
    expect(DEFAULT_AUTH_POLICY.sessionMaxHours).toBe(12);
  });
});
