/**
 * The life of a dispatch: a planned action on its way to a customer. Every state change is one
 * of the transitions below, stored with its time and reason; the terminal states are final
 * except that a blocked dispatch may be rescheduled to the next time the rules allow.
 *
 *   planned → checked → queued → sending → sent → delivered
 *      │         │        │  ▲       │        └──→ failed
 *      └→ blocked ←───────┘  └ retry ┘ → failed (permanent, or out of retries)
 *         blocked → queued (rescheduled)       queued → expired
 */
import { addDays, type LocalDate } from '../time/date.ts';
import { toLocal } from '../time/zone.ts';

export const DISPATCH_STATES = [
  'planned',
  'checked',
  'queued',
  'sending',
  'sent',
  'delivered',
  'failed',
  'blocked',
  'expired',
] as const;
export type DispatchState = (typeof DISPATCH_STATES)[number];

export const DISPATCH_CHANNELS = ['sms', 'email', 'letter', 'phone', 'field_visit'] as const;
export type DispatchChannel = (typeof DISPATCH_CHANNELS)[number];

/** Channels whose messages a provider carries; calls and visits become tasks for people. */
export const MESSAGE_CHANNELS: readonly DispatchChannel[] = ['sms', 'email', 'letter'];

const NEXT: Readonly<Record<DispatchState, readonly DispatchState[]>> = {
  planned: ['checked', 'blocked', 'expired'],
  checked: ['queued', 'blocked', 'expired'],
  queued: ['sending', 'blocked', 'expired', 'failed', 'sent'],
  // sending → queued: a worker stopped before handing the message over, or a temporary failure.
  sending: ['sent', 'queued', 'failed'],
  sent: ['delivered', 'failed'],
  delivered: [],
  failed: [],
  blocked: ['queued'],
  expired: [],
};

export function canTransition(from: DispatchState, to: DispatchState): boolean {
  return NEXT[from].includes(to);
}

export const FINAL_STATES: ReadonlySet<DispatchState> = new Set(['delivered', 'failed', 'expired']);

/** How long a planned action stays worth doing, in days from its planned day (end of day). */
export const VALIDITY_DAYS: Readonly<Record<DispatchChannel, number>> = {
  sms: 1,
  email: 1,
  phone: 1,
  field_visit: 1,
  letter: 3,
};

/** The local time a channel's messages are first tried on their day (minutes after midnight). */
export const SEND_SLOT_MINUTES: Readonly<Record<DispatchChannel, number>> = {
  sms: 9 * 60 + 30,
  email: 9 * 60,
  letter: 8 * 60,
  phone: 9 * 60,
  field_visit: 9 * 60,
};

/**
 * The instant at local time `minutes` on `date` in `zone`. On a day when that local time does
 * not exist (a spring-forward gap) it is the first instant after the gap.
 */
export function instantAtLocal(date: LocalDate, minutes: number, zone: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d, Math.floor(minutes / 60), minutes % 60);
  // Two passes converge for every zone offset change (the offset at the guess, then at the result).
  let t = wall;
  for (let i = 0; i < 3; i++) {
    const l = toLocal(new Date(t), zone);
    const [ly, lm, ld] = l.date.split('-').map(Number) as [number, number, number];
    const localWall = Date.UTC(ly, lm - 1, ld, l.hour, l.minute);
    const diff = wall - localWall;
    if (diff === 0) return new Date(t);
    t += diff;
  }
  return new Date(t);
}

/** When a dispatch planned for `day` is first tried, and when it expires. */
export function dispatchWindow(
  channel: DispatchChannel,
  day: LocalDate,
  zone: string,
): { slot: Date; expires: Date } {
  return {
    slot: instantAtLocal(day, SEND_SLOT_MINUTES[channel], zone),
    expires: instantAtLocal(addDays(day, VALIDITY_DAYS[channel]), 0, zone),
  };
}

export interface RetryPolicy {
  maxAttempts: number;
  /** Delay of the first retry; each next one doubles, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 30_000,
  maxDelayMs: 30 * 60_000,
};

/**
 * After the `attempts`-th failed try: when to try again, or null when the dispatch is out of
 * retries (then it is failed, the dead-letter state, with the last reason). `jitter` in [0, 1)
 * spreads retries of many messages; it comes in as an argument, like the time.
 */
export function nextRetry(
  attempts: number,
  now: Date,
  policy: RetryPolicy = DEFAULT_RETRY,
  jitter = 0,
): Date | null {
  if (attempts >= policy.maxAttempts) return null;
  const delay = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempts - 1));
  return new Date(now.getTime() + Math.round(delay * (1 + 0.25 * jitter)));
}

/** The shard of a customer: dispatch work is split by customer into this many shards. */
export const SHARDS = 32;
export function shardOf(customerId: number): number {
  return ((customerId % SHARDS) + SHARDS) % SHARDS;
}
