/**
 * Time zones (IANA names). Converting an instant to a customer's local calendar date decides
 * which day a payment counts on and, later, whether a contact falls inside allowed hours.
 */
import { isLocalDate, type LocalDate } from './date.ts';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** True for a time zone name the runtime's IANA database knows (e.g. `Asia/Shanghai`, `UTC`). */
export function isTimeZone(zone: string): boolean {
  if (!zone || zone.trim() !== zone) return false;
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

export interface LocalDateTime {
  date: LocalDate;
  hour: number;
  minute: number;
  second: number;
}

const recent = new Map<string, LocalDateTime>();

/** The wall-clock date and time of `instant` in `zone` (recent answers are remembered). */
export function toLocal(instant: Date, zone: string): LocalDateTime {
  const key = `${instant.getTime()} ${zone}`;
  const known = recent.get(key);
  if (known) return known;
  const local = computeLocal(instant, zone);
  if (recent.size >= 4096) recent.clear();
  recent.set(key, Object.freeze(local));
  return local;
}

function computeLocal(instant: Date, zone: string): LocalDateTime {
  const parts = formatter(zone).formatToParts(instant);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return {
    date: `${get('year')}-${get('month')}-${get('day')}`,
    hour: Number(get('hour')),
    minute: Number(get('minute')),
    second: Number(get('second')),
  };
}

/** The calendar date of `instant` in `zone`. */
export function localDateOf(instant: Date, zone: string): LocalDate {
  return toLocal(instant, zone).date;
}

const INSTANT_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Parses an ISO 8601 timestamp that states its offset (`Z` or `+08:00`); null otherwise. */
export function parseInstant(s: string): Date | null {
  if (!INSTANT_RE.test(s) || !isLocalDate(s.slice(0, 10))) return null;
  const hour = Number(s.slice(11, 13));
  const minute = Number(s.slice(14, 16));
  const second = s[16] === ':' ? Number(s.slice(17, 19)) : 0;
  if (hour > 23 || minute > 59 || second > 59) return null;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? null : d;
}
