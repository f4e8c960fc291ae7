/**
 * Channel settings: what an administrator decides about each channel while it runs.
 *
 * - `paused`: nothing new goes out on the channel. Planned contacts wait (messages stay queued,
 *   calls and visits stay planned, no task is made) and go out once it is resumed, checked by
 *   the contact rules at that moment like any other.
 * - `dailyLimit`: at most that many go out per business day (the day in the portfolio's
 *   business time zone): messages sent, calls and visits made into tasks. The first by the
 *   dispatches' priority order go; the rest wait for the next business day.
 */
import { DISPATCH_CHANNELS, instantAtLocal, type DispatchChannel } from '../dispatch/lifecycle.ts';
import { addDays, type LocalDate } from '../time/date.ts';
import { localDateOf } from '../time/zone.ts';

export const SETTINGS_CHANNELS = DISPATCH_CHANNELS;

export interface ChannelSetting {
  paused: boolean;
  /** At most this many per business day; null: no limit. */
  dailyLimit: number | null;
}

export type ChannelSettings = Readonly<Record<DispatchChannel, ChannelSetting>>;

/** A change: for each channel given, the fields given. */
export type ChannelSettingsChange = Partial<Record<DispatchChannel, Partial<ChannelSetting>>>;

export interface SettingsIssue {
  at: string;
  reason: string;
}

/** The largest daily limit accepted (a limit is a brake, not a capacity plan). */
export const MAX_DAILY_LIMIT = 10_000_000;

export const DEFAULT_CHANNEL_SETTINGS: ChannelSettings = Object.freeze(
  Object.fromEntries(
    SETTINGS_CHANNELS.map((c) => [c, Object.freeze({ paused: false, dailyLimit: null })]),
  ) as Record<DispatchChannel, ChannelSetting>,
);

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks a change to the settings: `{ channels: { sms: { paused?, dailyLimit? }, ... } }`. Only
 * `paused` and `dailyLimit` may be given; every problem is named by its field under `prefix`.
 */
export function parseChannelSettingsChange(
  doc: unknown,
  prefix = 'body',
): { ok: true; change: ChannelSettingsChange } | { ok: false; errors: SettingsIssue[] } {
  const errors: SettingsIssue[] = [];
  if (!isObject(doc)) return { ok: false, errors: [{ at: prefix, reason: 'must be an object' }] };
  for (const k of Object.keys(doc))
    if (k !== 'channels')
      errors.push({ at: `${prefix}.${k}`, reason: 'is not a setting (only channels)' });
  const channels = doc.channels;
  if (!isObject(channels)) {
    errors.push({ at: `${prefix}.channels`, reason: 'is required: an object of channels' });
    return { ok: false, errors };
  }
  const change: ChannelSettingsChange = {};
  for (const [name, v] of Object.entries(channels)) {
    const at = `${prefix}.channels.${name}`;
    if (!(SETTINGS_CHANNELS as readonly string[]).includes(name)) {
      errors.push({ at, reason: `is not a channel (${SETTINGS_CHANNELS.join(', ')})` });
      continue;
    }
    if (!isObject(v)) {
      errors.push({ at, reason: 'must be an object with paused and/or dailyLimit' });
      continue;
    }
    const c: Partial<ChannelSetting> = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === 'paused') {
        if (typeof x !== 'boolean')
          errors.push({ at: `${at}.paused`, reason: 'must be true or false' });
        else c.paused = x;
      } else if (k === 'dailyLimit') {
        if (x === null) c.dailyLimit = null;
        else if (typeof x !== 'number' || !Number.isInteger(x) || x < 1 || x > MAX_DAILY_LIMIT)
          errors.push({
            at: `${at}.dailyLimit`,
            reason: `must be null (no limit) or a whole number from 1 to ${MAX_DAILY_LIMIT}`,
          });
        else c.dailyLimit = x;
      } else if (k === 'gateway') {
        errors.push({
          at: `${at}.gateway`,
          reason: 'is read-only: the gateway comes from the server configuration',
        });
      } else {
        errors.push({ at: `${at}.${k}`, reason: 'is not a channel setting (paused, dailyLimit)' });
      }
    }
    change[name as DispatchChannel] = c;
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, change };
}

/** The settings after a change: channels and fields not given keep their values. */
export function applyChannelSettingsChange(
  current: ChannelSettings,
  change: ChannelSettingsChange,
): ChannelSettings {
  return Object.fromEntries(
    SETTINGS_CHANNELS.map((c) => [c, { ...current[c], ...(change[c] ?? {}) }]),
  ) as Record<DispatchChannel, ChannelSetting>;
}

/**
 * The settings from a stored document: each channel's valid fields, defaults for the rest (a
 * document written by an older version never stops dispatch).
 */
export function storedChannelSettings(doc: unknown): ChannelSettings {
  const channels = isObject(doc) && isObject(doc.channels) ? doc.channels : {};
  const change: ChannelSettingsChange = {};
  for (const c of SETTINGS_CHANNELS) {
    const v = channels[c];
    if (!isObject(v)) continue;
    const r = parseChannelSettingsChange({ channels: { [c]: v } });
    if (r.ok) change[c] = r.change[c]!;
  }
  return applyChannelSettingsChange(DEFAULT_CHANNEL_SETTINGS, change);
}

/** The channels among `of` that are not paused. */
export function openChannels(
  s: ChannelSettings,
  of: readonly DispatchChannel[] = SETTINGS_CHANNELS,
): DispatchChannel[] {
  return of.filter((c) => !s[c].paused);
}

/** The daily limits in force among `of` (paused channels send nothing anyway). */
export function dailyLimits(
  s: ChannelSettings,
  of: readonly DispatchChannel[] = SETTINGS_CHANNELS,
): { channel: DispatchChannel; limit: number }[] {
  return of
    .filter((c) => !s[c].paused && s[c].dailyLimit !== null)
    .map((c) => ({ channel: c, limit: s[c].dailyLimit! }));
}

/** The business day of an instant: its date, its bounds and the start of the next. */
export function businessDay(
  now: Date,
  zone: string,
): { day: LocalDate; from: Date; to: Date; next: LocalDate } {
  const day = localDateOf(now, zone);
  const next = addDays(day, 1);
  return { day, from: instantAtLocal(day, 0, zone), to: instantAtLocal(next, 0, zone), next };
}

/**
 * Of `candidates` (in priority order), the ones that may go today under `limit` when `used`
 * already went: the first `limit - used`.
 */
export function withinLimit<T>(candidates: readonly T[], limit: number | null, used: number): T[] {
  if (limit === null) return [...candidates];
  return candidates.slice(0, Math.max(0, limit - used));
}
