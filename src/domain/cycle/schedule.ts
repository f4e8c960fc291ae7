/**
 * When the daily cycle is due: each business date is cycled once its portfolio's local time of
 * day (e.g. 02:00 in Asia/Shanghai) has passed on that date. A time that does not exist on a
 * spring-forward day fires at the first instant after it (the end of the gap); a time that
 * occurs twice on a fall-back day fires at its first occurrence, once.
 */
import { addDays, dateRange, type LocalDate } from '../time/date.ts';
import { toLocal } from '../time/zone.ts';

/** A local time of day, minutes after midnight (0 to 1439). */
export interface TimeOfDay {
  hour: number;
  minute: number;
}

export interface CycleSchedule {
  /** The portfolio's business time zone (IANA name). */
  zone: string;
  at: TimeOfDay;
}

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** `HH:MM` (00:00 to 23:59) as a time of day; null when it is not one. */
export function parseTimeOfDay(s: string): TimeOfDay | null {
  const m = TIME.exec(s.trim());
  return m ? { hour: Number(m[1]), minute: Number(m[2]) } : null;
}

export const formatTimeOfDay = (t: TimeOfDay): string =>
  `${String(t.hour).padStart(2, '0')}:${String(t.minute).padStart(2, '0')}`;

const MINUTE = 60_000;

/** The wall-clock time of `ms` in `zone`, as milliseconds of a UTC calendar (offset applied). */
function wallOf(ms: number, zone: string): number {
  const l = toLocal(new Date(ms), zone);
  const [y, mo, d] = l.date.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, mo - 1, d, l.hour, l.minute, l.second);
}

/** The zone's offset from UTC at the instant `ms`, in milliseconds (whole seconds). */
const offsetAt = (ms: number, zone: string) => {
  const s = Math.floor(ms / 1000) * 1000;
  return wallOf(s, zone) - s;
};

/**
 * The instant the schedule fires on `date`: the first instant whose local time in the zone is
 * `at` or later on that date.
 */
export function fireInstant(date: LocalDate, s: CycleSchedule): Date {
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, mo - 1, d, s.at.hour, s.at.minute);
  // the offsets in force around that wall time (a zone changes its offset at most once a day)
  const offsets = [
    ...new Set([-36, -12, 0, 12, 36].map((h) => offsetAt(wall + h * 3_600_000, s.zone))),
  ];
  const exact = offsets
    .map((o) => wall - o)
    .filter((t) => wallOf(t, s.zone) === wall)
    .sort((a, b) => a - b);
  if (exact.length > 0) return new Date(exact[0]!);
  // the time falls in a gap: the first minute after it is the end of the gap
  let lo = Math.min(...offsets.map((o) => wall - o));
  let hi = Math.max(...offsets.map((o) => wall - o));
  while (hi - lo > MINUTE) {
    const mid = lo + Math.floor((hi - lo) / 2 / MINUTE) * MINUTE;
    if (wallOf(mid, s.zone) >= wall) hi = mid;
    else lo = mid;
  }
  return new Date(hi);
}

/** The latest business date whose time has passed at `now` (fired at or before it). */
export function latestDue(now: Date, s: CycleSchedule): LocalDate {
  let day = toLocal(now, s.zone).date;
  while (fireInstant(day, s).getTime() > now.getTime()) day = addDays(day, -1);
  return day;
}

/**
 * The business dates to cycle at `now`: the days after `after` (the last day cycled or queued)
 * through the latest due, one after the other (missed days are caught up); with no day before,
 * only the latest due. None when `after` is the latest due or later.
 */
export function dueDates(now: Date, s: CycleSchedule, after: LocalDate | null): LocalDate[] {
  const latest = latestDue(now, s);
  if (after === null) return [latest];
  return after >= latest ? [] : dateRange(addDays(after, 1), latest);
}

/** When the schedule next fires after `now` (for the log). */
export function nextFire(now: Date, s: CycleSchedule): Date {
  return fireInstant(addDays(latestDue(now, s), 1), s);
}
