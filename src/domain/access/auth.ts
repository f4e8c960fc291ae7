/**
 * The rules of signing in: what a password must be, how many failed attempts are tolerated
 * before sign-in is throttled, how long a session lives. Pure: attempts and times come in.
 */
/** A field and why it is refused. */
export interface Problem {
  at: string;
  reason: string;
}

export interface AuthPolicy {
  /** Minimum password length (characters). */
  minPasswordLength: number;
  /** Failed attempts for one username within the window before it is throttled. */
  maxFailuresPerUser: number;
  /** Failed attempts from one address within the window before it is throttled. */
  maxFailuresPerAddress: number;
  windowMinutes: number;
  /** A session ends this long after its last use... */
  sessionIdleMinutes: number;
  /** ...and at the latest this long after sign-in. */
  sessionMaxHours: number;
}

export const DEFAULT_AUTH_POLICY: AuthPolicy = {
  minPasswordLength: 10,
  maxFailuresPerUser: 5,
  maxFailuresPerAddress: 20,
  windowMinutes: 15,
  sessionIdleMinutes: 8 * 60,
  sessionMaxHours: 12,
};

/** Why a password is refused (empty when it is acceptable). */
export function passwordProblems(
  password: string,
  username: string,
  policy: AuthPolicy = DEFAULT_AUTH_POLICY,
): Problem[] {
  const out: Problem[] = [];
  if ([...password].length < policy.minPasswordLength)
    out.push({
      at: 'password',
      reason: `must have at least ${policy.minPasswordLength} characters`,
    });
  if (password.trim().toLowerCase() === username.trim().toLowerCase())
    out.push({ at: 'password', reason: 'must not be the username' });
  if (/^(.)\1*$/u.test(password))
    out.push({ at: 'password', reason: 'must not repeat one character' });
  return out;
}

export interface Attempt {
  at: Date;
  ok: boolean;
}

/**
 * Whether a sign-in may be tried now, given the recent attempts for the username and from the
 * address. Failures count until a success resets them; when throttled, `retryAt` is when the
 * oldest counted failure leaves the window.
 */
export function throttle(
  byUser: readonly Attempt[],
  byAddress: readonly Attempt[],
  now: Date,
  policy: AuthPolicy = DEFAULT_AUTH_POLICY,
): { allowed: true } | { allowed: false; retryAt: Date } {
  const windowStart = now.getTime() - policy.windowMinutes * 60_000;
  const failures = (attempts: readonly Attempt[]) => {
    const recent = attempts
      .filter((a) => a.at.getTime() > windowStart && a.at.getTime() <= now.getTime())
      .sort((a, b) => a.at.getTime() - b.at.getTime());
    const lastOk = recent.map((a) => a.ok).lastIndexOf(true);
    return recent.slice(lastOk + 1).map((a) => a.at.getTime());
  };
  const check = (times: number[], max: number) =>
    times.length >= max ? times[times.length - max]! + policy.windowMinutes * 60_000 : null;
  const retry = [
    check(failures(byUser), policy.maxFailuresPerUser),
    check(failures(byAddress), policy.maxFailuresPerAddress),
  ].filter((t): t is number => t !== null);
  return retry.length === 0
    ? { allowed: true }
    : { allowed: false, retryAt: new Date(Math.max(...retry)) };
}

/** When a session used at `seenAt`, begun at `createdAt`, ends. */
export function sessionExpiry(
  createdAt: Date,
  seenAt: Date,
  policy: AuthPolicy = DEFAULT_AUTH_POLICY,
): Date {
  return new Date(
    Math.min(
      seenAt.getTime() + policy.sessionIdleMinutes * 60_000,
      createdAt.getTime() + policy.sessionMaxHours * 3_600_000,
    ),
  );
}
